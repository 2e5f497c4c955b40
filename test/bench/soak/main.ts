/**
 * `npm run bench:soak -- [--duration 10m] [--concurrency 8] [--sample 5s] [--max-growth 10] [--out file.json]`
 *
 * Soak: starts the runtime as `npm start` does (`node runtime/dist/main.js`, embedded defaults
 * unless the environment says otherwise — DATABASE_URL, REDIS_URL, … pass through), then sends
 * turns for the whole duration, each from a new Dialogflow session (the worst case for every
 * per-session structure: rate-limiter counts, idempotency replies, cache entries, conversation
 * rows). Resident memory of the process tree and V8's heap (from /metrics) are sampled
 * throughout. The verdict is on the second half of the run, after warm-up: memory must plateau,
 * i.e. grow by at most --max-growth percent from the start to the end of the second half (least
 * squares, so one GC swing does not decide it). Exit 1 when it does not. Bounded in time and
 * requests; traffic goes to 127.0.0.1 only.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promSample, slope, treeRssBytes } from './process-memory';
import { freePort } from '../../runtime/support/local-servers';

interface Options {
  readonly durationMs: number;
  readonly concurrency: number;
  readonly sampleMs: number;
  readonly maxGrowthPercent: number;
  /** V8's old-space limit for the runtime, as its container would set it (a 512 MiB Cloud Run instance: ~256). */
  readonly maxOldSpaceMb?: number;
  readonly out?: string;
}

const ROOT = join(__dirname, '../../../..');
const MAIN = join(ROOT, 'runtime/dist/main.js');
const AGENT = 'projects/acme-soak/locations/global/agents/soak';
const TEXTS = [
  'I lost my card on the train yesterday and need a new one',
  'why was I charged twice for the same coffee',
  'the app keeps crashing when I try to top up',
  'can you tell me my exchange rate for euros',
  'this is the third time I am asking, nothing works',
  'thanks, that fixed it',
];

function parseArgs(argv: string[]): Options {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`unexpected argument "${argv[i]}"`);
    values[argv[i].slice(2)] = argv[i + 1];
  }
  const unknown = Object.keys(values).filter(
    (k) => !['duration', 'concurrency', 'sample', 'max-growth', 'max-old-space-mb', 'out'].includes(k),
  );
  if (unknown.length > 0)
    throw new Error(`unknown option --${unknown[0]} (known: --duration --concurrency --sample --max-growth --max-old-space-mb --out)`);
  return {
    durationMs: duration(values.duration ?? '10m', 'duration'),
    concurrency: whole(values.concurrency ?? '8', 'concurrency', 1, 256),
    sampleMs: duration(values.sample ?? '5s', 'sample'),
    maxGrowthPercent: Number(values['max-growth'] ?? '10'),
    maxOldSpaceMb: values['max-old-space-mb'] === undefined ? undefined : whole(values['max-old-space-mb'], 'max-old-space-mb', 32, 65_536),
    out: values.out,
  };
}

function duration(text: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!m) throw new Error(`--${name} "${text}" must look like 500ms, 60s or 10m`);
  const ms = Number(m[1]) * { ms: 1, s: 1_000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
  if (ms < 100 || ms > 6 * 3_600_000) throw new Error(`--${name} must be between 100ms and 360m`);
  return ms;
}

