import fc from 'fast-check';
import { validateProtoJson } from './support/proto-json';
import { TestRuntime, startRuntime } from './support/runtime-harness';

/**
 * Whatever arrives — malformed, hostile, oversized, mistyped — the webhook answers with a
 * well-formed reply (200, valid against the proto) or a JSON error (4xx); never a 5xx, never
 * a crash, never a non-JSON body.
 */
describe('hostile and malformed bodies (property-based)', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startRuntime({
      MAX_BODY_BYTES: '16384',
      RATE_LIMIT_PER_MINUTE: '1000000',
      WEBHOOK_BUDGET_MS: '1000',
      NLP_DEADLINE_MS: '200',
    });
  });
  afterAll(() => runtime.close(1000));

  async function checkReply(protocol: 'cx' | 'es', body: string): Promise<void> {
    const res = await runtime.post(`/webhook/${protocol}`, body);
    const text = await res.text();
    expect([200, 400, 413]).toContain(res.status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const json = JSON.parse(text);
    if (res.status === 200) expect(validateProtoJson(protocol, 'WebhookResponse', json)).toEqual([]);
    else expect(typeof json.error).toBe('string');
  }

  const protocols = fc.constantFrom<'cx' | 'es'>('cx', 'es');
  const hostileString = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(
      '\u0000',
      '\ud800',
      '<script>alert(1)</script>',
      "'; DROP TABLE turn_events; --",
      '${jndi:ldap://x}',
      '%s%s%n',
      '\u202e',
      '🏦'.repeat(50),
    ),
    fc.string({ maxLength: 3000 }),
  );
  /** Values of any JSON type, to put where the proto expects something else. */
  const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileString, fc.constant(null), fc.double(), fc.constant(1e308));

  test('raw bodies: arbitrary bytes and JSON-ish text', async () => {
    await fc.assert(
      fc.asyncProperty(protocols, fc.oneof(fc.string({ unit: 'binary' }), fc.json(), hostileString), async (protocol, body) =>
        checkReply(protocol, body),
      ),
      { numRuns: 300 },
    );
  });

  test('request-shaped objects with every field mistyped or hostile', async () => {
    const cxShaped = fc.record(
      {
        detectIntentResponseId: anyJson,
        text: anyJson,
        dtmfDigits: anyJson,
        languageCode: anyJson,
        fulfillmentInfo: fc.oneof(anyJson, fc.record({ tag: anyJson })),
        sessionInfo: fc.oneof(anyJson, fc.record({ session: anyJson, parameters: anyJson })),
        intentInfo: fc.oneof(anyJson, fc.record({ lastMatchedIntent: anyJson, displayName: anyJson, confidence: anyJson })),
        pageInfo: anyJson,
        __proto__: anyJson,
        constructor: anyJson,
      },
      { requiredKeys: [] },
    );
    const esShaped = fc.record(
      {
        responseId: anyJson,
        session: anyJson,
        queryResult: fc.oneof(
          anyJson,
          fc.record(
            { queryText: anyJson, action: anyJson, languageCode: anyJson, parameters: anyJson, outputContexts: anyJson, intent: anyJson },
            { requiredKeys: [] },
          ),
        ),
        originalDetectIntentRequest: anyJson,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          cxShaped.map((b) => ['cx', b] as const),
          esShaped.map((b) => ['es', b] as const),
        ),
        async ([protocol, body]) => checkReply(protocol, JSON.stringify(body)),
      ),
      { numRuns: 400 },
    );
  });

  test('known tags with hostile text, including oversized bodies', async () => {
    const tags = fc.constantFrom('enrich', 'sentiment-escalation', 'capture-entities', 'default', '', 'x'.repeat(500));
    await fc.assert(
      fc.asyncProperty(
        protocols,
        tags,
        fc.oneof(hostileString, fc.string({ minLength: 16_000, maxLength: 20_000 })),
        async (protocol, tag, text) => {
          const body =
            protocol === 'cx'
              ? {
                  fulfillmentInfo: { tag },
                  text,
                  languageCode: 'en',
                  sessionInfo: { session: 'projects/p/locations/l/agents/a/sessions/fuzz' },
                }
              : { queryResult: { queryText: text, action: tag, languageCode: 'en' }, session: 'projects/p/agent/sessions/fuzz' };
          await checkReply(protocol, JSON.stringify(body));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('the process survived it all and is still ready', async () => {
    const res = await runtime.app.request('/readyz');
    expect(res.status).toBe(200);
  });
});
