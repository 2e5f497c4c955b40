import { createClient } from 'redis';
import { GoogleLanguageAnalyzer } from '../../runtime/src/nlp/google-analyzer';
import { FakeLanguageServer } from './support/fake-language-server';
import { PostgresServer, RedisServer, waitFor } from './support/local-servers';
import { TestRuntime, cxRequest, metricValue, replyParameters, scrape, startRuntime, validReply } from './support/runtime-harness';

/**
 * The shared tiers against real servers: Redis (L2) and Postgres (L3, turn log), started from
 * the system packages, stopped and restarted mid-run to simulate outages.
 */
describe('tiered cache and durable writes with real Redis and Postgres', () => {
  let fake: FakeLanguageServer;
  let redis: RedisServer;
  let postgres: PostgresServer;
  const runtimes: TestRuntime[] = [];

  beforeAll(async () => {
    [fake, redis, postgres] = await Promise.all([FakeLanguageServer.start(), RedisServer.start(), PostgresServer.start()]);
  });
  afterAll(async () => {
    await Promise.all(runtimes.map((r) => r.close(500)));
    await Promise.all([fake.stop(), redis.stop(), postgres.destroy()]);
  });

  async function instance(env: Record<string, string> = {}): Promise<TestRuntime> {
    const rt = await startRuntime(
      {
        REDIS_URL: redis.url,
        DATABASE_URL: postgres.url,
        NLP_DEADLINE_MS: '500',
        WEBHOOK_BUDGET_MS: '2000',
        BREAKER_HALF_OPEN_MS: '300',
        RATE_LIMIT_PER_MINUTE: '10000',
        ...env,
      },
      {
        analyzer: new GoogleLanguageAnalyzer(fake.clientOptions()),
        registerHandlers: (r) => r.register('open-ticket', { handle: () => ({ messages: [`ticket ${Math.random()}`] }) }),
      },
    );
    runtimes.push(rt);
    await waitFor(() => rt.redis?.isReady === true, 'redis connected', 10_000);
    return rt;
  }

  const sql = <T = any>(query: string, params: unknown[] = []) => postgres.sql<T>(query, params);

  const ask = async (rt: TestRuntime, text: string) =>
    replyParameters(await validReply(await rt.post('/webhook/cx', cxRequest(text, 'enrich')), 'cx'));

  test('a second instance is served from Redis (L2): no new API call', async () => {
    fake.reset();
    const a = await instance();
    const b = await instance();
    const first = await ask(a, 'Can I get a replacement card sent abroad?');
    const second = await ask(b, 'Can I get a replacement card sent abroad?');
    expect(fake.stats.totalCalls).toBe(1);
    expect(second.nlp_sentiment_score).toBe(first.nlp_sentiment_score);
    expect(metricValue(await scrape(b), 'cache_requests_total', { tier: 'l2', result: 'hit' })).toBe(1);
  });

  test('entries survive a Redis flush and a redeploy in Postgres (L3), written behind the reply', async () => {
    fake.reset();
    const a = await instance();
    await ask(a, 'What is the exchange rate for my transfer to Japan?');
    await waitFor(() => a.queues.every((q) => q.pending === 0), 'write queues flushed', 10_000);
    const rows = await sql('SELECT count(*)::int AS n FROM nlp_cache_entries');
    expect(rows[0].n).toBeGreaterThan(0);

    const flush = createClient({ url: redis.url });
    await flush.connect();
    await flush.flushAll();
    await flush.quit();
    const redeployed = await instance();
    await ask(redeployed, 'What is the exchange rate for my transfer to Japan?');
    expect(fake.stats.totalCalls).toBe(1);
    expect(metricValue(await scrape(redeployed), 'cache_requests_total', { tier: 'l3', result: 'hit' })).toBe(1);
  });

  test('Redis down: only L2 is skipped; replies keep coming, not degraded; L2 is used again when Redis returns', async () => {
    const rt = await instance();
    await redis.stop();
    try {
      const params = await ask(rt, 'Redis outage question about my pending top up');
      expect(params.webhook_degraded).toBe(false);
      const metrics = await scrape(rt);
      expect(metricValue(metrics, 'cache_requests_total', { tier: 'l2', result: 'error' })).toBeGreaterThan(0);
      expect(metricValue(metrics, 'cache_requests_total', { tier: 'l3' })).toBeGreaterThan(0);
    } finally {
      await redis.resume();
    }
    await waitFor(() => rt.redis?.isReady === true, 'redis connected', 10_000);
    await new Promise((r) => setTimeout(r, 350)); // breaker half-open window
    const before = metricValue(await scrape(rt), 'cache_requests_total', { tier: 'l2', result: 'miss' });
    await ask(rt, 'A new question after Redis came back about card limits');
    expect(metricValue(await scrape(rt), 'cache_requests_total', { tier: 'l2', result: 'miss' })).toBe(before + 1);
  });

  test('Postgres down mid-run: turns are answered, turn events queue up, and all arrive exactly once when it returns', async () => {
    const rt = await instance();
    await rt.post('/webhook/cx', cxRequest('warm up the pool before the outage', 'default'));
    await waitFor(() => rt.queues.every((q) => q.pending === 0), 'write queues flushed', 10_000);
    const sessions = `outage-${Date.now()}`;
    const turns = 25;
    await postgres.stop();
    try {
      for (let i = 0; i < turns; i++) {
        const res = await rt.post(
          '/webhook/cx',
          cxRequest(`turn ${i} during the database outage`, 'default', { sessionInfo: { session: `${sessions}/${i}` } }),
        );
        expect(res.status).toBe(200);
      }
      await new Promise((r) => setTimeout(r, 500));
      expect(rt.queues.find((q) => q.name === 'turn-events')!.pending).toBe(turns);
    } finally {
      await postgres.resume();
    }
    await waitFor(() => rt.queues.every((q) => q.pending === 0), 'write queues flushed', 20_000);
    const rows = await sql<{ n: number; distinct_ids: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids FROM turn_events WHERE session_id LIKE $1',
      [`${sessions}/%`],
    );
    expect(rows[0]).toEqual({ n: turns, distinct_ids: turns });
  });

  test('rate limits and idempotency are shared across instances through Redis', async () => {
    const a = await instance({ RATE_LIMIT_PER_MINUTE: '3' });
    const b = await instance({ RATE_LIMIT_PER_MINUTE: '3' });
    const session = { sessionInfo: { session: `projects/p/locations/l/agents/a/sessions/shared-${Date.now()}` } };
    const statuses: number[] = [];
    for (const rt of [a, b, a, b]) statuses.push((await rt.post('/webhook/cx', cxRequest('hello again there', 'default', session))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    // A Dialogflow retry that lands on another instance replays the first instance's reply.
    const retried = cxRequest('Please open a ticket for my missing refund', 'open-ticket');
    const first = await (await a.post('/webhook/cx', retried)).text();
    // The reply is stored in Redis in the background; wait until it is there.
    const key = `idem:cx:${retried.detectIntentResponseId}:open-ticket`;
    for (let i = 0; i < 100 && !(await a.redis!.exists(key)); i++) await new Promise((r) => setTimeout(r, 20));
    const second = await (await b.post('/webhook/cx', retried)).text();
    expect(second).toBe(first);
  });

  test('turn events are stored redacted, in the monthly partition', async () => {
    const rt = await instance();
    const session = `pii-${Date.now()}`;
    await rt.post(
      '/webhook/cx',
      cxRequest('my card 4111 1111 1111 1111 and email bob@example.com', 'default', { sessionInfo: { session } }),
    );
    await waitFor(() => rt.queues.every((q) => q.pending === 0), 'write queues flushed', 10_000);
    const rows = await sql('SELECT tableoid::regclass::text AS partition, text_redacted FROM turn_events WHERE session_id = $1', [session]);
    const now = new Date();
    expect(rows).toEqual([
      {
        partition: `turn_events_${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`,
        text_redacted: 'my card [CARD] and email [EMAIL]',
      },
    ]);
  });
});
