/**
 * The shared rate-limit counter against a real redis-server: one script call per batch of
 * requests, exact counts under concurrency, windows that close, and failures that reach every
 * request of the batch (so the limiter falls back) instead of hanging or being lost.
 */
import { RedisClientType, createClient } from 'redis';
import { DependencyGuard } from '../../runtime/src/resilience/dependency-guard';
import { SessionRateLimiter } from '../../runtime/src/security/rate-limiter';
import { SharedWindowCounter } from '../../runtime/src/security/shared-window-counter';
import { RedisServer } from './support/local-servers';

let redis: RedisServer;
let client: RedisClientType;
let admin: RedisClientType;

const guard = () => new DependencyGuard({ name: 'redis', maxConcurrent: 64, timeoutMs: 1_000 });

/**
 * Script calls Redis has run since the last reset (INFO commandstats), refused ones included: an
 * EVALSHA answered NOSCRIPT is a `rejected_calls`, and every call must be one EVALSHA that ran.
 */
async function scriptCalls(): Promise<number> {
  const info = await admin.info('commandstats');
  const stat = (name: string, field: string) => Number(new RegExp(`cmdstat_${name}:[^\\r\\n]*\\b${field}=(\\d+)`).exec(info)?.[1] ?? 0);
  expect({ eval: stat('eval', 'calls'), refused: stat('evalsha', 'rejected_calls') + stat('evalsha', 'failed_calls') }).toEqual({
    eval: 0,
    refused: 0,
  });
  return stat('evalsha', 'calls');
}

beforeAll(async () => {
  redis = await RedisServer.start();
  client = createClient({ url: redis.url, disableOfflineQueue: true }) as RedisClientType;
  admin = createClient({ url: redis.url }) as RedisClientType;
  await Promise.all([client.connect(), admin.connect()]);
});

afterAll(async () => {
  await Promise.all([client?.quit().catch(() => undefined), admin?.quit().catch(() => undefined)]);
  await redis?.stop();
});

beforeEach(async () => {
  // The script loaded (its first call is EVALSHA, NOSCRIPT, then EVAL), so each test counts its own calls only.
  await new SharedWindowCounter(client, guard(), 60_000).count('warm-up');
  await admin.flushAll();
  await admin.configResetStat();
});

test('requests of one loop turn are counted by one script call, each with its own exact count', async () => {
  const counter = new SharedWindowCounter(client, guard(), 60_000);
  const same = await Promise.all(Array.from({ length: 40 }, () => counter.count('s1')));
  expect(same.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  expect(await scriptCalls()).toBe(1);
  for (const c of same) expect(c.resetInMs).toBeGreaterThan(59_000);

  const distinct = await Promise.all(['a', 'b', 'a', 'c'].map((k) => counter.count(k)));
  expect(distinct.map((c) => c.count)).toEqual([1, 1, 2, 1]);
  expect(await scriptCalls()).toBe(2);
  // The keys rate-limiter-flexible used: a rollout counts old and new instances together.
  expect((await admin.keys('rl:*')).sort()).toEqual(['rl:a', 'rl:b', 'rl:c', 'rl:s1']);
});

test('a batch larger than one call allows is split, and nothing is lost', async () => {
  const counter = new SharedWindowCounter(client, guard(), 60_000);
  const counts = await Promise.all(Array.from({ length: 600 }, (_, i) => counter.count(`k${i % 300}`)));
  expect(counts.filter((c) => c.count === 1)).toHaveLength(300);
  expect(counts.filter((c) => c.count === 2)).toHaveLength(300);
  expect(await scriptCalls()).toBe(3); // 256 + 256 + 88
  expect(counter.waiting).toBe(0);
});

test('the window closes: a key expires after it, and a key left without an expiry gets one', async () => {
  const counter = new SharedWindowCounter(client, guard(), 200);
  expect((await counter.count('w')).count).toBe(1);
  expect((await counter.count('w')).count).toBe(2);
  await new Promise((r) => setTimeout(r, 300));
  expect((await counter.count('w')).count).toBe(1);

  await admin.set('rl:stuck', '7'); // e.g. an INCR whose PEXPIRE was lost in a failover
  const stuck = await counter.count('stuck');
  expect(stuck).toEqual({ count: 8, resetInMs: 200 });
  expect(await admin.pTTL('rl:stuck')).toBeGreaterThan(0);
});

test('a Redis that forgot the script (restart, failover, SCRIPT FLUSH) is given it again', async () => {
  const counter = new SharedWindowCounter(client, guard(), 60_000);
  await counter.count('x');
  await admin.scriptFlush();
  expect((await counter.count('x')).count).toBe(2);
});

test('over the limit across "instances": two limiters on one Redis count one session together', async () => {
  const store = { client, guard: guard() };
  const a = new SessionRateLimiter(3, store);
  const b = new SessionRateLimiter(3, store);
  const verdicts = [await a.consume('s'), await b.consume('s'), await a.consume('s'), await b.consume('s')];
  expect(verdicts.slice(0, 3)).toEqual([undefined, undefined, undefined]);
  expect(verdicts[3]).toBeGreaterThanOrEqual(59);
  expect(verdicts[3]).toBeLessThanOrEqual(60);
});

/** A redis-server of its own for a fault test, and a client to it that never reconnects. */
async function withThrowawayRedis(fn: (server: RedisServer, client: RedisClientType) => Promise<void>): Promise<void> {
  const server = await RedisServer.start();
  const client = createClient({ url: server.url, disableOfflineQueue: true, socket: { reconnectStrategy: false } }) as RedisClientType;
  client.on('error', () => undefined);
  await client.connect();
  try {
    await fn(server, client);
  } finally {
    server.thaw();
    await client.disconnect().catch(() => undefined);
    await server.stop();
  }
}

test('a failing Redis rejects every request of the batch, and the limiter counts on the instance instead', () =>
  withThrowawayRedis(async (server, doomed) => {
    const counter = new SharedWindowCounter(doomed, guard(), 60_000);
    await server.stop();
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => counter.count('s')));
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);

    const limiter = new SessionRateLimiter(2, { client: doomed, guard: guard() });
    expect([await limiter.consume('s'), await limiter.consume('s')]).toEqual([undefined, undefined]);
    expect(await limiter.consume('s')).toBeGreaterThan(0);
  }));

test('a hung Redis fails the batch at the guard deadline, not never', () =>
  withThrowawayRedis(async (server, hung) => {
    const counter = new SharedWindowCounter(hung, new DependencyGuard({ name: 'redis', maxConcurrent: 8, timeoutMs: 100 }), 60_000);
    server.freeze();
    const started = Date.now();
    const settled = await Promise.allSettled([counter.count('a'), counter.count('b')]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(Date.now() - started).toBeLessThan(1_000);
  }));
