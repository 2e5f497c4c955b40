import { status } from '@grpc/grpc-js';
import { GoogleLanguageAnalyzer } from '../../runtime/src/nlp/google-analyzer';
import { FakeLanguageServer } from './support/fake-language-server';
import { TestRuntime, cxRequest, metricValue, replyParameters, scrape, startRuntime, validReply } from './support/runtime-harness';

/**
 * The real @google-cloud/language v2 client against a local fake of the Natural Language gRPC
 * service: features requested, deadlines, retries, breaker, fallback, call reduction, billing.
 */
describe('Natural Language enrichment', () => {
  let fake: FakeLanguageServer;
  let runtime: TestRuntime;
  let analyzer: GoogleLanguageAnalyzer;

  beforeAll(async () => {
    fake = await FakeLanguageServer.start();
  });
  afterAll(() => fake.stop());

  beforeEach(async () => {
    fake.reset();
    analyzer = new GoogleLanguageAnalyzer(fake.clientOptions(), 'language-v2');
    runtime = await startRuntime(
      {
        NLP_DEADLINE_MS: '300',
        WEBHOOK_BUDGET_MS: '2000',
        BREAKER_FAILURES_TO_OPEN: '3',
        BREAKER_HALF_OPEN_MS: '400',
        RATE_LIMIT_PER_MINUTE: '10000',
      },
      { analyzer },
    );
  });
  afterEach(() => runtime.close(1000));

  const post = async (text: string, tag: string, extra: Record<string, unknown> = {}) =>
    replyParameters(await validReply(await runtime.post('/webhook/cx', cxRequest(text, tag, extra)), 'cx'));

  test('asks only for the features the tag needs, in the language of the request', async () => {
    const params = await post('Mein Konto wurde gesperrt und ich bin sehr wütend', 'sentiment-escalation', { languageCode: 'de-DE' });
    expect(fake.stats.calls.AnnotateText).toBe(1);
    expect(fake.stats.features.sentiment.calls).toBe(1);
    expect(fake.stats.features.entities.calls + fake.stats.features.classification.calls + fake.stats.features.moderation.calls).toBe(0);
    expect((fake.stats.lastRequest?.request as any).document.languageCode).toBe('de');
    expect(params).toMatchObject({ nlp_analyzer: 'google/language-v2', webhook_degraded: false });
    expect(typeof params.nlp_sentiment_score).toBe('number');
  });

  test('sends the per-call deadline derived from the budget to the server', async () => {
    const before = Date.now();
    await post('Where is my new card? It has been two weeks', 'enrich');
    const deadline = fake.stats.lastDeadlineMs!;
    expect(deadline - before).toBeGreaterThan(0);
    expect(deadline - before).toBeLessThanOrEqual(300 + 200);
  });

  test.each([
    ['DTMF digits', { dtmfDigits: '1234#', text: undefined }, 'input-dtmf'],
    ['an event', { triggerEvent: 'sys.no-input-default', text: undefined }, 'input-event'],
    ['a yes/no reply', { text: 'Yes.' }, 'short-reply'],
    ['a very short text', { text: 'ok?' }, 'too-short'],
  ])('skips %s: no call, no cost', async (_name, overrides, reason) => {
    await post('placeholder', 'enrich', overrides);
    expect(fake.stats.totalCalls).toBe(0);
    expect(metricValue(await scrape(runtime), 'nlp_skipped_total', { reason })).toBe(1);
  });

  test('skips a text repeated in the same session and keeps the earlier analysis', async () => {
    const first = await post('I still have not received my refund', 'sentiment-escalation');
    const again = await post('I still have not received my refund', 'sentiment-escalation', {
      sessionInfo: { session: 'projects/p/locations/l/agents/a/sessions/rep', parameters: first },
    });
    expect(fake.stats.totalCalls).toBe(1);
    expect(again.nlp_negative_turns).toBeGreaterThanOrEqual(first.nlp_negative_turns);
    expect(metricValue(await scrape(runtime), 'nlp_skipped_total', { reason: 'repeat' })).toBe(1);
  });

  test('identical texts in different sessions are served from the L1 cache', async () => {
    for (let i = 0; i < 5; i++) await post('How do I activate my card?', 'enrich');
    expect(fake.stats.totalCalls).toBe(1);
    const metrics = await scrape(runtime);
    expect(metricValue(metrics, 'cache_requests_total', { tier: 'l1', result: 'hit' })).toBe(4);
  });

  test('identical concurrent turns are coalesced into one API call', async () => {
    fake.setLatency(100);
    const replies = await Promise.all(Array.from({ length: 20 }, () => post('Why was my transfer declined today?', 'enrich')));
    expect(fake.stats.totalCalls).toBe(1);
    expect(new Set(replies.map((p) => p.nlp_sentiment_score)).size).toBe(1);
    expect(metricValue(await scrape(runtime), 'nlp_coalesced_total')).toBe(19);
  });

  test('counts billed units per feature (1,000 characters; moderation per 100) and a cost estimate', async () => {
    const text = 'a'.repeat(1_500);
    await analyzer.analyze(text, 'en', ['sentiment'], 500); // warm the channel so the next call is quick
    fake.reset();
    const rt = await startRuntime(
      { NLP_DEADLINE_MS: '800', WEBHOOK_BUDGET_MS: '2000' },
      {
        analyzer,
        registerHandlers: (r) => r.register('moderate', { features: ['sentiment', 'moderation'], handle: () => ({}) }),
      },
    );
    try {
      await validReply(await rt.post('/webhook/cx', cxRequest(`${text} is this allowed`, 'moderate')), 'cx');
      const metrics = await scrape(rt);
      expect(metricValue(metrics, 'nlp_billed_units_total', { feature: 'sentiment' })).toBe(2);
      expect(metricValue(metrics, 'nlp_billed_units_total', { feature: 'moderation' })).toBe(16);
      expect(metricValue(metrics, 'nlp_cost_usd_total')).toBeCloseTo(2 * 0.001 + 16 * 0.0005, 6);
      expect(fake.stats.features.moderation.characters).toBe(1_516);
    } finally {
      await rt.close(1000);
    }
  });

  test('retries are off: an UNAVAILABLE reaches the server once, and the turn falls back to the local analyzer', async () => {
    fake.failWith(status.UNAVAILABLE, 1);
    const params = await post('My card was stolen, please block it now', 'enrich');
    expect(fake.stats.totalCalls).toBe(1);
    expect(params).toMatchObject({
      webhook_degraded: true,
      webhook_degraded_reasons: ['nlp-error'],
      nlp_analyzer: 'local/wink-eng-lite-web-model',
    });
    expect(typeof params.nlp_sentiment_score).toBe('number');
  });

  test('a slow API is abandoned at the deadline; the reply stays inside the budget', async () => {
    fake.setLatency(3_000);
    const started = Date.now();
    const params = await post('Why is there a fee on my statement?', 'enrich');
    // Far below the fake's 3 s: the 300 ms deadline ended the call (margin for a loaded CI machine).
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(params.webhook_degraded_reasons).toEqual(['nlp-timeout']);
  });

  test('an outage opens the breaker: calls stop, replies degrade, readiness reports it without going unready; it closes again on recovery', async () => {
    fake.setOutage(true);
    for (let i = 0; i < 3; i++) await post(`Is the app down right now? attempt ${i}`, 'enrich');
    const callsWhenOpened = fake.stats.totalCalls;
    expect(callsWhenOpened).toBe(3);
    const started = Date.now();
    const params = await post('Is the app down right now? again', 'enrich');
    // No waiting on a dead dependency: an open breaker answers before the 300 ms deadline could pass.
    expect(Date.now() - started).toBeLessThan(300);
    expect(params.webhook_degraded_reasons).toEqual(['nlp-open']);
    expect(fake.stats.totalCalls).toBe(callsWhenOpened);

    const ready = await runtime.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'degraded', degradations: ['auth-disabled', 'nlp-breaker-open'] });
    expect(metricValue(await scrape(runtime), 'breaker_state', { dependency: 'nlp' })).toBe(2);
    expect(runtime.logs.events('nlp.breaker').map((l) => l.state)).toEqual(['open']);

    fake.recover();
    await new Promise((r) => setTimeout(r, 450));
    const healed = await post('Is the app working again now?', 'enrich');
    expect(healed.webhook_degraded).toBe(false);
    expect(runtime.logs.events('nlp.breaker').map((l) => l.state)).toEqual(['open', 'half_open', 'closed']);
    expect(metricValue(await scrape(runtime), 'nlp_calls_total', { feature: 'sentiment', outcome: 'open' })).toBe(1);
  });
});
