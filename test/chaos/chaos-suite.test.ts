import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChaosReport } from './report';

/**
 * A short subset of the chaos suite in `npm test`: the real runner (compiled like
 * `npm run chaos` runs it) against real Redis, Postgres, Toxiproxy and two runtime processes,
 * at half the phase durations, then every hypothesis of the report asserted. The scenarios:
 * a Postgres crash under load (ratings accepted during the outage stored exactly once), a
 * runtime SIGTERM while the other instance serves (failover, clean drain), Natural Language
 * answering UNAVAILABLE (breaker opens, replies degrade, and recover), a hung Redis (SIGSTOP: every
 * call's deadline holds) and one poison turn and rating (isolated; nothing queued behind them lost).
 */
const REPO = resolve(__dirname, '../..');
const SCENARIOS = ['postgres-sigkill', 'runtime-sigterm', 'nl-unavailable', 'redis-sigstop', 'poison-record'];
const MAIN = join(REPO, 'runtime', 'dist', 'main.js');

describe('chaos suite (short subset)', () => {
  let buildDir: string;
  let outDir: string;
  let report: ChaosReport;
  let output = '';

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: \`npm test\` builds it (tsc -p runtime/tsconfig.json)`);
    // Compile the real entry point inside build/, where node finds node_modules.
    mkdirSync(join(REPO, 'build'), { recursive: true });
    buildDir = mkdtempSync(join(REPO, 'build', 'chaos-cli-'));
    writeFileSync(
      join(buildDir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { rootDir: '../..', outDir: '.', incremental: false, sourceMap: false },
        include: ['../../test/chaos/main.ts', '../../test/bench/runtime/fake-nl-child.ts'],
      }),
    );
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(buildDir, 'tsconfig.json')], { stdio: 'pipe' });
    outDir = mkdtempSync(join(tmpdir(), 'chaos-report-'));
    const run = spawnSync(
      process.execPath,
      [
        join(buildDir, 'test', 'chaos', 'main.js'),
        '--scenario',
        SCENARIOS.join(','),
        '--scale',
        '0.5',
        '--report',
        join(outDir, 'chaos.json'),
      ],
      // The caller's environment: Go (for the first Toxiproxy build) reads its settings from it.
      { cwd: REPO, encoding: 'utf8', timeout: 300_000, env: process.env },
    );
    output = `${run.stdout}\n${run.stderr}`;
    if (!existsSync(join(outDir, 'chaos.json'))) throw new Error(`the chaos suite wrote no report (exit ${run.status}):\n${output}`);
    report = JSON.parse(readFileSync(join(outDir, 'chaos.json'), 'utf8')) as ChaosReport;
  }, 360_000);

  afterAll(() => {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  test('the report has one entry per scenario, with the figures and hypotheses it promises, and a Markdown summary', () => {
    // The runner keeps the suite's own order, whatever order --scenario names them in.
    expect(report.scenarios.map((s) => s.name).sort()).toEqual([...SCENARIOS].sort());
    for (const s of report.scenarios) {
      expect(s.requests).toBeGreaterThan(50);
      expect(s.feedbackSent).toBeGreaterThan(5);
      expect(s.budgetMs).toBe(3_500);
      expect(s.hypotheses.map((h) => h.name)).toEqual(
        expect.arrayContaining([
          'replies-2xx',
          'p99-within-budget',
          'feedback-stored-once',
          'queues-drained',
          'no-crash',
          'memory-recovered',
        ]),
      );
    }
    const md = readFileSync(join(outDir, 'chaos.md'), 'utf8');
    for (const name of SCENARIOS) expect(md).toContain(`| ${name} |`);
  });

  test.each(SCENARIOS)('%s: every steady-state hypothesis holds', (name) => {
    const entry = report.scenarios.find((s) => s.name === name)!;
    const failed = entry.hypotheses.filter((h) => !h.passed).map((h) => `${h.name}: ${h.detail}`);
    expect({ scenario: name, failed, logs: report.logDir }).toEqual({ scenario: name, failed: [], logs: report.logDir });
  });

  test('the scenarios did what they claim: the Postgres and NL breakers opened, the SIGTERMed instance failed over and exited 0', () => {
    const byName = new Map(report.scenarios.map((s) => [s.name, s]));
    expect(byName.get('postgres-sigkill')!.hypotheses.find((h) => h.name === 'breaker-opened')?.passed).toBe(true);
    expect(byName.get('nl-unavailable')!.degradedDuringFault).toBeGreaterThan(0);
    const sigterm = byName.get('runtime-sigterm')!;
    expect(sigterm.hypotheses.find((h) => h.name === 'clean-shutdown')?.passed).toBe(true);
    // Requests refused by the stopped instance went to the other one instead of failing.
    expect(sigterm.failovers).toBeGreaterThan(0);
  });
});
