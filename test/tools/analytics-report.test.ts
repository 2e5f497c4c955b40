/**
 * @jest-environment ./test/tools/support/chromium-environment.ts
 *
 * The analytics report end to end: generated from a real Postgres holding the fixture in
 * support/improvement-fixture.ts, then opened in real headless Chromium with every non-file
 * request refused. The numbers in the tables are the fixture's, worked out by hand in
 * improvement-analysis.test.ts; here they are checked as the reader sees them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { migrate } from '../../runtime/src/storage/migrations';
import { runAnalyticsReport } from '../../tools/analytics/analytics-report';
import { COLORS } from '../../tools/analytics/chart-spec';
import { PostgresServer } from '../runtime/support/local-servers';
import { CanvasPaint, canvasPaint, launchChromium, offlinePage, tableRows } from './support/headless-chromium';
import { FIXTURE_PERIOD, REFUNDS_PAGE, SCRIPT_COMMENT, insertImprovementFixture } from './support/improvement-fixture';

/** Each chart and a colour only its data is drawn in (bars or point markers of a dataset with data). */
const CHART_DATA_COLORS: Record<string, string> = {
  'chart-quality-trend': COLORS.quality,
  'chart-feedback-trend': COLORS.feedback,
  'chart-feedback-by-intent': COLORS.feedback,
  'chart-negative-themes': COLORS.negative,
  'chart-quality-by-page': COLORS.quality,
  'chart-experiment-variants': COLORS.quality,
};

/** A chart counts as drawn only with a size, painted pixels, and pixels in its data's colour. */
function expectDrawn(c: CanvasPaint, dataColor: string): void {
  if (!(c.width > 0 && c.height > 0)) throw new Error(`${c.id} has no size (${c.width}x${c.height})`);
  if (c.painted < 1000) throw new Error(`${c.id} is blank: ${c.painted} painted pixels`);
  if (!(c.exact[dataColor] > 50)) throw new Error(`${c.id} shows no data: ${c.exact[dataColor] ?? 0} pixels of ${dataColor}`);
}

