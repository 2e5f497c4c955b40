import { GoogleLanguageAnalyzer } from '../../runtime/src/nlp/google-analyzer';
import { FakeLanguageServer } from './support/fake-language-server';
import { PostgresServer, RedisServer, waitFor } from './support/local-servers';
import { TestRuntime, cxRequest, metricValue, replyParameters, scrape, startRuntime } from './support/runtime-harness';

/**
 * A dependency that hangs is not one that is down: a stopped Redis or Postgres (SIGSTOP) keeps
 * its TCP connections open and the kernel keeps accepting bytes, so no error ever arrives. Only
 * deadlines on every call, and breakers that count their expiry, keep turns inside Dialogflow's
 * budget. Real servers, a production configuration, a stream of turns from several callers.
 */
const SECRET = 'hung-dependency test secret 0123456789';
/** The default turn budget (Dialogflow waits 5 s; 500 ms are left for the network). */
const BUDGET_MS = 4_500;

interface TurnResult {
  readonly status: number;
  readonly ms: number;
  readonly degraded: boolean;
}

describe('a hung dependency never holds a turn past the budget', () => {
  let fake: FakeLanguageServer;
  let redis: RedisServer;
  let postgres: PostgresServer;
  const runtimes: TestRuntime[] = [];

  beforeAll(async () => {
    [fake, redis, postgres] = await Promise.all([FakeLanguageServer.start(), RedisServer.start(), PostgresServer.start()]);
  });
  afterAll(async () => {
    redis.thaw();
    postgres.thaw();
    await Promise.all(runtimes.map((r) => r.close(500)));
    await Promise.all([fake.stop(), redis.stop(), postgres.destroy()]);
  });

  async function productionRuntime(): Promise<TestRuntime> {
    const rt = await startRuntime(
      {
        NODE_ENV: 'production',
        AUTH_MODE: 'shared-secret',
        WEBHOOK_SHARED_SECRET: SECRET,
        REDIS_URL: redis.url,
        DATABASE_URL: postgres.url,
        RATE_LIMIT_PER_MINUTE: '100000',
        BREAKER_HALF_OPEN_MS: '1000',
      },
      { analyzer: new GoogleLanguageAnalyzer(fake.clientOptions()) },
    );
    runtimes.push(rt);
    await waitFor(() => rt.redis?.isReady === true, 'redis connected', 10_000);
    return rt;
  }

  let counter = 0;
  async function turn(rt: TestRuntime): Promise<TurnResult> {
    counter += 1;
    // A new text every time: each turn misses L1 and reads L2 and L3 before calling the API.
    const body = cxRequest(`turn ${counter}: why was my card declined at the station`, 'enrich');
    const started = Date.now();
    const res = await rt.post('/webhook/cx', body, { 'x-webhook-secret': SECRET });
    const ms = Date.now() - started;
    const text = await res.text();
    const degraded = res.status === 200 ? replyParameters(JSON.parse(text)).webhook_degraded === true : true;
    return { status: res.status, ms, degraded };
  }

  /** `callers` concurrent callers sending turns back to back for `durationMs`. */
  async function stream(rt: TestRuntime, durationMs: number, callers = 4): Promise<TurnResult[]> {
    const results: TurnResult[] = [];
    const end = Date.now() + durationMs;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (Date.now() < end) results.push(await turn(rt));
      }),
    );
    return results;
  }

  async function readiness(rt: TestRuntime): Promise<{ status: number; degradations: string[] }> {
    const res = await rt.app.request('/readyz');
    return { status: res.status, degradations: ((await res.json()) as { degradations: string[] }).degradations };
  }

  function expectInsideBudget(results: TurnResult[]): void {
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    const slowest = Math.max(...results.map((r) => r.ms));
    expect(slowest).toBeLessThan(BUDGET_MS);
  }

  test.each([
    ['redis', () => redis],
    ['postgres', () => postgres],
  ] as const)(
    '%s stopped (SIGSTOP) under a stream of turns: every reply 200 inside the budget, the breaker opens, and closes after SIGCONT',
    async (name, server) => {
      const rt = await productionRuntime();
      expectInsideBudget(await stream(rt, 500));

      server().freeze();
      let during: TurnResult[];
      try {
        during = await stream(rt, 4_000);
        expect(rt.guards[name]!.state).toBe('open');
        expect(metricValue(await scrape(rt), 'breaker_state', { dependency: name })).toBe(2);
        const ready = await readiness(rt);
        expect(ready.status).toBe(200);
        expect(ready.degradations).toContain(`${name}-breaker-open`);
      } finally {
        server().thaw();
      }
      const sorted = during.map((r) => r.ms).sort((a, b) => a - b);
      process.stdout.write(
        `${name} stopped: ${during.length} turns, median ${sorted[sorted.length >> 1]} ms, slowest ${sorted[sorted.length - 1]} ms\n`,
      );
      expectInsideBudget(during);
      // The API still answered every turn: a cache tier's outage costs money, not the reply.
      expect(during.filter((r) => r.degraded)).toEqual([]);

      // Turns keep coming; the breaker's trial call succeeds once the peer answers, and the tier is used again.
      await waitFor(async () => (await turn(rt)).status === 200 && rt.guards[name]!.state === 'closed', `${name} breaker closed`, 15_000);
      const after = await stream(rt, 500);
      expectInsideBudget(after);
      expect(after.filter((r) => r.degraded)).toEqual([]);
      expect((await readiness(rt)).degradations.filter((d) => d.startsWith(name))).toEqual([]);
      const tier = name === 'redis' ? 'l2' : 'l3';
      const misses = metricValue(await scrape(rt), 'cache_requests_total', { tier, result: 'miss' });
      await turn(rt);
      expect(metricValue(await scrape(rt), 'cache_requests_total', { tier, result: 'miss' })).toBe(misses + 1);
    },
  );
});
