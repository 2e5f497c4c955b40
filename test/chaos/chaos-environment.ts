/**
 * Everything a chaos run starts, once for the whole suite: real Redis and Postgres servers, the
 * fake Natural Language server (gRPC, own process), a real Toxiproxy with one proxy in front of
 * each of the three, and two runtime instances that reach their dependencies only through the
 * proxies. Logs go to one directory, named in every failure message.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { FakeNl } from '../bench/runtime/fake-nl';
import { onCleanup } from '../bench/runtime/processes';
import { PostgresServer, RedisServer, freePort } from '../runtime/support/local-servers';
import { RuntimeInstance } from './runtime-instance';
import { ToxiproxyServer, startToxiproxy } from './toxiproxy-server';

export type Dependency = 'redis' | 'postgres' | 'nlp';
export const DEPENDENCIES: readonly Dependency[] = ['redis', 'postgres', 'nlp'];

/**
 * The runtime's configuration in the suite. Production mode (shared-secret auth, Postgres
 * required) as deployed; a tighter turn budget than the 4.5 s default so a stall shows in
 * seconds; breakers that try again after 2 s, so recovery fits a short settle period; a small L1
 * so the memory check sees leaks rather than a filling cache.
 */
export const RUNTIME_SETTINGS = {
  WEBHOOK_BUDGET_MS: 3_000,
  NLP_DEADLINE_MS: 1_000,
  BREAKER_FAILURES_TO_OPEN: 5,
  BREAKER_HALF_OPEN_MS: 2_000,
  SHUTDOWN_DEADLINE_MS: 5_000,
  CACHE_L1_MAX_BYTES: 4 * 1024 * 1024,
} as const;

export interface ChaosEnvironment {
  readonly repo: string;
  readonly logDir: string;
  readonly redis: RedisServer;
  readonly postgres: PostgresServer;
  readonly nl: FakeNl;
  readonly toxiproxy: ToxiproxyServer;
  /** Toxiproxy proxy name per dependency. */
  readonly proxies: Record<Dependency, string>;
  readonly instances: readonly RuntimeInstance[];
  /** Sent on every request (AUTH_MODE=shared-secret). */
  readonly secret: string;
}

export async function startEnvironment(repo: string, log: (line: string) => void): Promise<ChaosEnvironment> {
  const logDir = mkdtempSync(join(tmpdir(), 'convai-chaos-'));
  log(`logs: ${logDir}`);
  const [redis, postgres, nl, toxiproxy] = await Promise.all([
    RedisServer.start(),
    PostgresServer.start(),
    FakeNl.start(0, repo),
    startToxiproxy(repo, logDir),
  ]);
  onCleanup(() => redis.stop());
  onCleanup(() => postgres.destroy());
  onCleanup(() => nl.stop());

  const proxies: Record<Dependency, string> = { redis: 'redis', postgres: 'postgres', nlp: 'nlp' };
  const upstream: Record<Dependency, number> = { redis: redis.port, postgres: postgres.port, nlp: nl.port };
  const listen = {} as Record<Dependency, number>;
  for (const dependency of DEPENDENCIES) {
    // A fixed port, so a disabled and re-enabled proxy comes back where the runtime looks for it.
    listen[dependency] = await freePort();
    await toxiproxy.client.createProxy(proxies[dependency], `127.0.0.1:${listen[dependency]}`, `127.0.0.1:${upstream[dependency]}`);
  }

  const secret = randomBytes(24).toString('base64url');
  const env = (name: string): Record<string, string> => ({
    NODE_ENV: 'production',
    AUTH_MODE: 'shared-secret',
    WEBHOOK_SHARED_SECRET: secret,
    WEBHOOK_REGION: `chaos-${name}`,
    LOG_LEVEL: 'info',
    NLP_MODE: 'google',
    NLP_API_ENDPOINT: '127.0.0.1',
    NLP_API_PORT: String(listen.nlp),
    NLP_INSECURE: 'true',
    REDIS_URL: `redis://127.0.0.1:${listen.redis}`,
    DATABASE_URL: `postgres://postgres@127.0.0.1:${listen.postgres}/postgres`,
    OTEL_TRACES_SAMPLER_ARG: '0',
    ...Object.fromEntries(Object.entries(RUNTIME_SETTINGS).map(([k, v]) => [k, String(v)])),
  });
  const instances = [await RuntimeInstance.create(repo, 'a', env('a'), logDir), await RuntimeInstance.create(repo, 'b', env('b'), logDir)];
  // One after the other: the second waits on the first's migration lock anyway.
  for (const instance of instances) await instance.start();
  return { repo, logDir, redis, postgres, nl, toxiproxy, proxies, instances, secret };
}

/**
 * Empty the shared cache tiers (Redis L2, the Postgres L3 table), directly rather than through the
 * proxies. Between scenarios: the replay wraps around the corpus in a full run, and a turn answered
 * from L2 never reaches Postgres or Natural Language — a fault there would then go unexercised.
 */
export async function emptySharedCaches(env: ChaosEnvironment): Promise<void> {
  const redis = createClient({ url: env.redis.url });
  await redis.connect();
  try {
    await redis.flushAll();
  } finally {
    await redis.quit();
  }
  await env.postgres.sql('TRUNCATE nlp_cache_entries');
}
