/**
 * The scenarios, in the order they run:
 *
 *   (a) bare node:http            the ceiling: parse + serialize only
 *   (b) naive Express + client    analyzeSentiment then analyzeEntities per turn, defaults, no cache
 *   (c) ours, cold                fresh runtime process, empty L1/L2/L3, realistic sequence once
 *   (d) ours, warm                the same process after (c), realistic sequence again (alternated with (a))
 *   (e) ours, NL down             fresh runtime, empty stores, fake NL in outage (calls hang)
 *   plus the no-repetition sequence for (b) and (c), and the optional CPU profile of (d).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../runtime/support/local-servers';
import { Conversation } from '../../../tools/corpus/banking77';
import { FakeNl, NlpUsage, usageBetween } from './fake-nl';
import { LoadResult, runLoad } from './load';
import { Server, startNodeServer, stop, trackTempDir } from './processes';
import { ProfileSummary, summarizeProfile } from './profile';
import { ProbeResult, probeRedis } from './redis-probe';
import { sampleRss } from './rss';
import { Samples, diff, scrapeMetrics, summarize } from './runtime-metrics';
import { Settings } from './settings';
import { Stores } from './stores';

export interface ScenarioResult {
  readonly id: string;
  readonly name: string;
  readonly sequence: 'realistic' | 'no-repetition';
  readonly load: LoadResult;
  readonly rounds: number;
  readonly nlp: NlpUsage;
  readonly callsPer1k: number;
  readonly unitsPer1k: number;
  /** The runtime's own counters over this scenario (ours only). */
  readonly runtimeMetrics?: Record<string, number>;
}

export interface BenchContext {
  readonly repo: string;
  readonly settings: Settings;
  readonly fake: FakeNl;
  readonly stores: Stores;
  readonly realistic: readonly Conversation[];
  readonly noRepetition: readonly Conversation[];
  readonly log: (line: string) => void;
}

const BUILD = (repo: string, file: string) => join(repo, 'build', 'test', 'bench', 'runtime', file);
let runCounter = 0;
const runId = (id: string) => `${id}-${process.pid}-${++runCounter}`;

/**
 * Let calls still in flight when autocannon stops (up to one per connection) reach the fake
 * before its counters are read, so they are charged to the scenario that caused them.
 */
const settle = () => new Promise((r) => setTimeout(r, 300));

function per1k(n: number, turns: number): number {
  return turns > 0 ? (n / turns) * 1000 : 0;
}

/** Run `load` and attribute the fake NL server's counter changes to it. */
async function measured(
  ctx: BenchContext,
  id: string,
  name: string,
  sequence: ScenarioResult['sequence'],
  loads: () => Promise<LoadResult[]>,
): Promise<ScenarioResult> {
  await settle();
  const before = await ctx.fake.snapshot();
  const results = await loads();
  await settle();
  const nlp = usageBetween(before, await ctx.fake.snapshot());
  const load = combine(results);
  ctx.log(
    `  ${id.padEnd(10)} ${load.turns} turns in ${load.seconds.toFixed(1)} s: ${load.requestsPerSecond.toFixed(0)} req/s, ` +
      `p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, ${nlp.calls} NLP calls, ${nlp.billedUnits} units, non-2xx ${load.non2xx}, errors ${load.errors}`,
  );
  return {
    id,
    name,
    sequence,
    load,
    rounds: results.length,
    nlp,
    callsPer1k: per1k(nlp.calls, load.turns),
    unitsPer1k: per1k(nlp.billedUnits, load.turns),
  };
}