describe('analytics report in headless Chromium', () => {
  let browser: Browser;
  let postgres: PostgresServer;
  let db: PostgresDatabase;
  let outDir: string;
  let reportUrl: string;
  let readerUrl: string;

  beforeAll(async () => {
    browser = await launchChromium(); // first: no browser is a failure with the install command, not a skip
    postgres = await PostgresServer.start();
    db = new PostgresDatabase({ url: postgres.url });
    await migrate(db);
    await insertImprovementFixture(db);
    // The read-only role of docs/improvement/analytics.md: SELECT on four tables is all the report needs.
    for (const statement of [
      'CREATE ROLE analytics_reader NOLOGIN',
      'GRANT USAGE ON SCHEMA public TO analytics_reader',
      'GRANT SELECT ON turn_events, conversations, feedback, experiment_exposures TO analytics_reader',
      'CREATE ROLE alice LOGIN IN ROLE analytics_reader',
    ])
      await db.query(statement);
    readerUrl = postgres.url.replace('postgres://postgres@', 'postgres://alice@');
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-analytics-'));
    const { file } = await runAnalyticsReport({ databaseUrl: readerUrl, period: FIXTURE_PERIOD, outDir });
    reportUrl = pathToFileURL(path.resolve(file)).href;
  });
  afterAll(async () => {
    await browser?.close();
    await db?.close();
    await postgres?.destroy();
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  test('draws all six charts with no network, no console error and no page error', async () => {
    const { page, errors, blocked, dialogs } = await offlinePage(browser);
    await page.goto(reportUrl, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 20_000 });
    expect(await page.$eval('body', (b) => b.dataset.chartsRendered)).toBe('6');
    const canvases = await canvasPaint(page, Object.values(CHART_DATA_COLORS));
    expect(canvases.map((c) => c.id)).toEqual(Object.keys(CHART_DATA_COLORS));
    for (const c of canvases) expectDrawn(c, CHART_DATA_COLORS[c.id]);
    expect({ errors, blocked, dialogs }).toEqual({ errors: [], blocked: [], dialogs: [] });
    await page.close();
  });

  test('the canvas check fails on a blank canvas', async () => {
    const { page } = await offlinePage(browser);
    await page.setContent('<canvas id="blank" width="300" height="150"></canvas>');
    const [blank] = await canvasPaint(page, [COLORS.quality]);
    expect(blank.painted).toBe(0);
    expect(() => expectDrawn(blank, COLORS.quality)).toThrow(/blank/);
    await page.close();
  });

  test('the tables show the numbers of the data', async () => {
    const { page, errors } = await offlinePage(browser);
    await page.goto(reportUrl, { waitUntil: 'load' });
    expect(await tableRows(page, 'The period at a glance')).toEqual([
      ['Turns', '11'],
      ['Conversations', '4'],
      ['Mean quality', '0.625'],
      ['No-match rate', '36.4%'],
      ['Escalation rate', '25.0%'],
      ['Feedback', '7'],
      ['Mean feedback score', '0.286'],
      ['Negative comments', '4'],
    ]);
    const days = await tableRows(page, 'Quality per day');
    expect(days.map((r) => r[0])).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
    ]);
    expect(days[0]).toEqual(['2026-03-01', '0', '0', '—', '—', '—']);
    expect(days[1]).toEqual(['2026-03-02', '7', '2', '0.550', '42.9%', '50.0%']);
    expect((await tableRows(page, 'Feedback per day'))[4]).toEqual(['2026-03-05', '2', '0.125']);
    expect(await tableRows(page, 'Feedback by intent')).toEqual([
      ['(no intent)', '2', '0.0%', '—', '0.000', '2'],
      ['agent.handoff', '1', '0.0%', '—', '0.000', '1'],
      ['billing.refund', '2', '—', '1.50', '0.125', '2'],
      ['order.status', '2', '100.0%', '4.00', '0.875', '0'],
    ]);
    expect(await tableRows(page, 'Feedback by page')).toEqual([
      [REFUNDS_PAGE, '4', '0.0%', '1.50', '0.063', '4'],
      ['Order Status', '3', '50.0%', '4.00', '0.583', '1'],
    ]);
    expect(await tableRows(page, 'Feedback by language')).toEqual([
      ['en', '6', '0.0%', '2.33', '0.167', '5'],
      ['de', '1', '100.0%', '—', '1.000', '0'],
    ]);
    expect(await tableRows(page, 'Themes in negative comments')).toEqual([
      ['refund', '3', '75.0%', 'My refund amount was wrong'],
      ['agent', '1', '25.0%', 'Refund still not processed, agent was rude'],
      ['amount', '1', '25.0%', 'My refund amount was wrong'],
      ['order number', '1', '25.0%', "The bot didn't understand my order number [ORDER_ID]"],
      ['wait', '1', '25.0%', SCRIPT_COMMENT],
    ]);
    expect(await tableRows(page, 'Quality by page')).toEqual([
      [REFUNDS_PAGE, '4', '2', '0.175', '0.400', '75.0%'],
      ['Start', '4', '4', '0.775', '0.625', '0.0%'],
      ['Order Status', '3', '2', '0.667', '0.850', '33.3%'],
    ]);
    expect((await tableRows(page, 'Quality by intent'))[0]).toEqual(['(no intent)', '4', '3', '0.150', '0.533', '100.0%']);
    expect(await tableRows(page, 'Exposures per variant')).toEqual([
      ['fallback_copy: control', '2', '2', '0.550', '50.0%'],
      ['fallback_copy: short', '1', '1', '0.900', '0.0%'],
      ['greeting: control', '2', '2', '0.650', '0.0%'],
      ['greeting: warm', '2', '2', '0.600', '50.0%'],
    ]);
    expect((await tableRows(page, 'Feedback per variant'))[3]).toEqual(['greeting: warm', '3', '50.0%', '1.00', '0.333', '2']);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('user text is displayed as text and never runs', async () => {
    const html = fs.readFileSync(new URL(reportUrl), 'utf8');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const { page, errors, dialogs } = await offlinePage(browser);
    await page.goto(reportUrl, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 20_000 });
    const cells = await page.$$eval('td', (tds) => tds.map((td) => td.textContent));
    expect(cells).toContain(SCRIPT_COMMENT);
    // Only the page's own three: the data block, Chart.js and the bootstrap.
    expect(await page.$$eval('script', (s) => s.map((x) => x.type || 'classic'))).toEqual(['application/json', 'classic', 'classic']);
    expect({ errors, dialogs }).toEqual({ errors: [], dialogs: [] });
    await page.close();
  });

  test('with JavaScript off the tables still carry every number', async () => {
    const { page, errors } = await offlinePage(browser, { javaScript: false });
    await page.goto(reportUrl, { waitUntil: 'load' });
    expect(await page.$eval('body', (b) => b.dataset.chartsRendered ?? null)).toBeNull();
    expect(await tableRows(page, 'Feedback by intent')).toHaveLength(4);
    expect((await tableRows(page, 'Quality by page'))[0][0]).toBe(REFUNDS_PAGE);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a period without data: the trends still draw, the other charts say there is no data', async () => {
    const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-analytics-empty-'));
    try {
      const period = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-01-08T00:00:00Z') };
      const { file } = await runAnalyticsReport({ databaseUrl: readerUrl, period, outDir: emptyDir });
      const { page, errors } = await offlinePage(browser);
      await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load' });
      await page.waitForSelector('body[data-charts-rendered]', { timeout: 20_000 });
      expect(await page.$eval('body', (b) => b.dataset.chartsRendered)).toBe('2');
      const canvases = await canvasPaint(page);
      expect(canvases.map((c) => c.id)).toEqual(['chart-quality-trend', 'chart-feedback-trend']);
      for (const c of canvases) expect(c.painted).toBeGreaterThan(1000); // axes and legend, no data
      expect(await page.$$eval('p.empty', (ps) => ps.length)).toBeGreaterThanOrEqual(4);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      fs.rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
