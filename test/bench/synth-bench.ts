/**
 * Synth benchmark: how long, and how much memory, the reference app's synth takes with the deep
 * provider imports we use, beside the same app paying for the package barrel.
 *
 *   npm run bench:synth                  7 measured runs per variant
 *   npm run bench:synth -- --runs 15     (or BENCH_RUNS=15)
 *
 * Each run is a fresh `node build/stacks/main.js` (what `cdktf synth` runs as its app; the CLI's
 * own start-up is not counted) writing into a fresh temp outdir (CDKTF_OUTDIR, which cdktf's App
 * reads when no outdir is passed). Runs alternate ours, barrel, ours, barrel… so machine noise
 * hits both variants; one discarded warm-up run of each fills the OS file cache first.
 *
 * - wall time: measured here around the child, from spawn to exit: node start-up, module
 *   loading, construct tree, JSON writing — what a user waits for.
 * - peak memory: the child's peak RSS (getrusage ru_maxrss) as GNU `/usr/bin/time -f %M` reports
 *   it; without GNU time, a preloaded probe (max-rss-reporter) reads the same value in the child.
 *
 * The barrel variant is `node -r @cdktf/provider-google build/stacks/main.js`. provider-google's
 * lib/index.js is plain CommonJS that eagerly runs `exports.x = require("./x")` for all ~1,470
 * resource and data-source modules (no lazy getters), so preloading it costs exactly what
 * `import { X } from '@cdktf/provider-google'` costs; the app then loads its deep paths from
 * require's cache. It does not change what is synthesized: every run's cdk.tf.json files are
 * compared with the first run's, and any difference fails the benchmark.
 *
 * A benchmark reports; it does not judge: missed targets print MISS and exit 0. Only a failed
 * synth or differing output exits 1; bad usage exits 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCommandLine } from '../../tools/cli-args';

const REPO = join(__dirname, '..', '..', '..'); // build/test/bench -> repository root
const APP = 'build/stacks/main.js';
const GNU_TIME = '/usr/bin/time';
const TARGETS = { wallMs: 1000, rssMb: 200, ratio: 0.3 };

interface Variant {
  readonly name: string;
  readonly nodeArgs: string[];
}
const VARIANTS: Variant[] = [
  { name: 'ours (deep imports)', nodeArgs: [] },
  { name: 'barrel', nodeArgs: ['-r', '@cdktf/provider-google'] },
];

interface Sample {
  readonly wallMs: number;
  readonly rssMb: number;
}

const USAGE = 'usage: npm run bench:synth -- [--runs N (env BENCH_RUNS, default 7)] [--warmup N (env BENCH_WARMUP, default 1)]';

/** `--runs` and `--warmup` (node:util parseArgs via tools/cli-args), else their env variables. */
function options(argv: string[]): { runs: number; warmup: number } {
  const { values } = parseCommandLine(argv, { runs: { type: 'string' }, warmup: { type: 'string' } }, USAGE);
  const whole = (name: 'runs' | 'warmup', envName: string, fallback: number): number => {
    const raw = (values[name] as string | undefined) ?? process.env[envName];
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} / ${envName} must be a whole number, got "${raw}"\n${USAGE}`);
    return n;
  };
  return { runs: Math.max(1, whole('runs', 'BENCH_RUNS', 7)), warmup: whole('warmup', 'BENCH_WARMUP', 1) };
}

/** One synth in a fresh node process and outdir; returns its cost and the JSON it wrote. */
function synthOnce(variant: Variant): { sample: Sample; output: Map<string, string> } {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-bench-'));
  const rssFile = join(outdir, '.max-rss');
  const env = { ...process.env, CDKTF_OUTDIR: join(outdir, 'out'), BENCH_RSS_FILE: rssFile };
  const node = [...variant.nodeArgs, APP];
  const [cmd, args] = existsSync(GNU_TIME)
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...node]]
    : [process.execPath, ['-r', join(__dirname, 'max-rss-reporter.js'), ...node]];
  try {
    const start = performance.now();
    const child = spawnSync(cmd, args, { cwd: REPO, env, encoding: 'utf8' });
    const wallMs = performance.now() - start;
    if (child.status !== 0) {
      throw new Error(`synth (${variant.name}) exited ${child.status ?? child.signal}:\n${child.stdout}\n${child.stderr}`);
    }
    const rssKib = Number(readFileSync(rssFile, 'utf8').trim());
    const stacksDir = join(outdir, 'out', 'stacks');
    const output = new Map(readdirSync(stacksDir).map((s) => [s, readFileSync(join(stacksDir, s, 'cdk.tf.json'), 'utf8')] as const));
    return { sample: { wallMs, rssMb: rssKib / 1024 }, output };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function sameOutput(a: Map<string, string>, b: Map<string, string>): string | undefined {
  const stacks = [...new Set([...a.keys(), ...b.keys()])];
  return stacks.find((s) => a.get(s) !== b.get(s));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function main({ runs, warmup }: { runs: number; warmup: number }): void {
  if (!existsSync(join(REPO, APP))) throw new Error(`${APP} is missing: run \`npm run build:dev\` first`);

  const samples = new Map<Variant, Sample[]>(VARIANTS.map((v) => [v, []]));
  let reference: Map<string, string> | undefined;
  for (let i = 0; i < warmup + runs; i++) {
    for (const variant of VARIANTS) {
      const { sample, output } = synthOnce(variant);
      reference ??= output;
      const differs = sameOutput(reference, output);
      if (differs !== undefined) {
        throw new Error(`synth output differs: stack "${differs}" of ${variant.name} run ${i + 1} is not the first run's`);
      }
      if (i >= warmup) samples.get(variant)!.push(sample);
    }
  }

  const stats = VARIANTS.map((v) => {
    const s = samples.get(v)!;
    const wall = s.map((x) => x.wallMs);
    return { name: v.name, med: median(wall), min: Math.min(...wall), max: Math.max(...wall), rss: median(s.map((x) => x.rssMb)) };
  });
  const [ours, barrel] = stats;
  const ratio = { wall: ours.med / barrel.med, rss: ours.rss / barrel.rss };

  const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(22) : c.padStart(11))).join(' '));
  console.log(
    `synth of ${APP} (stacks: ${[...reference!.keys()].join(', ')}): ${runs} runs per variant, interleaved, ${warmup} warm-up each discarded`,
  );
  console.log(
    `machine: ${availableParallelism()} cores, node ${process.version}; peak RSS via ${existsSync(GNU_TIME) ? 'GNU time' : 'in-process probe'}\n`,
  );
  row(['variant', 'median ms', 'min ms', 'max ms', 'peak RSS MiB']);
  for (const s of stats) row([s.name, s.med.toFixed(0), s.min.toFixed(0), s.max.toFixed(0), s.rss.toFixed(0)]);
  row(['ours / barrel', `${ratio.wall.toFixed(2)}x`, '', '', `${ratio.rss.toFixed(2)}x`]);
  console.log('outputs: identical cdk.tf.json in every run of both variants\n');

  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const target = (label: string, value: string, ok: boolean) => console.log(`  ${label.padEnd(32)} ${value.padStart(9)}  ${verdict(ok)}`);
  console.log('targets:');
  target(`ours median wall <= ${TARGETS.wallMs} ms`, `${ours.med.toFixed(0)} ms`, ours.med <= TARGETS.wallMs);
  target(`ours median peak RSS <= ${TARGETS.rssMb} MiB`, `${ours.rss.toFixed(0)} MiB`, ours.rss <= TARGETS.rssMb);
  target(`ours wall <= ${TARGETS.ratio}x barrel wall`, `${ratio.wall.toFixed(2)}x`, ratio.wall <= TARGETS.ratio);
}

let parsed: { runs: number; warmup: number };
try {
  parsed = options(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
try {
  main(parsed);
} catch (e) {
  console.error(`synth-bench FAILED: ${(e as Error).message}`);
  process.exit(1);
}