/** Rounds of one scenario: throughput over all rounds, median p50, worst p99. */
function combine(results: LoadResult[]): LoadResult {
  if (results.length === 1) return results[0];
  const sum = (f: (r: LoadResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const p50s = results.map((r) => r.p50Ms).sort((a, b) => a - b);
  const mid = p50s.length >> 1;
  const turns = sum((r) => r.turns);
  const seconds = sum((r) => r.seconds);
  return {
    label: results[0].label,
    turns,
    seconds,
    requestsPerSecond: seconds > 0 ? turns / seconds : 0,
    p50Ms: p50s.length % 2 ? p50s[mid] : (p50s[mid - 1] + p50s[mid]) / 2,
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    maxMs: Math.max(...results.map((r) => r.maxMs)),
    ok2xx: sum((r) => r.ok2xx),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    ...(results.some((r) => r.peakRssMB !== undefined) && { peakRssMB: Math.max(...results.map((r) => r.peakRssMB ?? 0)) }),
  };
}

async function load(
  ctx: BenchContext,
  label: string,
  server: Server,
  conversations: readonly Conversation[],
  how: { seconds?: number; amount?: number },
): Promise<LoadResult> {
  const rss = sampleRss(server.child.pid);
  const result = await runLoad({
    label,
    url: server.url,
    path: '/webhook/cx',
    conversations,
    connections: ctx.settings.connections,
    durationSeconds: how.seconds,
    amount: how.amount,
    runId: runId(label),
  });
  const peakRssMB = rss.stop();
  return peakRssMB === undefined ? result : { ...result, peakRssMB };
}

export async function startBare(ctx: BenchContext): Promise<Server> {
  const port = await freePort();
  return startNodeServer({
    name: '(a) bare node:http',
    args: [BUILD(ctx.repo, 'bare-http-server.js')],
    env: { PORT: String(port) },
    port,
    readyPath: '/healthz',
    cwd: ctx.repo,
  });
}

export async function startNaive(ctx: BenchContext): Promise<Server> {
  const port = await freePort();
  return startNodeServer({
    name: '(b) naive Express',
    args: [BUILD(ctx.repo, 'naive-express-server.js')],
    env: { PORT: String(port), NLP_API_PORT: String(ctx.fake.port) },
    port,
    readyPath: '/healthz',
    cwd: ctx.repo,
  });
}

/** The environment the runtime process gets: production-like, pointed at the fake and the local stores. */
export function runtimeEnv(ctx: BenchContext, port: number, l1Only = false): Record<string, string> {
  const redis = ctx.stores.redis && !l1Only;
  const postgres = ctx.stores.postgres && !l1Only;
  return {
    PORT: String(port),
    NLP_MODE: 'google',
    NLP_API_ENDPOINT: '127.0.0.1',
    NLP_API_PORT: String(ctx.fake.port),
    NLP_INSECURE: 'true',
    NLP_DEADLINE_MS: String(ctx.settings.deadlineMs),
    AUTH_MODE: 'none',
    // Production settings: every turn logged (to /dev/null: the bench pays for formatting and
    // writing, not for a disk), new traces sampled at the production default of 5%.
    LOG_LEVEL: 'info',
    OTEL_TRACES_SAMPLER_ARG: '0.05',
    RATE_LIMIT_PER_MINUTE: '1000000',
    SHUTDOWN_DEADLINE_MS: '3000',
    // As the container image runs it (runtime/Dockerfile).
    NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=16',
    ...(redis ? { REDIS_URL: ctx.stores.redis!.url } : {}),
    ...(postgres ? { DATABASE_URL: ctx.stores.postgres!.url } : { DATABASE_MODE: 'off' }),
  };
}

/** A fresh runtime process on empty stores: `node [--cpu-prof ...] runtime/dist/main.js`. */
export async function startRuntime(ctx: BenchContext, name: string, nodeArgs: string[] = [], l1Only = false): Promise<Server> {
  await ctx.stores.reset();
  const port = await freePort();
  const server = await startNodeServer({
    name,
    args: [...nodeArgs, join(ctx.repo, 'runtime', 'dist', 'main.js')],
    env: runtimeEnv(ctx, port, l1Only),
    port,
    readyPath: '/readyz',
    cwd: ctx.repo,
  });
  // Redis connects in the background; wait for it so L2 is in play from the first turn.
  if (ctx.stores.redis && !l1Only) {
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      const report = (await (await fetch(`${server.url}/readyz`)).json()) as { degradations?: string[] };
      if (!report.degradations?.includes('redis-disconnected')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return server;
}

export interface AllResults {
  readonly scenarios: ScenarioResult[];
  /** Redis GET latency measured beside each (d) round (redis-probe.ts). */
  readonly redisProbes?: ProbeResult[];
  readonly profile?: ProfileSummary;
}

export async function runAll(ctx: BenchContext): Promise<AllResults> {
  const s = ctx.settings;
  const out: ScenarioResult[] = [];
  const withMetrics = (r: ScenarioResult, m: Samples): ScenarioResult => ({ ...r, runtimeMetrics: summarize(m) });

  ctx.log('starting (a) bare node:http and (b) naive Express');
  const bare = await startBare(ctx);
  const naive = await startNaive(ctx);

  ctx.log(`warm-up (discarded): ${s.warmupSeconds} s each of (a) and (b)`);
  await load(ctx, 'warmup-a', bare, ctx.realistic, { seconds: s.warmupSeconds });
  await load(ctx, 'warmup-b', naive, ctx.realistic, { seconds: s.warmupSeconds });

  ctx.log('measuring');
  out.push(
    await measured(ctx, 'b', '(b) naive Express, 2 calls/turn', 'realistic', async () => [
      await load(ctx, 'b', naive, ctx.realistic, { seconds: s.durationSeconds }),
    ]),
  );
  out.push(
    await measured(ctx, 'b-norep', '(b) naive Express, no repetition', 'no-repetition', async () => [
      await load(ctx, 'b-norep', naive, ctx.noRepetition, { seconds: s.durationSeconds }),
    ]),
  );
  await stop(naive);

  // (c) then (d) on the same process; (d) alternates with (a) so machine noise hits both.
  let runtime = await startRuntime(ctx, '(c) runtime, cold');
  const atStart = await scrapeMetrics(runtime.url);
  const cold = await measured(ctx, 'c', '(c) ours, cold cache', 'realistic', async () => [
    await load(ctx, 'c', runtime, ctx.realistic, { amount: ctx.realistic.reduce((n, c) => n + c.turns.length, 0) }),
  ]);
  const afterCold = await scrapeMetrics(runtime.url);
  out.push(withMetrics(cold, diff(afterCold, atStart)));

  const aRuns: LoadResult[] = [];
  const dRuns: LoadResult[] = [];
  await settle();
  const warmBefore = await ctx.fake.snapshot();
  const probes: ProbeResult[] = [];
  for (let round = 0; round < s.rounds; round++) {
    aRuns.push(await load(ctx, 'a', bare, ctx.realistic, { seconds: s.durationSeconds }));
    const probe = ctx.stores.redis ? await probeRedis(ctx.stores.redis.url) : undefined;
    dRuns.push(await load(ctx, 'd', runtime, ctx.realistic, { seconds: s.durationSeconds }));
    if (probe) probes.push(await probe.stop());
  }
  for (const p of probes) {
    ctx.log(
      `  Redis GET latency during (d), from a busy client: ${p.samples} samples, p50 ${p.p50Ms.toFixed(1)} ms, ` +
        `p99 ${p.p99Ms.toFixed(1)} ms, max ${p.maxMs.toFixed(1)} ms (REDIS_TIMEOUT_MS default 500)`,
    );
  }
  // Side by side, round by round: the machine's noise shows as the spread of these ratios.
  aRuns.forEach((ar, i) =>
    ctx.log(
      `  round ${i + 1}: (a) ${ar.requestsPerSecond.toFixed(0)} req/s, (d) ${dRuns[i].requestsPerSecond.toFixed(0)} req/s: ` +
        `${(dRuns[i].requestsPerSecond / ar.requestsPerSecond).toFixed(2)}x`,
    ),
  );
  await settle();
  const afterWarm = await scrapeMetrics(runtime.url);
  const warmUsage = usageBetween(warmBefore, await ctx.fake.snapshot());
  const a = await measured(ctx, 'a', '(a) bare node:http (ceiling)', 'realistic', async () => aRuns);
  const d = combine(dRuns);
  const warm: ScenarioResult = {
    id: 'd',
    name: '(d) ours, warm cache',
    sequence: 'realistic',
    load: d,
    rounds: dRuns.length,
    nlp: warmUsage,
    callsPer1k: per1k(warmUsage.calls, d.turns),
    unitsPer1k: per1k(warmUsage.billedUnits, d.turns),
    runtimeMetrics: summarize(diff(afterWarm, afterCold)),
  };
  ctx.log(
    `  d          ${d.turns} turns in ${d.seconds.toFixed(1)} s: ${d.requestsPerSecond.toFixed(0)} req/s, p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms, ${warmUsage.calls} NLP calls`,
  );
  out.unshift(a);
  out.push(warm);
  await stop(runtime);
  await stop(bare);

  runtime = await startRuntime(ctx, '(c) runtime, cold, no repetition');
  const norepStart = await scrapeMetrics(runtime.url);
  const norep = await measured(ctx, 'c-norep', '(c) ours, cold, no repetition', 'no-repetition', async () => [
    await load(ctx, 'c-norep', runtime, ctx.noRepetition, { amount: ctx.noRepetition.reduce((n, c) => n + c.turns.length, 0) }),
  ]);
  out.push(withMetrics(norep, diff(await scrapeMetrics(runtime.url), norepStart)));
  await stop(runtime);

  await ctx.fake.setOutage(true);
  try {
    runtime = await startRuntime(ctx, '(e) runtime, NL down');
    const downStart = await scrapeMetrics(runtime.url);
    const down = await measured(ctx, 'e', '(e) ours, NL down (outage)', 'realistic', async () => [
      await load(ctx, 'e', runtime, ctx.realistic, { seconds: s.durationSeconds }),
    ]);
    out.push(withMetrics(down, diff(await scrapeMetrics(runtime.url), downStart)));
    await stop(runtime);
  } finally {
    await ctx.fake.setOutage(false);
  }

  // Diagnostic: the warm scenario without the remote tiers (no Redis, no Postgres: no rate-limit,
  // idempotency or cache round trips, no turn-event writes), to show what they cost per turn.
  if (ctx.stores.redis || ctx.stores.postgres) {
    runtime = await startRuntime(ctx, 'runtime, L1 only', [], true);
    await load(ctx, 'd-l1-cold', runtime, ctx.realistic, { amount: ctx.realistic.reduce((n, c) => n + c.turns.length, 0) });
    const l1Start = await scrapeMetrics(runtime.url);
    const l1 = await measured(ctx, 'd-l1only', '(d) ours, warm, L1 only (diagnostic)', 'realistic', async () => [
      await load(ctx, 'd-l1only', runtime, ctx.realistic, { seconds: s.durationSeconds }),
    ]);
    out.push(withMetrics(l1, diff(await scrapeMetrics(runtime.url), l1Start)));
    await stop(runtime);
  }

  let profile: ProfileSummary | undefined;
  if (s.profile) profile = await profileWarm(ctx);
  const order = ['a', 'b', 'b-norep', 'c', 'c-norep', 'd', 'e', 'd-l1only'];
  return { scenarios: order.map((id) => out.find((r) => r.id === id)!).filter(Boolean), profile, redisProbes: probes };
}

/** (d) again, on a runtime under `node --cpu-prof`, stopped with SIGTERM so V8 writes the profile. */
async function profileWarm(ctx: BenchContext): Promise<ProfileSummary> {
  const dir = trackTempDir(mkdtempSync(join(tmpdir(), 'bench-runtime-prof-')));
  ctx.log(`profiling the warm scenario (node --cpu-prof, ${ctx.settings.durationSeconds} s after a cold pass)`);
  const runtime = await startRuntime(ctx, 'runtime under --cpu-prof', ['--cpu-prof', '--cpu-prof-dir', dir]);
  await load(ctx, 'prof-cold', runtime, ctx.realistic, { amount: ctx.realistic.reduce((n, c) => n + c.turns.length, 0) });
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const r = await load(ctx, 'prof-warm', runtime, ctx.realistic, { seconds: ctx.settings.durationSeconds });
  const toUs = Number(process.hrtime.bigint() / 1000n);
  ctx.log(`  profiled warm run: ${r.requestsPerSecond.toFixed(0)} req/s (slower than (d): the profiler samples every 1 ms)`);
  const code = await stop(runtime, 15_000);
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`the profiled runtime exited (${code}) without writing a .cpuprofile into ${dir}`);
  return summarizeProfile(join(dir, files[0]), { fromUs, toUs });
}
