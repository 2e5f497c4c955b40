import { TestRuntime, cxRequest, esRequest, replyParameters, startRuntime, validReply } from './support/runtime-harness';

describe('webhook protocol (local analyzer, no database)', () => {
  let runtime: TestRuntime;
  let sideEffects = 0;
  beforeAll(async () => {
    runtime = await startRuntime(
      {
        ESCALATE_AFTER_NEGATIVE_TURNS: '2',
        RATE_LIMIT_PER_MINUTE: '1000',
        MAX_BODY_BYTES: '8192',
        WEBHOOK_BUDGET_MS: '600',
        NLP_DEADLINE_MS: '200',
      },
      {
        registerHandlers: (registry) =>
          registry
            .register('count-side-effect', {
              handle: async () => {
                sideEffects += 1;
                await new Promise((r) => setTimeout(r, 30));
                return { messages: [`side effect #${sideEffects}`] };
              },
            })
            .register('huge', {
              features: ['entities'],
              handle: () => ({ messages: Array.from({ length: 40 }, (_, i) => `${i}:${'x'.repeat(3000)}`) }),
            })
            .register('throws', {
              handle: () => {
                throw new Error('bug in an application handler');
              },
            })
            .register('slow', { handle: () => new Promise((r) => setTimeout(() => r({ messages: ['too late'] }), 2_000).unref()) })
            .register('transition', {
              handle: () => ({ messages: ['moving on'], targetPage: 'projects/p/locations/global/agents/a/flows/f/pages/p2' }),
            }),
      },
    );
  });
  afterAll(() => runtime.close(1000));

  test('CX: enrichment lands in session parameters; the reply is a valid WebhookResponse', async () => {
    const reply = await validReply(
      await runtime.post('/webhook/cx', cxRequest('My card payment of $40 to Amazon failed yesterday and I am annoyed', 'enrich')),
      'cx',
    );
    const params = replyParameters(reply);
    expect(params.nlp_sentiment_score).toBeLessThan(0);
    expect(params.nlp_entities).toEqual(expect.arrayContaining([{ name: '$40', type: 'PRICE' }]));
    expect(params.webhook_degraded).toBe(true); // local analyzer only: honest about it
    expect(params.webhook_degraded_reasons).toEqual(['nlp-local-mode']);
  });

  test('CX: sentiment escalation hands over to a human after N negative turns', async () => {
    const first = await validReply(
      await runtime.post('/webhook/cx', cxRequest('This is terrible, I hate this useless bank', 'sentiment-escalation')),
      'cx',
    );
    expect(replyParameters(first).nlp_negative_turns).toBe(1);
    expect(first.fulfillmentResponse.messages).toEqual([]);
    const second = await validReply(
      await runtime.post(
        '/webhook/cx',
        cxRequest('This is awful and terrible, I hate it', 'sentiment-escalation', {
          sessionInfo: { session: 'projects/p/locations/global/agents/a/sessions/angry', parameters: replyParameters(first) },
        }),
      ),
      'cx',
    );
    expect(replyParameters(second)).toMatchObject({ nlp_negative_turns: 2, escalated_to_human: true });
    expect(second.fulfillmentResponse.messages[1].liveAgentHandoff.metadata.reason).toBe('negative-sentiment');
  });

  test('CX: a handler can move the conversation to another page', async () => {
    const reply = await validReply(await runtime.post('/webhook/cx', cxRequest('next please', 'transition')), 'cx');
    expect(reply.targetPage).toBe('projects/p/locations/global/agents/a/flows/f/pages/p2');
  });

  test('ES: replies with fulfillment text/messages and carries parameters in an output context', async () => {
    const reply = await validReply(
      await runtime.post('/webhook/es', esRequest('I sent 250 euros to my landlord on Friday', 'capture-entities')),
      'es',
    );
    expect(reply.outputContexts[0]).toMatchObject({ lifespanCount: 50 });
    expect(reply.outputContexts[0].name).toMatch(/\/contexts\/convai-session$/);
    expect(replyParameters(reply).captured_date).toBe('Friday');
  });

  test('ES: parameters from our context come back as the session parameters of the next turn', async () => {
    const first = await validReply(
      await runtime.post('/webhook/es', esRequest('This app is awful and I am furious', 'sentiment-escalation')),
      'es',
    );
    const request = esRequest('Really terrible service again today', 'sentiment-escalation');
    (request.queryResult as any).outputContexts = first.outputContexts;
    const second = await validReply(await runtime.post('/webhook/es', request), 'es');
    expect(replyParameters(second).nlp_negative_turns).toBe(2);
    expect(second.fulfillmentText).toMatch(/connecting you with a colleague/);
  });

  test('unknown fields in requests are accepted (CX sends undocumented ones)', async () => {
    const res = await runtime.post('/webhook/cx', {
      ...cxRequest('hello there friend'),
      someFutureField: { nested: [1, 2] },
      sentimentAnalysisResult: { score: 0.2 },
    });
    await validReply(res, 'cx');
  });

  test('an unknown tag falls back to the default handler: empty reply, no NLP call, and no new metric label', async () => {
    const reply = await validReply(await runtime.post('/webhook/cx', cxRequest('whatever', 'no-such-tag')), 'cx');
    expect(reply.fulfillmentResponse.messages).toEqual([]);
    expect(replyParameters(reply).nlp_analyzer).toBeUndefined();
    const metrics = await runtime.metrics.registry.metrics();
    expect(metrics).not.toContain('no-such-tag');
    expect(metrics).toMatch(/webhook_requests_total\{tag="unknown",protocol="cx",code="200"\}/);
  });

  test('idempotent on detectIntentResponseId + tag: a retried turn replays the reply without re-running side effects', async () => {
    const request = cxRequest('do the thing', 'count-side-effect');
    const before = sideEffects;
    const [a, b] = await Promise.all([runtime.post('/webhook/cx', request), runtime.post('/webhook/cx', request)]);
    const c = await runtime.post('/webhook/cx', request);
    const bodies = await Promise.all([a.text(), b.text(), c.text()]);
    expect(new Set(bodies).size).toBe(1);
    expect(sideEffects - before).toBe(1);
    // A different tag on the same response id is a different side effect.
    await runtime.post('/webhook/cx', { ...request, fulfillmentInfo: { tag: 'transition' } });
    expect(sideEffects - before).toBe(1);
  });

  test('a reply over 64 KiB is cut down, still valid, and marked degraded', async () => {
    const reply = await validReply(await runtime.post('/webhook/cx', cxRequest('give me everything', 'huge')), 'cx');
    expect(replyParameters(reply).webhook_degraded_reasons).toContain('response-truncated');
  });

  test('a failing handler yields a 200 degraded reply, not a webhook error', async () => {
    const reply = await validReply(await runtime.post('/webhook/cx', cxRequest('boom', 'throws')), 'cx');
    expect(replyParameters(reply)).toMatchObject({ webhook_degraded: true, webhook_degraded_reasons: ['handler-error'] });
  });

  test('a handler slower than the budget is abandoned inside the budget', async () => {
    const started = Date.now();
    const reply = await validReply(await runtime.post('/webhook/cx', cxRequest('wait', 'slow')), 'cx');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(replyParameters(reply).webhook_degraded_reasons).toContain('handler-timeout');
  });

  test.each([
    ['not JSON', 400, '{"text": "unterminated', 'invalid JSON'],
    ['a JSON array', 400, '[1,2,3]', 'invalid request'],
    ['JSON null', 400, 'null', 'invalid request'],
    ['over the body limit', 413, JSON.stringify(cxRequest('x'.repeat(10_000))), 'request body too large'],
  ])('%s → %i with a JSON error', async (_name, status, body, error) => {
    const res = await runtime.post('/webhook/cx', body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as { error: string }).error).toBe(error);
  });

  test('unknown routes answer JSON 404', async () => {
    const res = await runtime.app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found', path: '/nope' });
  });
});

describe('rate limiting per session (in-memory without Redis)', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startRuntime({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => runtime.close(1000));

  test('the 4th call of a session within a minute gets 429 with Retry-After; other sessions are unaffected', async () => {
    const session = { sessionInfo: { session: 'projects/p/locations/l/agents/a/sessions/flood' } };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await runtime.post('/webhook/cx', cxRequest('hi again', 'default', session))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await runtime.post('/webhook/cx', cxRequest('hi again', 'default', session));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await runtime.post('/webhook/cx', cxRequest('hi', 'default'))).status).toBe(200);
  });
});
