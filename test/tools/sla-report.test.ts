/**
 * The SLA report, end to end through the real `@google-cloud/monitoring` client against a local
 * gRPC server built from the package's own protos (see fake-monitoring-server.ts). Expected numbers
 * are worked out by hand from the data below.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localEndpoint, parseArgs, runSlaReport } from '../../tools/sla-report/sla-report';
import { FakeMonitoringServer, FakeProject } from './fake-monitoring-server';

const PROJECT = 'acme-convai-prod';
const FROM = new Date('2026-10-01T00:00:00Z');
const TO = new Date('2026-10-08T00:00:00Z');
const DAY = 86400;
const day0 = FROM.getTime() / 1000;
const at = (iso: string): number => new Date(iso).getTime() / 1000;
const days = (bad: (i: number) => number) =>
  Array.from({ length: 7 }, (_, i) => ({ day: day0 + i * DAY, good: 100000 - bad(i), bad: bad(i) }));
const SLO = (service: string, slo: string): string => `projects/${PROJECT}/services/${service}/serviceLevelObjectives/${slo}`;

/** Burn rate every 5 minutes over the period: `high` inside the given ranges, 0.5 elsewhere. */
function burnSeries(ranges: Array<[string, string]>, high = 20): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t = day0; t < day0 + 7 * DAY; t += 300) {
    out.push([t, ranges.some(([a, b]) => t >= at(a) && t < at(b)) ? high : 0.5]);
  }
  return out;
}

const project: FakeProject = {
  projectId: PROJECT,
  services: [
    {
      id: 'webhook',
      displayName: 'Webhook webhook',
      slos: [
        {
          id: 'webhook-availability',
          displayName: '99.9% of webhook requests succeed',
          goal: 0.999,
          // 50 errors a day, 2000 on 3 October: 2300 of 700000 bad.
          daily: days((i) => (i === 2 ? 2000 : 50)),
          burn: {
            3600: burnSeries([
              ['2026-10-03T10:00:00Z', '2026-10-03T11:30:00Z'],
              ['2026-10-07T23:00:00Z', '2026-10-08T00:00:00Z'],
            ]),
            // The short window dips below the threshold 10:30-10:40: two incidents, not one.
            300: burnSeries([
              ['2026-10-03T10:00:00Z', '2026-10-03T10:30:00Z'],
              ['2026-10-03T10:40:00Z', '2026-10-03T11:30:00Z'],
              ['2026-10-07T23:00:00Z', '2026-10-08T00:00:00Z'],
            ]),
          },
        },
        {
          id: 'webhook-latency',
          displayName: '95% of webhook requests under 800 ms',
          goal: 0.95,
          daily: days(() => 3000),
          burn: { 259200: burnSeries([]), 21600: burnSeries([]) },
        },
      ],
    },
    {
      id: 'legacy',
      displayName: 'Legacy webhook',
      slos: [
        { id: 'legacy-availability', displayName: '99.5% of legacy requests succeed', goal: 0.995, daily: days(() => 1000), burn: {} },
      ],
    },
  ],
  policies: [
    {
      id: '1',
      displayName: 'webhook: availability SLO burning 2% of its 30-day budget in 1h (page)',
      severity: 'page',
      combiner: 'AND',
      conditions: [
        { filter: `select_slo_burn_rate("${SLO('webhook', 'webhook-availability')}", "3600s")`, threshold: 14.4 },
        { filter: `select_slo_burn_rate("${SLO('webhook', 'webhook-availability')}", "300s")`, threshold: 14.4 },
      ],
    },
    {
      id: '2',
      displayName: 'webhook: latency SLO burning 10% of its 30-day budget in 3d (ticket)',
      severity: 'ticket',
      combiner: 'AND',
      conditions: [
        { filter: `select_slo_burn_rate("${SLO('webhook', 'webhook-latency')}", "259200s")`, threshold: 1 },
        { filter: `select_slo_burn_rate("${SLO('webhook', 'webhook-latency')}", "21600s")`, threshold: 1 },
      ],
    },
    {
      // Not a burn-rate policy: the report must not query it (the fake rejects its filter).
      id: '3',
      displayName: 'webhook: uptime',
      severity: 'page',
      combiner: 'OR',
      conditions: [{ filter: 'metric.type="monitoring.googleapis.com/uptime_check/check_passed"', threshold: 1 }],
    },
  ],
};

