/**
 * @jest-environment ./test/tools/support/chromium-environment.ts
 *
 * The whole loop on data the runtime itself wrote: BANKING77 conversations with simulated raters
 * replayed through the real runtime process (running the reference experiments document) into a
 * real Postgres, then the three reports run on that database — the experiments report's
 * statistics, the analytics page rendered in headless Chromium, and the RICE ranking reading
 * both the database and the experiments report.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { runAnalyticsReport } from '../../tools/analytics/analytics-report';
import { runExperimentsReport } from '../../tools/experiments/experiments-report';
import { loadEffortFile } from '../../tools/improvement/prioritize/effort';
import { buildPriorities, writePriorities } from '../../tools/improvement/prioritize/prioritize';
import { replay } from '../../tools/improvement-replay/replay';
import { PostgresServer } from '../runtime/support/local-servers';
import { REPLAY_UTTERANCES } from './support/replay-utterances';
import { canvasPaint, launchChromium, offlinePage } from './support/headless-chromium';

const REPO = path.join(__dirname, '..', '..');
const EXPERIMENTS = path.join(REPO, 'config', 'experiments.json');

describe('the improvement loop on replayed data', () => {
  let postgres: PostgresServer;
  let browser: Browser;
  let out: string;
  const now = new Date();
  const period = { from: new Date(now.getTime() - 30 * 86_400_000), to: new Date(now.getTime() + 86_400_000) };

  beforeAll(async () => {
    [postgres, browser] = await Promise.all([PostgresServer.start(), launchChromium()]);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'improvement-loop-'));
    const summary = await replay({
      databaseUrl: postgres.url,
      repoRoot: REPO,
      utterances: REPLAY_UTTERANCES,
      conversations: 400,
      days: 14,
      seed: 11,
      experimentsFile: EXPERIMENTS,
    });
    expect(summary.conversations).toBe(400);
  });
  afterAll(async () => {
    await browser?.close();
    await postgres?.destroy();
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('experiments report: every replayed session is counted, the split passes the SRM check, the verdict is plain', async () => {
    const { report, markdown } = await runExperimentsReport({
      databaseUrl: postgres.url,
      experimentsPath: EXPERIMENTS,
      outDir: path.join(out, 'experiments'),
      minimumSessions: 100,
    });
    const [experiment] = report.experiments;
    expect(experiment.experimentId).toBe('escalation-threshold');
    expect(experiment.totalExposures).toBe(400);
    expect(experiment.srm.mismatch).toBe(false);
    expect(experiment.comparisons.find((c) => c.metric === 'containment_rate')).toMatchObject({ controlSessions: expect.any(Number) });
    for (const c of experiment.comparisons) if (c.pValue !== null) expect(c.pValue).toBeGreaterThanOrEqual(0);
    expect(['ship', 'do-not-ship', 'no-difference', 'insufficient-data']).toContain(experiment.verdict.kind);
    expect(markdown).toContain(experiment.verdict.text);
    expect(fs.existsSync(path.join(out, 'experiments', 'experiments-report.json'))).toBe(true);
  });

  test('analytics page: rendered from the replayed data in headless Chromium, every chart drawn', async () => {
    const { file, data } = await runAnalyticsReport({ databaseUrl: postgres.url, period, outDir: path.join(out, 'analytics') });
    expect(data.summary.conversations).toBe(400);
    const { page, errors, blocked } = await offlinePage(browser);
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 20_000 });
    const rendered = Number(await page.$eval('body', (b) => b.dataset.chartsRendered));
    const canvases = await canvasPaint(page);
    expect(rendered).toBe(canvases.length);
    expect(canvases.length).toBeGreaterThanOrEqual(5);
    for (const c of canvases) expect({ id: c.id, drawn: c.width > 0 && c.painted > 1000 }).toEqual({ id: c.id, drawn: true });
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
  });

  test('prioritization: candidates ranked from the same data, the experiments report and the checked-in effort file', async () => {
    const experimentsPath = path.join(out, 'experiments', 'experiments-report.json');
    const db = new PostgresDatabase({ url: postgres.url, maxConnections: 1 });
    try {
      // A few hundred conversations over 77 intents: a small minimum sample, so intents get ranked at all.
      const report = await buildPriorities(db, {
        period,
        minSample: 5,
        effort: loadEffortFile(path.join(REPO, 'config', 'improvement-effort.json')),
        experimentsPath,
        top: 20,
        now,
      });
      expect(report.traffic).toMatchObject({ conversations: 400 });
      expect(report.ranked.length).toBeGreaterThan(0);
      const scores = report.ranked.map((r) => r.rice.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(report.notes.join('\n')).not.toMatch(/not found/);
      const { markdown } = writePriorities(report, path.join(out, 'improvement'));
      expect(fs.readFileSync(markdown, 'utf8')).toContain(report.ranked[0].key);
    } finally {
      await db.close();
    }
  });
});
