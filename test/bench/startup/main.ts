/**
 * `npm run bench:startup -- [--runs 5] [--idle 5s] [--production-like]`
 *
 * Start-up: starts `node runtime/dist/main.js` as `npm start` does (embedded defaults unless the
 * environment configures otherwise: DATABASE_URL, REDIS_URL, … pass through), polls /readyz every
 * 10 ms from the moment of spawn until it answers 200, then samples the resident memory of the
 * process tree at ready and after an idle period. Several runs, since one start on a shared
 * machine says little. Targets (issue 16): embedded defaults ready in ≤ 3 s at ≤ 200 MB idle.
 *
 * `--production-like`: the configuration of a Cloud Run instance instead — a real Postgres
 * (DATABASE_URL) and a real redis-server (REDIS_URL) started for the run, the Google Natural
 * Language client (NLP_MODE=google) pointed at the local fake gRPC server, ID-token auth on, logs at
 * info. Target: ready in ≤ 1 s. Run 1 meets an empty database and applies the migrations, as the
 * first instance of a new deployment does; later runs find them applied, as every other start does.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cpuSeconds, treeRssBytes } from '../soak/process-memory';
import { PostgresServer, RedisServer, freePort } from '../../runtime/support/local-servers';
import { FakeNl } from '../runtime/fake-nl';
import { cleanupAll, onCleanup } from '../runtime/processes';

const ROOT = join(__dirname, '../../../..');
const MAIN = join(ROOT, 'runtime/dist/main.js');

interface Run {
  readonly readyMs: number;
  /** CPU the process used until ready: unlike wall time, barely moved by other load on the machine. */
  readonly cpuMs: number;
  readonly rssAtReadyMb: number;
  readonly rssIdleMb: number;
  /** Degradations /readyz reported at the first 200 (e.g. the schema check still running). */
  readonly degradations: string[];
  /** When /readyz first reported no degradation at all; undefined if it never did within 30 s. */
  readonly settledMs?: number;
}

interface Readiness {
  readonly degradations: string[];
}

/** /readyz's body once it answers 200; undefined before (not listening yet, or not ready). */
function readiness(url: string): Promise<Readiness | undefined> {
  return fetch(`${url}/readyz`).then(
    async (r) => (r.status === 200 ? ((await r.json()) as Readiness) : undefined),
    () => undefined,
  );
}

/** `settle`: also wait for /readyz to report no degradation (the production-like run; embedded defaults always report some). */
async function once(idleMs: number, extraEnv: Record<string, string>, settle: boolean): Promise<Run> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    let ready = await readiness(url);
    while (!ready) {
      if (child.exitCode !== null) throw new Error(`the runtime exited with ${child.exitCode} before it was ready`);
      if (performance.now() - started > 60_000) throw new Error('the runtime was not ready within 60 s');
      await new Promise((r) => setTimeout(r, 10));
      ready = await readiness(url);
    }
    const readyMs = performance.now() - started;
    const cpuMs = cpuSeconds(child.pid!) * 1000;
    const rssAtReady = treeRssBytes(child.pid!);
    let latest: Readiness | undefined = ready;
    while (settle && latest?.degradations.length !== 0 && performance.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 10));
      latest = await readiness(url);
    }
    const settledMs = settle && latest?.degradations.length === 0 ? performance.now() - started : undefined;
    await new Promise((r) => setTimeout(r, idleMs));
    return {
      settledMs,
      readyMs,
      cpuMs,
      rssAtReadyMb: rssAtReady / 1048576,
      rssIdleMb: treeRssBytes(child.pid!) / 1048576,
      degradations: ready.degradations,
    };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
  };
  const runs = Number(arg('runs', '5'));
  const idleMs = Number(/^(\d+)s$/.exec(arg('idle', '5s'))?.[1] ?? NaN) * 1000;
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error('--runs must be a whole number from 1 to 50');
  if (!Number.isFinite(idleMs) || idleMs > 600_000) throw new Error('--idle must look like 5s (at most 600s)');
  const productionLike = args.includes('--production-like');
  const env = productionLike ? await productionLikeEnv() : {};
  console.log(
    productionLike
      ? 'production-like: external Postgres and Redis, Google NL client (local fake), ID-token auth, LOG_LEVEL=info; target ready <= 1000 ms'
      : 'embedded defaults (as `npm start`); targets ready <= 3000 ms, idle RSS <= 200 MB',
  );
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await once(idleMs, env, productionLike);
    results.push(r);
    console.log(
      `run ${i + 1}: ready ${Math.round(r.readyMs)} ms (${Math.round(r.cpuMs)} ms CPU), RSS ${r.rssAtReadyMb.toFixed(0)} MB at ready, ${r.rssIdleMb.toFixed(0)} MB idle ` +
        `(${r.degradations.join(', ') || 'no degradations'}${productionLike && r.degradations.length ? ` at ready, none from ${r.settledMs === undefined ? 'never (30 s)' : `${Math.round(r.settledMs)} ms`}` : ''})`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ready = results.map((r) => r.readyMs);
  const idle = results.map((r) => r.rssIdleMb);
  const cpu = results.map((r) => r.cpuMs);
  console.log(
    `median ready ${Math.round(median(ready))} ms (min ${Math.round(Math.min(...ready))}, max ${Math.round(Math.max(...ready))}), ` +
      `median CPU to ready ${Math.round(median(cpu))} ms; ` +
      `median idle RSS ${median(idle).toFixed(0)} MB (max ${Math.max(...idle).toFixed(0)}); load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`,
  );
}

/** The stores and settings of a Cloud Run instance, started here (stopped by cleanupAll). */
async function productionLikeEnv(): Promise<Record<string, string>> {
  const [redis, postgres, nl] = await Promise.all([RedisServer.start(), PostgresServer.start(), FakeNl.start(25, ROOT)]);
  onCleanup(() => redis.stop());
  onCleanup(() => postgres.destroy());
  onCleanup(() => nl.stop());
  return {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    NLP_MODE: 'google',
    NLP_API_ENDPOINT: '127.0.0.1',
    NLP_API_PORT: String(nl.port),
    NLP_INSECURE: 'true',
    AUTH_MODE: 'google-id-token',
    AUTH_AUDIENCE: 'https://webhook.example.com',
    AUTH_ALLOWED_PRINCIPALS: 'service-123456789@gcp-sa-dialogflow.iam.gserviceaccount.com',
    // Production declared as Cloud Run declares it, so the production rules of config.ts apply.
    K_SERVICE: 'convai-webhook',
    // No network here for Cloud Trace; its exporter is created at start but sends nothing until a span ends.
    TRACE_EXPORTER: 'none',
    LOG_LEVEL: 'info',
  };
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