describe('sla-report against a fake Cloud Monitoring (real client, real gRPC)', () => {
  const server = new FakeMonitoringServer(project);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-report-'));
  let result: Awaited<ReturnType<typeof runSlaReport>>;

  beforeAll(async () => {
    const port = await server.start();
    result = await runSlaReport({
      projectId: PROJECT,
      from: FROM,
      to: TO,
      contractualSla: 99.5,
      slaMatch: 'availability',
      outDir,
      clientOptions: localEndpoint(`127.0.0.1:${port}`, PROJECT),
    });
  }, 30_000);
  afterAll(async () => {
    await server.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  test('attainment, budget and SLA per SLO', () => {
    const rows = result.report.slos.map((s) => ({
      slo: s.slo.name.split('/').pop(),
      good: s.good,
      bad: s.bad,
      attainment: Number(s.attainment!.toFixed(6)),
      budgetSpent: Number(s.budgetSpent!.toFixed(4)),
      metTarget: s.metTarget,
      underSla: s.underSla,
      slaBreached: s.slaBreached,
    }));
    expect(rows).toEqual([
      // 1 - 2300/700000 = 0.996714; budget 700000 x 0.001 = 700, spent 2300/700 = 3.2857
      {
        slo: 'webhook-availability',
        good: 697700,
        bad: 2300,
        attainment: 0.996714,
        budgetSpent: 3.2857,
        metTarget: false,
        underSla: true,
        slaBreached: false,
      },
      // 21000 bad of 700000 = 0.97; budget 35000, spent 0.6
      {
        slo: 'webhook-latency',
        good: 679000,
        bad: 21000,
        attainment: 0.97,
        budgetSpent: 0.6,
        metTarget: true,
        underSla: false,
        slaBreached: false,
      },
      // 7000 bad of 700000 = 0.99 < 99.5%: the contract is breached
      {
        slo: 'legacy-availability',
        good: 693000,
        bad: 7000,
        attainment: 0.99,
        budgetSpent: 2,
        metTarget: false,
        underSla: true,
        slaBreached: true,
      },
    ]);
    expect(result.report.slos[0].daily).toHaveLength(7);
    expect(result.report.slos[0].daily[2]).toEqual({ day: '2026-10-03T00:00:00.000Z', good: 98000, bad: 2000 });
  });

  test('incidents reconstructed from the burn-rate policies: AND of both windows, open ones end with the period', () => {
    expect(result.report.incidents).toEqual([
      expect.objectContaining({
        severity: 'page',
        start: '2026-10-03T10:00:00.000Z',
        end: '2026-10-03T10:30:00.000Z',
        durationMinutes: 30,
        openAtEnd: false,
      }),
      expect.objectContaining({
        severity: 'page',
        start: '2026-10-03T10:40:00.000Z',
        end: '2026-10-03T11:30:00.000Z',
        durationMinutes: 50,
        openAtEnd: false,
      }),
      expect.objectContaining({
        severity: 'page',
        start: '2026-10-07T23:00:00.000Z',
        end: '2026-10-08T00:00:00.000Z',
        durationMinutes: 60,
        openAtEnd: true,
      }),
    ]);
    expect(result.report.incidents[0].policy).toBe(project.policies[0].displayName);
  });

  test('the requests: daily-aligned counts over the period, burn-rate series only for burn-rate policies', () => {
    const series = server.calls.filter((c) => c.method === 'ListTimeSeries');
    const counts = series.filter((c) => c.request.filter.startsWith('select_slo_counts'));
    expect(counts).toHaveLength(3);
    for (const c of counts) {
      expect(c.request.name).toBe(`projects/${PROJECT}`);
      expect(c.request.interval).toEqual({
        startTime: { seconds: String(day0), nanos: 0 },
        endTime: { seconds: String(day0 + 7 * DAY), nanos: 0 },
      });
      expect(c.request.aggregation).toEqual(
        expect.objectContaining({ alignmentPeriod: { seconds: String(DAY), nanos: 0 }, perSeriesAligner: 'ALIGN_SUM' }),
      );
    }
    expect(
      series.filter((c) => c.request.filter.startsWith('select_slo_burn_rate')).map((c) => c.request.filter.match(/"(\d+s)"/)![1]),
    ).toEqual(['3600s', '300s', '259200s', '21600s']);
    expect(series.some((c) => c.request.filter.includes('uptime_check'))).toBe(false);
  });

  test('Markdown: the tables and the breach', () => {
    const md = fs.readFileSync(path.join(outDir, 'sla-report.md'), 'utf8');
    expect(md).toBe(result.markdown);
    expect(md).toContain('**SLA breached** by 99.5% of legacy requests succeed (99.000%).');
    expect(md).toContain(
      '| 99.9% of webhook requests succeed | Webhook webhook | 99.90% | 99.671% | MISSED | 328.6% | 697700 | 2300 | ok |',
    );
    expect(md).toContain(
      '| 95% of webhook requests under 800 ms | Webhook webhook | 95.00% | 97.000% | met | 60.0% | 679000 | 21000 | n/a |',
    );
    expect(md).toContain('| 2026-10-07T23:00:00.000Z | 2026-10-08T00:00:00.000Z (still open) | 1 h 0 min |');
    expect(md).toContain('Total incident time: 2 h 20 min.');
  });

  test('HTML: self-contained, one chart per SLO, days under target in red', () => {
    const html = fs.readFileSync(path.join(outDir, 'sla-report.html'), 'utf8');
    expect(html).toBe(result.html);
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
    expect(html.match(/<svg [^>]*role="img" aria-label="Daily attainment/g)).toHaveLength(3);
    expect(html.match(/<polyline /g)).toHaveLength(3);
    // 3 October of the availability SLO: 98% < 99.9%.
    expect(html).toMatch(/fill="#c5221f"><title>2026-10-03: 98\.000%<\/title>/);
    expect(html).toContain('SLA breached by 99.5% of legacy requests succeed');
  });
});

describe('sla-report arguments', () => {
  test('parses the period, SLA and output, with defaults', () => {
    const o = parseArgs(['--from', '2026-10-01', '--to', '2026-11-01', '--sla', '99.9'], { GOOGLE_CLOUD_PROJECT: 'p-1' });
    expect(o).toEqual(
      expect.objectContaining({ projectId: 'p-1', contractualSla: 99.9, slaMatch: 'availability', outDir: path.join('reports', 'sla') }),
    );
    expect(o.from.toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(o.clientOptions).toBeUndefined();
    expect(
      parseArgs(['--from', '2026-10-01', '--to', '2026-10-02', '--project', 'x', '--endpoint', '127.0.0.1:7777']).clientOptions,
    ).toEqual(expect.objectContaining({ apiEndpoint: '127.0.0.1', port: 7777, projectId: 'x' }));
  });

  test.each([
    [['--to', '2026-10-01'], /--from "" is not a date/],
    [['--from', 'yesterday', '--to', '2026-10-01'], /--from "yesterday" is not a date/],
    [['--from', '2026-10-02', '--to', '2026-10-01'], /--to \(2026-10-01\) must be after --from/],
    [['--from', '2026-10-01', '--to', '2026-10-02', '--sla', '100'], /--sla 100 must be a percentage/],
    [['--from', '2026-10-01', '--to', '2026-10-02', '--color', 'red'], /unknown option --color/],
    [['--from'], /--from needs a value/],
    [['--from', '2026-10-01', 'extra'], /unexpected argument "extra"/],
  ])('%p is refused', (argv, message) => {
    expect(() => parseArgs(argv, { GOOGLE_CLOUD_PROJECT: 'p' })).toThrow(message);
  });

  test('a project is required', () => {
    expect(() => parseArgs(['--from', '2026-10-01', '--to', '2026-10-02'], {})).toThrow(
      /no project: pass --project or set GOOGLE_CLOUD_PROJECT/,
    );
  });
});