function whole(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

interface Sample {
  readonly atS: number;
  readonly rssMb: number;
  readonly heapUsedMb?: number;
  readonly turns: number;
  /** Writes waiting in the write-behind queues (all of them): a store slower than the load shows here first. */
  readonly queued: number;
  /** Entries in the bounded in-memory structures (runtime_memory_entries), by structure. */
  readonly entries: Record<string, number>;
}

function labelled(text: string, name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(new RegExp(`^${name}\\{[^}]*${label}="([^"]+)"[^}]*\\} ([-\\d.e+]+)$`, 'gm'))) out[m[1]] = Number(m[2]);
  return out;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const v8 = o.maxOldSpaceMb === undefined ? [] : [`--max-old-space-size=${o.maxOldSpaceMb}`];
  const child: ChildProcess = spawn(process.execPath, [...v8, MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => child.exitCode === null && child.kill('SIGTERM');
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the runtime exited with ${child.exitCode} before it was ready`);
      if (performance.now() - started > 60_000) throw new Error('the runtime was not ready within 60 s');
      const ok = await fetch(`${url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = Math.round(performance.now() - started);
    console.log(`ready in ${readyMs} ms; soaking for ${o.durationMs / 1000} s with ${o.concurrency} concurrent new sessions`);

    const samples: Sample[] = [];
    let turns = 0;
    let failures = 0;
    const t0 = performance.now();
    const end = t0 + o.durationMs;
    const sample = async () => {
      const metrics = await fetch(`${url}/metrics`)
        .then((r) => r.text())
        .catch(() => '');
      const heap = promSample(metrics, 'nodejs_heap_size_used_bytes');
      samples.push({
        atS: (performance.now() - t0) / 1000,
        rssMb: treeRssBytes(child.pid!) / 1048576,
        heapUsedMb: heap === undefined ? undefined : heap / 1048576,
        turns,
        queued: Object.values(labelled(metrics, 'write_queue_pending', 'queue')).reduce((a, b) => a + b, 0),
        entries: labelled(metrics, 'runtime_memory_entries', 'structure'),
      });
    };
    await sample();
    const sampler = setInterval(() => void sample(), o.sampleMs);
    const worker = async (w: number) => {
      for (let i = 0; performance.now() < end; i++) {
        const session = `${AGENT}/sessions/soak-${process.pid}-${w}-${i}`;
        const body = {
          detectIntentResponseId: `soak-${process.pid}-${w}-${i}`,
          intentInfo: { lastMatchedIntent: `${AGENT}/intents/card_lost`, displayName: 'card_lost', confidence: 0.8 },
          pageInfo: { currentPage: `${AGENT}/flows/f/pages/start`, displayName: 'Start' },
          sessionInfo: { session, parameters: {} },
          fulfillmentInfo: { tag: 'enrich' },
          // A new text now and then: the caches see both repeats and misses.
          text: i % 10 === 0 ? `${TEXTS[i % TEXTS.length]} (ref ${w}-${i})` : TEXTS[i % TEXTS.length],
          languageCode: 'en',
        };
        const res = await fetch(`${url}/webhook/cx`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).catch(() => undefined);
        if (res?.status === 200) turns++;
        else failures++;
        await res?.arrayBuffer().catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
    clearInterval(sampler);
    await sample();

    const half = samples.filter((s) => s.atS >= samples[samples.length - 1].atS / 2);
    const rssSlope = slope(half.map((s) => [s.atS, s.rssMb]));
    const heapSlope = slope(half.filter((s) => s.heapUsedMb !== undefined).map((s) => [s.atS, s.heapUsedMb!]));
    const span = half[half.length - 1].atS - half[0].atS;
    const rssAtHalf = half[0].rssMb;
    const growthPercent = rssAtHalf > 0 ? ((rssSlope * span) / rssAtHalf) * 100 : 0;
    const report = {
      readyMs,
      durationS: Math.round((performance.now() - t0) / 1000),
      turns,
      failures,
      turnsPerSecond: Math.round(turns / ((performance.now() - t0) / 1000)),
      maxQueued: Math.max(...samples.map((s) => s.queued)),
      entriesAtEnd: samples[samples.length - 1].entries,
      rssMb: {
        start: round(samples[0].rssMb),
        halfway: round(rssAtHalf),
        end: round(samples[samples.length - 1].rssMb),
        max: round(Math.max(...samples.map((s) => s.rssMb))),
      },
      secondHalf: {
        rssMbPerMinute: round(rssSlope * 60),
        heapMbPerMinute: round(heapSlope * 60),
        rssGrowthPercent: round(growthPercent),
      },
      maxGrowthPercent: o.maxGrowthPercent,
      plateau: growthPercent <= o.maxGrowthPercent,
      samples: samples.map((s) => ({
        ...s,
        atS: round(s.atS),
        rssMb: round(s.rssMb),
        heapUsedMb: s.heapUsedMb && round(s.heapUsedMb),
        turns: s.turns,
      })),
    };
    if (o.out) writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');
    const { samples: _omitted, ...summary } = report;
    console.log(JSON.stringify(summary, null, 2));
    console.log(
      report.plateau
        ? `plateau: RSS grew ${report.secondHalf.rssGrowthPercent}% over the second half (limit ${o.maxGrowthPercent}%)`
        : `NO PLATEAU: RSS grew ${report.secondHalf.rssGrowthPercent}% over the second half (limit ${o.maxGrowthPercent}%)`,
    );
    if (!report.plateau || failures > turns / 100) process.exitCode = 1;
  } finally {
    stop();
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
