/**
 * `npm run improvement:prioritize` against a real Postgres holding a month of seeded traffic
 * (prioritize-seed.ts): which intent is worst and by how much is known by construction, and the
 * expected numbers are recomputed here from what the generator wrote.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PostgresDatabase } from '../../../runtime/src/storage/database';
import { ensureMonthlyPartitions, migrate } from '../../../runtime/src/storage/migrations';
import { parseArgs } from '../../../tools/improvement/prioritize/args';
import { EffortTable, NO_EFFORT_FILE, loadEffortFile, parseEffort } from '../../../tools/improvement/prioritize/effort';
import type { PrioritiesReport } from '../../../tools/improvement/prioritize/priorities-report';
import { PrioritizeOptions, buildPriorities } from '../../../tools/improvement/prioritize/prioritize';
import { PostgresServer } from '../../runtime/support/local-servers';
import { EXPERIMENTS_REPORT, FROM, INTENTS, Seeded, TO, seed } from './prioritize-seed';

const REPO = path.join(__dirname, '..', '..', '..');
const MONTH = 30.4375 / 30; // a 30-day period scaled to an average month
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

let postgres: PostgresServer;
let db: PostgresDatabase;
let seeded: Seeded;
let tmp: string;
let experimentsPath: string;

beforeAll(async () => {
  postgres = await PostgresServer.start();
  db = new PostgresDatabase({ url: postgres.url });
  await migrate(db);
  await ensureMonthlyPartitions(db, 'turn_events', new Date('2026-09-01T00:00:00Z'), 2);
  seeded = await seed(db);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prioritize-'));
  experimentsPath = path.join(tmp, 'experiments-report.json');
  fs.writeFileSync(experimentsPath, JSON.stringify(EXPERIMENTS_REPORT));
});
afterAll(async () => {
  await db?.close();
  await postgres?.destroy();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function options(over: Partial<PrioritizeOptions> = {}): PrioritizeOptions {
  return { period: { from: FROM, to: TO }, minSample: 30, effort: NO_EFFORT_FILE, experimentsPath, top: 100, ...over };
}
const keys = (r: PrioritiesReport): string[] => r.ranked.map((c) => c.key);
const find = (r: PrioritiesReport, key: string) => {
  const c = r.ranked.find((x) => x.key === key);
  if (!c) throw new Error(`${key} not ranked: ${keys(r).join(', ')}`);
  return c;
};
const inPeriod = () => seeded.conversations.filter((c) => c.inPeriod);
const qualityOf = (intent: string) =>
  mean(
    inPeriod()
      .filter((c) => c.intent === intent)
      .map((c) => c.quality),
  );

describe('candidates from intents and pages', () => {
  let report: PrioritiesReport;
  beforeAll(async () => {
    report = await buildPriorities(db, options());
  });

  test('the platform mean and each intent quality are those of the conversations in the period', () => {
    const platform = mean(inPeriod().map((c) => c.quality));
    expect(report.traffic.conversations).toBe(3572);
    expect(report.reference).toEqual({ kind: 'platform-mean', quality: expect.closeTo(platform, 5) });
    // By construction: refund.request 0.45 and account.close 0.30 against a mean near 0.70.
    expect(platform).toBeCloseTo(0.703, 1);
    for (const intent of ['billing.dispute', 'refund.request', 'account.close']) {
      const c = find(report, `intent:${intent}`);
      expect(c.evidence.meanQuality).toBeCloseTo(qualityOf(intent), 5);
      expect(c.evidence.conversations).toBe(INTENTS.find((s) => s.intent === intent)!.conversations);
      expect(c.evidence.qualityGap).toBeCloseTo(platform - qualityOf(intent), 5);
    }
    // account.close is the worst intent, by about 0.40.
    const gaps = report.ranked.filter((c) => c.kind === 'intent').map((c) => [c.name, c.evidence.qualityGap as number] as const);
    expect(gaps.reduce((a, b) => (b[1] > a[1] ? b : a))[0]).toBe('account.close');
    expect(find(report, 'intent:account.close').evidence.qualityGap).toBeCloseTo(0.4, 1);
  });

  test('ranks billing.dispute > refund.request > account.close, pages after their intents (double the effort); healthy ones are no candidates', () => {
    const intents = keys(report).filter((k) => k.startsWith('intent:') || k.startsWith('page:'));
    expect(intents).toEqual([
      'intent:billing.dispute',
      'intent:refund.request',
      'page:Billing',
      'page:Refund Details',
      'intent:account.close',
      'page:Account Settings',
    ]);
    const all = [...report.ranked, ...report.watch].map((c) => c.key);
    for (const healthy of ['intent:order.status', 'page:Order Lookup', 'intent:Default Welcome Intent', 'page:Start Page']) {
      expect(all).not.toContain(healthy);
    }
    const scores = report.ranked.map((c) => c.rice.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(report.ranked.map((c) => c.rank)).toEqual(report.ranked.map((_, i) => i + 1));
  });

  test('RICE for refund.request, by hand: 300 conversations in 30 days, gap ~0.25 (high), n between 100 and 400', () => {
    const c = find(report, 'intent:refund.request');
    expect(c.rice.reach).toBeCloseTo((300 * 30.4375) / 30, 9); // 304.375 per month
    expect(c.rice.impact).toBe(2);
    expect(c.rice.confidence).toBe(0.8);
    expect(c.rice.effort).toBe(1);
    expect(c.rice.effortSource).toBe('default');
    expect(c.rice.score).toBeCloseTo(487, 9); // 304.375 × 2 × 0.8 / 1
    expect(c.why).toBe(
      `quality ${qualityOf('refund.request').toFixed(2)} vs ${report.reference!.quality.toFixed(2)} platform mean over 300 conversations (${(c.evidence.turns as number).toLocaleString('en-US')} turns)`,
    );
    // Its own turns' signal was low confidence (40%); on its page the no-match turns outnumber those (~38% vs ~25%).
    expect(c.action).toMatch(/^Add training phrases/);
    expect(find(report, 'page:Refund Details').action).toMatch(/^Add routes or intents for what users say here/);
    expect(find(report, 'intent:billing.dispute').action).toMatch(/users repeated themselves/);
    expect(find(report, 'intent:account.close').action).toMatch(/escalated to a human/);
  });

  test('a high-volume mild problem outranks a low-volume severe one, as the formula says', () => {
    const mild = find(report, 'intent:billing.dispute');
    const severe = find(report, 'intent:account.close');
    expect(mild.rice.impact).toBe(0.5); // gap ~0.07
    expect(severe.rice.impact).toBe(3); // gap ~0.40
    expect(mild.rice.confidence).toBe(1); // 1,200 conversations
    expect(severe.rice.confidence).toBe(0.5); // 60 conversations
    expect(mild.rice.score).toBeCloseTo(1200 * MONTH * 0.5 * 1, 9); // 608.75
    expect(severe.rice.score).toBeCloseTo(60 * MONTH * 3 * 0.5, 9); // 91.3125
    expect(mild.rank).toBeLessThan(severe.rank);
  });

  test('a tiny sample is watched, not ranked, and data outside the period is not seen', () => {
    const watched = report.watch.find((c) => c.key === 'intent:store.hours');
    expect(watched).toMatchObject({ sample: 12, reason: 'only 12 conversations (minimum 30)' });
    expect(report.ranked.map((c) => c.key)).not.toContain('intent:store.hours');
    // 200 awful September conversations on store.hours would have ranked it.
    expect([...report.ranked, ...report.watch].map((c) => c.key)).not.toContain('theme:hours');
  });

  test('a target instead of the platform mean makes the healthy intent a candidate too', async () => {
    const withTarget = await buildPriorities(db, options({ target: 0.95 }));
    expect(withTarget.reference).toEqual({ kind: 'target', quality: 0.95 });
    const order = find(withTarget, 'intent:order.status');
    expect(order.evidence.qualityGap).toBeCloseTo(0.95 - qualityOf('order.status'), 5);
    expect(order.rice.impact).toBe(1); // gap ~0.15: medium
    expect(order.why).toMatch(/vs 0\.95 target over 2,000 conversations/);
  });
});

describe('candidates from negative feedback themes', () => {
  test('entities of negative feedback, by distinct sessions, scaled from those who gave feedback to all traffic', async () => {
    const report = await buildPriorities(db, options());
    const feedback = seeded.feedback.filter((f) => f.inPeriod);
    const feedbackSessions = new Set(feedback.map((f) => f.sessionId)).size;
    expect(report.traffic.feedbackSessions).toBe(feedbackSessions);
    const refundSessions = new Set(
      feedback.filter((f) => f.normalizedScore < 0.5 && f.entities.includes('refund')).map((f) => f.sessionId),
    );
    const theme = find(report, 'theme:refund');
    expect(theme.sample).toBe(refundSessions.size);
    expect(theme.rice.reach).toBeCloseTo(((refundSessions.size * 3572) / feedbackSessions) * MONTH, 6);
    const sessionQuality = mean(
      inPeriod()
        .filter((c) => refundSessions.has(c.sessionId))
        .map((c) => c.quality),
    );
    expect(theme.evidence.meanQuality).toBeCloseTo(sessionQuality, 5);
    expect(theme.why).toMatch(
      new RegExp(`^"refund" in negative feedback from ${refundSessions.size} sessions of ${feedbackSessions} with feedback`),
    );
    expect(theme.why).toMatch(/e\.g\. "Had to wait and the refund part did not work, \[PERSON\] could not help"/);
    // Positive feedback names "agent": never a theme. "password" comes from the 60 account.close conversations only: watched.
    const all = [...report.ranked, ...report.watch].map((c) => c.key);
    expect(all).not.toContain('theme:agent');
    expect(report.watch.map((c) => c.key)).toContain('theme:password');
  });
});

describe('candidates from the experiments report', () => {
  let report: PrioritiesReport;
  beforeAll(async () => {
    report = await buildPriorities(db, options());
  });

  test('ship, do-not-ship and srm verdicts become candidates with their effect sizes; the SRM is urgent', () => {
    const ship = find(report, 'experiment:greeting-v2');
    expect(ship.rice).toMatchObject({ impact: 1, confidence: 1, effort: 0.5 }); // +6%: medium
    expect(ship.rice.reach).toBeCloseTo(1000 * MONTH, 9);
    expect(ship.action).toBe('Roll out variant "friendly" to all targeted traffic and retire the experiment');

    // By hand: 400 sessions in the harmful variant, escalation_rate +15% (high), 800 exposed (n ≥ 400), a rollback 0.5 weeks.
    const harm = find(report, 'experiment:short-prompts');
    expect(harm.rice.reach).toBeCloseTo(400 * MONTH, 9);
    expect(harm.rice).toMatchObject({ impact: 2, confidence: 1, effort: 0.5 });
    expect(harm.rice.score).toBeCloseTo((400 * MONTH * 2 * 1) / 0.5, 9);
    expect(harm.action).toMatch(/^Roll back variant "short"/);
    expect(harm.evidence).toMatchObject({ exposures: 800, effectMetric: 'escalation_rate', effectVariant: 'short' });

    const srm = find(report, 'experiment:new-router');
    expect(srm.urgent).toBe(true);
    expect(srm.rice).toMatchObject({ impact: 3, confidence: 1, effort: 1 });
    expect(report.urgent).toEqual([{ key: 'experiment:new-router', action: srm.action }]);
  });

  test('no-difference asks for nothing, a broken entry is skipped with a note, an experiment with 10 exposures is watched', () => {
    const all = [...report.ranked, ...report.watch].map((c) => c.key);
    expect(all).not.toContain('experiment:tone-test');
    expect(report.notes).toContain('1 experiment(s) ask for no work (tone-test: no-difference).');
    expect(report.notes.some((n) => /entry 5 skipped \(verdict\.kind: /.test(n))).toBe(true);
    expect(report.watch.find((c) => c.key === 'experiment:tiny-test')).toMatchObject({ reason: 'only 10 exposed sessions (minimum 30)' });
  });

  test('a missing experiments report is noted and the run goes on', async () => {
    const missing = path.join(tmp, 'nope', 'experiments-report.json');
    const r = await buildPriorities(db, options({ experimentsPath: missing }));
    expect(r.notes[0]).toBe(
      `Experiments report ${missing} not found: no experiment candidates (run \`npm run experiments:report\` first).`,
    );
    expect([...r.ranked, ...r.watch].filter((c) => c.kind === 'experiment')).toEqual([]);
    expect(keys(r).filter((k) => k.startsWith('intent:'))[0]).toBe('intent:billing.dispute');
  });
});

describe('effort input', () => {
  test('changes the order: billing.dispute at 2 person-weeks falls behind refund.request; a kind wildcard moves all pages', async () => {
    const effort: EffortTable = parseEffort({ 'intent:billing.dispute': 2, 'page:*': 0.5, 'theme:typo': 1 }, 'inline');
    const r = await buildPriorities(db, options({ effort }));
    const order = keys(r).filter((k) => k.startsWith('intent:'));
    expect(order).toEqual(['intent:refund.request', 'intent:billing.dispute', 'intent:account.close']);
    expect(find(r, 'intent:billing.dispute').rice).toMatchObject({ effort: 2, effortSource: 'file' });
    expect(find(r, 'intent:billing.dispute').rice.score).toBeCloseTo(304.375, 9);
    expect(find(r, 'page:Billing').rice).toMatchObject({ effort: 0.5, effortSource: 'file (page:*)' });
    expect(r.notes).toContain('The effort file names keys that match no candidate in this period: theme:typo.');
  });

  test('a bad effort file is refused with every offending key named', () => {
    const file = path.join(tmp, 'effort-bad.json');
    fs.writeFileSync(file, JSON.stringify({ 'intent:refund.request': 'two', 'intnt:billing': 1, 'page:Billing': -1, 'theme:refund': 80 }));
    expect(() => loadEffortFile(file)).toThrow(
      `effort file ${file}: "intent:refund.request": value must be a number of person-weeks; ` +
        `"intnt:billing": key must be "<kind>:<name>" or "<kind>:*" with kind one of intent, page, theme, experiment; ` +
        `"page:Billing": value must be more than 0 person-weeks; "theme:refund": value must be at most 52 person-weeks`,
    );
    fs.writeFileSync(file, '[1, 2]');
    expect(() => loadEffortFile(file)).toThrow(/^effort file .*: expected an object mapping candidate keys to person-weeks/);
    fs.writeFileSync(file, '{"intent:x": 1,}');
    expect(() => loadEffortFile(file)).toThrow(/^effort file .*: not valid JSON/);
    expect(() => loadEffortFile(path.join(tmp, 'absent.json'))).toThrow(/^effort file .*absent\.json: ENOENT/);
  });
});

describe('command line', () => {
  test('defaults: the last 30 whole UTC days (as every report), DATABASE_URL, reports/improvement; bad usage is refused', () => {
    const now = new Date('2026-11-20T12:00:00Z');
    const o = parseArgs([], { DATABASE_URL: 'postgres://x/y' }, now);
    expect(o).toMatchObject({
      databaseUrl: 'postgres://x/y',
      period: { from: new Date('2026-10-22T00:00:00Z'), to: new Date('2026-11-21T00:00:00Z') },
      minSample: 30,
      top: 20,
      outDir: path.join('reports', 'improvement'),
      experimentsPath: path.join('reports', 'experiments', 'experiments-report.json'),
    });
    expect(() => parseArgs([], {}, now)).toThrow(/no database/);
    expect(() => parseArgs(['--top', '0'], { DATABASE_URL: 'x' }, now)).toThrow(/--top "0" must be an integer of at least 1/);
    expect(() => parseArgs(['--target', '1.5'], { DATABASE_URL: 'x' }, now)).toThrow(/--target/);
    expect(() => parseArgs(['--from', '2026-11-01', '--to', '2026-10-01'], { DATABASE_URL: 'x' }, now)).toThrow(/must be after/);
    expect(() => parseArgs(['--frm', '2026-11-01'], { DATABASE_URL: 'x' }, now)).toThrow(/unknown option --frm/);
  });

  test('end to end: the compiled CLI writes priorities.md and priorities.json; exit 2 on bad usage, 1 on a bad effort file', () => {
    execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
      cwd: REPO,
      stdio: 'pipe',
    });
    const main = path.join(REPO, 'build', 'tools', 'improvement', 'prioritize', 'main.js');
    const out = path.join(tmp, 'out');
    const effort = path.join(tmp, 'effort.json');
    fs.writeFileSync(effort, JSON.stringify({ 'experiment:new-router': 2 }));
    const env = { ...process.env, DATABASE_URL: postgres.url };
    const args = [
      '--from',
      FROM.toISOString(),
      '--to',
      TO.toISOString(),
      '--effort',
      effort,
      '--experiments',
      experimentsPath,
      '--top',
      '5',
      '--out',
      out,
    ];
    const run = spawnSync(process.execPath, [main, ...args], { cwd: REPO, env, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d+ ranked, \d+ to watch, 1 URGENT: .*priorities\.md, .*priorities\.json\n$/);

    const json = JSON.parse(fs.readFileSync(path.join(out, 'priorities.json'), 'utf8'));
    expect(json.ranked).toHaveLength(5);
    expect(json.rankedTotal).toBeGreaterThan(5);
    expect(json.ranked.find((c: { key: string }) => c.key === 'experiment:new-router')?.rice).toMatchObject({
      effort: 2,
      effortSource: 'file',
    });
    const md = fs.readFileSync(path.join(out, 'priorities.md'), 'utf8');
    expect(md).toContain('| # | Candidate | Why | R | I | C | E | Score | Suggested action |');
    expect(md).toContain(`## Ranked (5 of ${json.rankedTotal})`);
    expect(md).toMatch(/> \*\*Urgent, whatever the rank:\*\* experiment:new-router: Fix urgently/);
    expect(md).toMatch(/\| intent:store\.hours \| quality .* \| only 12 conversations \(minimum 30\) \|/);

    const usage = spawnSync(process.execPath, [main, '--top'], { cwd: REPO, env, encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^--top needs a value\nUsage: npm run improvement:prioritize/);
    fs.writeFileSync(effort, JSON.stringify({ 'intent:refund.request': 'a lot' }));
    const bad = spawnSync(process.execPath, [main, ...args], { cwd: REPO, env, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`"intent:refund.request": value must be a number of person-weeks`);
  });
});
