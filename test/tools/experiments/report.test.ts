/**
 * `npm run experiments:report` on a real Postgres: the schema from the runtime's migrations, rows
 * from a seeded generator with known true effects (seeded-dataset.ts), and the report must find
 * what is there — a 5-point containment lift, a CSAT drop, a broken 55/45 split — and nothing
 * that is not. Seeds are fixed, so every run sees the same data.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentsFile, parseExperiments } from '../../../runtime/src/experiments/experiment-config';
import { PostgresDatabase } from '../../../runtime/src/storage/database';
import { migrate } from '../../../runtime/src/storage/migrations';
import { analyzeExperiments } from '../../../tools/experiments/analyze';
import { parseArgs } from '../../../tools/experiments/experiments-report';
import { ExperimentAnalysis } from '../../../tools/experiments/report-model';
import { PostgresServer } from '../../runtime/support/local-servers';
import { seedExperiment } from './seeded-dataset';

function experimentsFile(version: number, id: string, overrides: Record<string, unknown> = {}): ExperimentsFile {
  return parseExperiments({
    version,
    experiments: [
      {
        id,
        variants: [
          { name: 'control', weight: 1 },
          { name: 'strict', weight: 1, settings: { negativeThreshold: -0.4 } },
        ],
        metrics: { primary: 'containment_rate', guardrails: ['csat', 'conversation_quality'] },
        ...overrides,
      },
    ],
  });
}

/** Every number in the report is finite: NaN or Infinity would reach JSON as null and mislead. */
function expectAllFinite(value: unknown, where = 'report'): void {
  if (typeof value === 'number') expect({ where, finite: Number.isFinite(value) }).toEqual({ where, finite: true });
  else if (Array.isArray(value)) value.forEach((v, i) => expectAllFinite(v, `${where}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) expectAllFinite(v, `${where}.${k}`);
}

describe('experiments report on a real Postgres', () => {
  let postgres: PostgresServer;
  let db: PostgresDatabase;

  beforeAll(async () => {
    postgres = await PostgresServer.start();
    db = new PostgresDatabase({ url: postgres.url });
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    await postgres.destroy();
  });

  const analyze = async (file: ExperimentsFile, history: ExperimentsFile[] = []): Promise<ExperimentAnalysis> => {
    const report = await analyzeExperiments(db, file, { history });
    expectAllFinite(report);
    expect(report.experiments).toHaveLength(1);
    return report.experiments[0];
  };

  test('per-variant aggregates match a hand-worked example: one value per session, feedback reduced per session first', async () => {
    const conv = (session: string, escalated: boolean, noMatch: number, quality: number, turns: number) =>
      db.query(
        `INSERT INTO conversations (session_id, started_at, updated_at, language_code, first_tag, last_tag, environment, turns,
                                    no_match_turns, low_confidence_turns, repeated_turns, escalated, quality_components, quality_score)
         VALUES ($1, now(), now(), 'en', 't', 't', 'production', $2, $3, 0, 0, $4, '{}', $5)`,
        [session, turns, noMatch, escalated, quality],
      );
    let feedbackId = 0;
    const fb = (session: string, kind: 'csat' | 'thumbs', score: number) =>
      db.query(
        `INSERT INTO feedback (id, received_at, session_id, kind, score, normalized_score, language_code, region)
         VALUES ($1, now(), $2, $3, $4, $5, 'en', 'europe-west1')`,
        [`hand-${feedbackId++}`, session, kind, score, kind === 'csat' ? (score - 1) / 4 : score],
      );
    const expose = (experiment: string, session: string, variant: string) =>
      db.query(`INSERT INTO experiment_exposures VALUES ($1, $2, $3, 1, now())`, [experiment, session, variant]);

    for (const [s, v] of [
      ['c1', 'control'],
      ['c2', 'control'],
      ['c3', 'control'],
      ['c4', 'control'],
      ['v1', 'strict'],
      ['v2', 'strict'],
      ['v3', 'strict'],
    ]) {
      await expose('hand', `hand-${s}`, v);
    }
    await expose('hand', 'hand-v4', 'strict'); // exposed, but no conversation row
    await expose('other-experiment', 'hand-c1', 'strict'); // another experiment: ignored here
    await conv('hand-c1', false, 0, 0.5, 2);
    await conv('hand-c2', true, 2, 0.7, 4);
    await conv('hand-c3', false, 0, 0.9, 6);
    await conv('hand-c4', false, 1, 0.3, 8);
    await conv('hand-v1', false, 0, 0.8, 3);
    await conv('hand-v2', false, 0, 0.6, 3);
    await conv('hand-v3', true, 1, 0.4, 5);
    await fb('hand-c1', 'csat', 5);
    await fb('hand-c1', 'csat', 3); // c1's CSAT is 4
    await fb('hand-c2', 'csat', 2);
    await fb('hand-c1', 'thumbs', 1);
    await fb('hand-c1', 'thumbs', 0);
    await fb('hand-c1', 'thumbs', 1); // c1's thumbs share is 2/3
    await fb('hand-c3', 'thumbs', 0);
    await fb('hand-v1', 'csat', 4);
    await fb('hand-v2', 'csat', 5);
    await fb('hand-v1', 'thumbs', 1);
    await fb('hand-unexposed', 'csat', 1); // not in the experiment: ignored

    const file = experimentsFile(1, 'hand', {
      metrics: {
        primary: 'containment_rate',
        guardrails: ['escalation_rate', 'no_match_rate', 'thumbs_up_rate', 'csat', 'turns', 'conversation_quality'],
      },
    });
    const a = await analyze(file);
    expect(a.exposures.map((x) => x.sessions)).toEqual([4, 4]);
    const got = Object.fromEntries(
      a.comparisons.map((c) => [c.metric, [c.controlSessions, c.controlValue, c.variantSessions, c.variantValue]]),
    );
    const expected: Record<string, [number, number, number, number]> = {
      containment_rate: [4, 3 / 4, 3, 2 / 3],
      escalation_rate: [4, 1 / 4, 3, 1 / 3],
      no_match_rate: [4, 2 / 4, 3, 1 / 3],
      thumbs_up_rate: [2, (2 / 3 + 0) / 2, 1, 1],
      csat: [2, (4 + 2) / 2, 2, 4.5],
      turns: [4, 5, 3, 11 / 3],
      conversation_quality: [4, 0.6, 3, 0.6],
    };
    for (const [metric, [cn, cv, vn, vv]] of Object.entries(expected)) {
      expect({ metric, cn: got[metric][0], vn: got[metric][2] }).toEqual({ metric, cn, vn });
      expect(got[metric][1]).toBeCloseTo(cv, 6); // quality_score is a real (float4)
      expect(got[metric][3]).toBeCloseTo(vv, 6);
    }
    // Welch on the stored quality scores: control variance 0.2/3, variant 0.04: same means, t = 0, p = 1.
    const quality = a.comparisons.find((c) => c.metric === 'conversation_quality')!;
    expect(quality.pValue!).toBeCloseTo(1, 5);
    expect(a.notes).toContain('1 exposed session of strict has no conversation row: counted for SRM, not for the metrics.');
  });

  test('a true 70% → 75% containment lift with unchanged guardrails is found and shipped', async () => {
    await seedExperiment(db, {
      experimentId: 'lift',
      seed: 101,
      variants: [
        { name: 'control', sessions: 3000, containment: 0.7, qualityMean: 0.7 },
        { name: 'strict', sessions: 3000, containment: 0.75, qualityMean: 0.7 },
      ],
    });
    const a = await analyze(experimentsFile(1, 'lift'));
    expect(a.exposures.map((x) => [x.variant, x.sessions, x.expectedShare])).toEqual([
      ['control', 3000, 0.5],
      ['strict', 3000, 0.5],
    ]);
    expect(a.srm.mismatch).toBe(false);
    const p = a.primary!;
    expect(p).toMatchObject({
      metric: 'containment_rate',
      role: 'primary',
      variant: 'strict',
      control: 'control',
      significant: true,
      direction: 'better',
    });
    expect(p.controlSessions).toBe(3000);
    // The true lift is 0.05 (7.1% relative); the estimate is within sampling error and the interval covers the truth.
    expect(p.difference!).toBeGreaterThan(0.03);
    expect(p.difference!).toBeLessThan(0.07);
    expect(p.ci![0]).toBeLessThan(0.05);
    expect(p.ci![1]).toBeGreaterThan(0.05);
    expect(p.relativeDifference!).toBeCloseTo(p.difference! / p.controlValue!, 12);
    expect(p.pValue!).toBeLessThan(0.001);
    for (const g of a.comparisons.filter((c) => c.role === 'guardrail')) expect(g).toMatchObject({ harmful: false, notEnoughData: null });
    const csat = a.comparisons.find((c) => c.metric === 'csat')!;
    expect(csat.controlSessions).toBeGreaterThan(800); // ~30% of sessions rate
    expect(csat.test).toBe("Welch's t-test");
    expect(a.sampleSize.sessionsPerVariant!).toBeGreaterThan(2000);
    expect(a.sampleSize.sessionsPerVariant!).toBeLessThanOrEqual(3000);
    expect(a.verdict.kind).toBe('ship');
    expect(a.verdict.variant).toBe('strict');
    expect(a.verdict.text).toMatch(/^Variant strict improves containment_rate by \+\d+\.\d% .* with no guardrail harmed — ship\.$/);
  });

  test('no true difference: not significant, and the verdict says how many sessions a 5% change needs', async () => {
    await seedExperiment(db, {
      experimentId: 'null-effect',
      seed: 202,
      variants: [
        { name: 'control', sessions: 3000, containment: 0.7, qualityMean: 0.7 },
        { name: 'strict', sessions: 3000, containment: 0.7, qualityMean: 0.7 },
      ],
    });
    const a = await analyze(experimentsFile(1, 'null-effect'));
    expect(a.primary!.significant).toBe(false);
    expect(a.primary!.pValue!).toBeGreaterThan(0.05);
    expect(a.primary!.ci![0]).toBeLessThan(0);
    expect(a.primary!.ci![1]).toBeGreaterThan(0);
    expect(a.verdict.kind).toBe('no-difference');
    expect(a.verdict.text).toContain('No significant difference in containment_rate');
    expect(a.verdict.text).toContain('power to detect a 5% change');
  });

  test('a 50/50 experiment with 5,500 / 4,500 exposures is a sample-ratio mismatch, whatever the metrics say', async () => {
    await seedExperiment(db, {
      experimentId: 'srm',
      seed: 303,
      variants: [
        { name: 'control', sessions: 5500, containment: 0.7, qualityMean: 0.7 },
        { name: 'strict', sessions: 4500, containment: 0.75, qualityMean: 0.7 },
      ],
    });
    const a = await analyze(experimentsFile(1, 'srm'));
    expect(a.srm.chiSquare).toBeCloseTo(100, 9);
    expect(a.srm.pValue).toBeLessThan(1e-20);
    expect(a.srm.mismatch).toBe(true);
    expect(a.verdict.kind).toBe('srm');
    expect(a.verdict.text).toContain('SRM detected');
    expect(a.verdict.text).toContain('do not trust');
  });

  test('a containment win that costs CSAT (3.75 → 3.35) is not shipped: the guardrail is named', async () => {
    await seedExperiment(db, {
      experimentId: 'harm',
      seed: 404,
      variants: [
        { name: 'control', sessions: 3000, containment: 0.7, qualityMean: 0.7 },
        { name: 'strict', sessions: 3000, containment: 0.75, qualityMean: 0.7, csatWeights: [0.1, 0.15, 0.25, 0.3, 0.2] },
      ],
    });
    const a = await analyze(experimentsFile(1, 'harm'));
    const csat = a.comparisons.find((c) => c.metric === 'csat')!;
    expect(csat).toMatchObject({ role: 'guardrail', significant: true, direction: 'worse', harmful: true });
    expect(csat.difference!).toBeLessThan(-0.2);
    expect(a.verdict.kind).toBe('do-not-ship');
    expect(a.verdict.variant).toBe('strict');
    expect(a.verdict.text).toMatch(/harms guardrail csat −\d+\.\d% .*— do not ship\.$/);
  });

  test('with two treatments the primary metric is judged at alpha / 2 and the better one is named', async () => {
    await seedExperiment(db, {
      experimentId: 'three-way',
      seed: 909,
      variants: [
        { name: 'control', sessions: 3500, containment: 0.7, qualityMean: 0.7 },
        { name: 'mild', sessions: 3500, containment: 0.7, qualityMean: 0.7 },
        { name: 'strict', sessions: 3500, containment: 0.76, qualityMean: 0.7 },
      ],
    });
    const a = await analyze(
      experimentsFile(1, 'three-way', {
        variants: [
          { name: 'control', weight: 1 },
          { name: 'mild', weight: 1, settings: { negativeThreshold: -0.3 } },
          { name: 'strict', weight: 1, settings: { negativeThreshold: -0.4 } },
        ],
      }),
    );
    const primaries = a.comparisons.filter((c) => c.role === 'primary');
    expect(primaries.map((c) => [c.variant, c.alpha, c.confidenceLevel])).toEqual([
      ['mild', 0.025, 0.975],
      ['strict', 0.025, 0.975],
    ]);
    expect(a.comparisons.filter((c) => c.role === 'guardrail').every((c) => c.alpha === 0.05)).toBe(true);
    expect(a.notes).toContain('2 variants against the control: the primary metric is judged at alpha 0.05/2 = 0.025 (Bonferroni).');
    expect(a.verdict).toMatchObject({ kind: 'ship', variant: 'strict' });
    expect(a.primary!.variant).toBe('strict');
  });

  test('a significant lead before the planned sample is "keep running", not "ship"', async () => {
    await seedExperiment(db, {
      experimentId: 'early',
      seed: 505,
      variants: [
        { name: 'control', sessions: 1000, containment: 0.7, qualityMean: 0.7 },
        { name: 'strict', sessions: 1000, containment: 0.8, qualityMean: 0.7 },
      ],
    });
    // No guardrails: this is about the primary metric's stopping rule only.
    const a = await analyze(experimentsFile(1, 'early', { metrics: { primary: 'containment_rate' } }));
    expect(a.primary!.significant).toBe(true);
    expect(a.verdict.kind).toBe('insufficient-data');
    expect(a.verdict.variant).toBe('strict');
    expect(a.verdict.text).toContain('keep it running');
  });

  test('too few sessions, or none at all, is "not enough data" with no NaN anywhere', async () => {
    await seedExperiment(db, {
      experimentId: 'tiny',
      seed: 606,
      variants: [
        { name: 'control', sessions: 40, containment: 0.7, qualityMean: 0.7 },
        { name: 'strict', sessions: 45, containment: 0.7, qualityMean: 0.7 },
      ],
    });
    const tiny = await analyze(experimentsFile(1, 'tiny'));
    expect(tiny.srm.mismatch).toBe(false);
    expect(tiny.verdict.kind).toBe('insufficient-data');
    expect(tiny.verdict.text).toContain('needs at least 100 sessions per variant before any conclusion (control 40, strict 45)');

    await seedExperiment(db, {
      experimentId: 'single',
      seed: 607,
      variants: [
        { name: 'control', sessions: 1, containment: 0.7, qualityMean: 0.7 },
        { name: 'strict', sessions: 1, containment: 0.7, qualityMean: 0.7 },
      ],
    });
    const single = await analyze(experimentsFile(1, 'single'));
    expect(single.verdict.kind).toBe('insufficient-data');
    // One session per variant: no variance for a t-test, but the proportion test can still run.
    expect(single.comparisons.find((c) => c.metric === 'conversation_quality')!.notEnoughData).toContain('1 control session');
    expect(single.comparisons.find((c) => c.metric === 'containment_rate')!.notEnoughData).toBeNull();

    const none = await analyze(experimentsFile(1, 'never-exposed'));
    expect(none.totalExposures).toBe(0);
    expect(none.exposures.map((x) => x.sessions)).toEqual([0, 0]);
    expect(none.srm).toMatchObject({ chiSquare: 0, pValue: 1, mismatch: false });
    expect(none.verdict.kind).toBe('insufficient-data');
    expect(none.comparisons.every((c) => c.notEnoughData !== null && c.pValue === null && c.ci === null)).toBe(true);
    expect(none.sampleSize.sessionsPerVariant).toBeNull();
  });

  test('exposures of other config versions are pooled only when that version had the same variants and weights', async () => {
    // Version 1: 80/20 split (different); version 2: 1:1 (same as version 3's 50:50); version 4: never seen.
    await seedExperiment(db, {
      experimentId: 'versions',
      seed: 707,
      variants: [
        { name: 'control', sessions: 400, containment: 0.7, qualityMean: 0.7, configVersion: 1 },
        { name: 'strict', sessions: 100, containment: 0.7, qualityMean: 0.7, configVersion: 1 },
      ],
    });
    for (const [version, seed] of [
      [2, 708],
      [3, 709],
      [4, 710],
    ]) {
      await seedExperiment(db, {
        experimentId: 'versions',
        sessionPrefix: `versions-v${version}`,
        seed,
        variants: [
          { name: 'control', sessions: 150, containment: 0.7, qualityMean: 0.7, configVersion: version },
          { name: 'strict', sessions: 150, containment: 0.7, qualityMean: 0.7, configVersion: version },
        ],
      });
    }
    const current = experimentsFile(3, 'versions', {
      variants: [
        { name: 'control', weight: 50 },
        { name: 'strict', weight: 50, settings: { negativeThreshold: -0.4 } },
      ],
    });
    const v1 = experimentsFile(1, 'versions', {
      variants: [
        { name: 'control', weight: 80 },
        { name: 'strict', weight: 20, settings: { negativeThreshold: -0.4 } },
      ],
    });
    const v2 = experimentsFile(2, 'versions');
    const a = await analyze(current, [v1, v2]);
    expect(a.countedConfigVersions).toEqual([2, 3]);
    expect(a.excludedExposures).toEqual([
      { configVersion: 1, sessions: 500, reason: 'different-variants' },
      { configVersion: 4, sessions: 300, reason: 'unknown-version' },
    ]);
    expect(a.totalExposures).toBe(600);
    expect(a.notes.join('\n')).toMatch(/500 exposures under config version 1 are not counted: that version's variants or weights differ/);
    expect(a.notes.join('\n')).toMatch(/300 exposures under config version 4 are not counted: that version's file was not given/);
    // Without history only the current version counts.
    expect((await analyze(current)).countedConfigVersions).toEqual([3]);
  });
});

describe('experiments:report command line', () => {
  const REPO = path.resolve(__dirname, '../../..');
  let postgres: PostgresServer;
  let db: PostgresDatabase;
  let buildDir: string;
  let outDir: string;
  const run = (args: string[], env: Record<string, string> = {}) => {
    const { DATABASE_URL: _url, EXPERIMENTS_FILE: _file, ...rest } = process.env;
    return spawnSync(process.execPath, [path.join(buildDir, 'tools/experiments/main.js'), ...args], {
      cwd: REPO,
      env: { ...rest, ...env },
      encoding: 'utf8',
    });
  };

  beforeAll(async () => {
    postgres = await PostgresServer.start();
    db = new PostgresDatabase({ url: postgres.url });
    await migrate(db);
    // The repository's sample experiment, with 3,000 sessions per variant and a true 5-point lift.
    await seedExperiment(db, {
      experimentId: 'escalation-threshold',
      seed: 808,
      variants: [
        { name: 'control', sessions: 3000, containment: 0.7, qualityMean: 0.7 },
        { name: 'strict-negative', sessions: 3000, containment: 0.75, qualityMean: 0.7 },
      ],
    });
    // Compile the real entry point (what `npm run experiments:report` runs) inside build/, where node finds node_modules.
    fs.mkdirSync(path.join(REPO, 'build'), { recursive: true });
    buildDir = fs.mkdtempSync(path.join(REPO, 'build', 'experiments-cli-'));
    fs.writeFileSync(
      path.join(buildDir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { rootDir: '../..', outDir: '.', incremental: false, sourceMap: false },
        include: ['../../tools/experiments/main.ts'],
      }),
    );
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(buildDir, 'tsconfig.json')], { stdio: 'pipe' });
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'experiments-report-'));
  });
  afterAll(async () => {
    await db.close();
    await postgres.destroy();
    fs.rmSync(buildDir, { recursive: true, force: true });
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  test('writes experiments-report.md and .json for the sample experiments file and exits 0', () => {
    const result = run(['--experiments', 'config/experiments.json', '--out', outDir], { DATABASE_URL: postgres.url });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/^escalation-threshold: ship — Variant strict-negative improves containment_rate/);

    const json = JSON.parse(fs.readFileSync(path.join(outDir, 'experiments-report.json'), 'utf8'));
    const e = json.experiments[0];
    // The fields other tools read (see report-model.ts).
    expect(e.experimentId).toBe('escalation-threshold');
    expect(e.verdict.kind).toBe('ship');
    expect(typeof e.verdict.text).toBe('string');
    expect(e.primaryMetric).toBe('containment_rate');
    expect(e.primary.relativeDifference).toBeGreaterThan(0.04);
    expect(e.primary.pValue).toBeLessThan(0.001);
    expect(e.exposures).toEqual([
      { variant: 'control', sessions: 3000, share: 0.5, expectedShare: 0.5 },
      { variant: 'strict-negative', sessions: 3000, share: 0.5, expectedShare: 0.5 },
    ]);

    const md = fs.readFileSync(path.join(outDir, 'experiments-report.md'), 'utf8');
    expect(md).toContain('## escalation-threshold');
    expect(md).toContain('**SHIP** — Variant strict-negative improves containment_rate');
    expect(md).toMatch(
      /\| containment_rate \| primary \| strict-negative \| \d\d\.\d% \(n=3000\) \| \d\d\.\d% \(n=3000\) \| \+\d\.\d\d pp \| \+\d\.\d% \| \[\+\d\.\d\d pp, \+\d\.\d\d pp\] \(95%\) \| [<\d.]+ \| \*\*better\*\* \|/,
    );
    expect(md).toContain('Sample ratio check: χ² = 0.00, df 1, p = 1 — no mismatch');
  });

  test('EXPERIMENTS_FILE and DATABASE_URL are the defaults of the options', () => {
    const result = run(['--out', outDir], { DATABASE_URL: postgres.url, EXPERIMENTS_FILE: 'config/experiments.json' });
    expect(result.status).toBe(0);
  });

  test('exit 2 on bad usage (no database, unknown option), 1 when the experiments file cannot be read', () => {
    const noDb = run(['--out', outDir]);
    expect(noDb.status).toBe(2);
    expect(noDb.stderr).toContain('no database: pass --database-url or set DATABASE_URL');
    expect(run(['--database-url', postgres.url, '--bogus', 'x']).status).toBe(2);
    const missing = run(['--database-url', postgres.url, '--experiments', 'no/such/file.json', '--out', outDir]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no/such/file.json could not be read');
  });

  test('parseArgs: defaults', () => {
    expect(parseArgs([], { DATABASE_URL: 'postgres://db/x' })).toEqual({
      databaseUrl: 'postgres://db/x',
      databaseUrls: ['postgres://db/x'],
      experimentsPath: path.join('config', 'experiments.json'),
      historyDir: undefined,
      outDir: path.join('reports', 'experiments'),
      minimumSessions: 100,
    });
    expect(() => parseArgs(['--database-url', 'x', '--minimum-sessions', '1'], {})).toThrow(/at least 2/);
  });
});
