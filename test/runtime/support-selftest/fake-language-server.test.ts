/**
 * The fake Natural Language server, driven by the REAL `@google-cloud/language` v2 client over gRPC. Besides proving
 * the fake, these tests pin down how the client's call options behave against a server that fails or hangs, which
 * is what the runtime's per-call deadline / no-retry settings rely on.
 */
import * as grpc from '@grpc/grpc-js';
import { v2 } from '@google-cloud/language';
import { FakeLanguageServer } from '../support/fake-language-server';

type Client = InstanceType<typeof v2.LanguageServiceClient>;
type GaxError = Error & { code?: number; note?: string };

function newClient(fake: FakeLanguageServer): Client {
  return new v2.LanguageServiceClient(fake.clientOptions());
}

/** Resolves to the rejection of `p` (fails the test if it resolves). */
async function rejectionOf(p: Promise<unknown>): Promise<GaxError> {
  try {
    await p;
  } catch (e) {
    return e as GaxError;
  }
  throw new Error('expected the call to fail');
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const TEXT =
  'Hi, I am Jane Doe from Acme Corp in Paris. My order 1234 was late and I am really upset! Please refund $49.99 to jane@example.com.';
const doc = (content: string) => ({ content, type: 'PLAIN_TEXT' as const, languageCode: 'en' });
const ALL_FEATURES = { extractDocumentSentiment: true, extractEntities: true, classifyText: true, moderateText: true };
/** What the runtime should pass: a deadline inside the webhook budget and no client-side retries. */
const NO_RETRY = { timeout: 200, retry: null };

let fake: FakeLanguageServer;
const clients: Client[] = [];
function client(): Client {
  const c = newClient(fake);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  fake = await FakeLanguageServer.start();
});
afterEach(() => fake.reset());
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fake.stop();
});

describe('answers', () => {
  test('listens on an ephemeral 127.0.0.1 port', () => {
    expect(fake.address).toBe('127.0.0.1');
    expect(fake.port).toBeGreaterThan(0);
    expect(fake.clientOptions()).toMatchObject({ apiEndpoint: '127.0.0.1', port: fake.port });
  });

  // Without universeDomain the client asks google-auth-library for ADC on connect, which probes the GCE metadata
  // server: expect a MetadataLookupWarning on stderr from this test (and a delay on networks that drop the probe).
  test('the documented constructor options work as written (sslCreds from our own @grpc/grpc-js import)', async () => {
    const c = new v2.LanguageServiceClient({ apiEndpoint: '127.0.0.1', port: fake.port, sslCreds: grpc.credentials.createInsecure() });
    clients.push(c);
    const [res] = await c.analyzeSentiment({ document: doc('great') });
    expect(res.languageSupported).toBe(true);
  });

  test('annotateText returns every requested feature, derived from the text', async () => {
    const [res] = await client().annotateText({ document: doc(TEXT), features: ALL_FEATURES, encodingType: 'UTF8' });
    expect(res.languageCode).toBe('en');
    expect(res.languageSupported).toBe(true);

    expect(res.documentSentiment!.score).toBeLessThan(0);
    expect(res.documentSentiment!.magnitude).toBeGreaterThan(0);
    expect(res.sentences!.map((s) => s.text!.content)).toEqual([
      'Hi, I am Jane Doe from Acme Corp in Paris.',
      'My order 1234 was late and I am really upset!',
      'Please refund $49.99 to jane@example.com.',
    ]);
    expect(res.sentences![1].text!.beginOffset).toBe(TEXT.indexOf('My order'));

    const entities = Object.fromEntries(res.entities!.map((e) => [e.name, e]));
    expect(entities['Jane Doe'].type).toBe('PERSON');
    expect(entities['Acme Corp'].type).toBe('ORGANIZATION');
    expect(entities['Paris'].type).toBe('LOCATION');
    expect(entities['1234'].type).toBe('NUMBER');
    expect(entities['$49.99']).toMatchObject({ type: 'PRICE', metadata: { currency: 'USD', value: '49.99' } });
    expect(entities['jane@example.com']).toMatchObject({ type: 'OTHER', metadata: { email: 'jane@example.com' } });
    expect(entities['order'].mentions![0]).toMatchObject({
      type: 'COMMON',
      text: { content: 'order', beginOffset: TEXT.indexOf('order') },
    });
    expect(entities['Jane Doe'].mentions![0].probability).toBeCloseTo(0.9, 5);

    expect(res.categories!.map((c) => c.name)).toContain('/Shopping/Other');
    for (const c of res.categories!) expect(c.confidence).toBeGreaterThan(0);
    expect(res.moderationCategories!.length).toBe(16);
    expect(res.moderationCategories!.find((c) => c.name === 'Finance')!.confidence).toBeGreaterThan(0.3);
  });

  test('annotateText leaves features that were not requested empty, and counts per feature', async () => {
    const [res] = await client().annotateText({ document: doc(TEXT), features: { extractEntities: true, moderateText: true } });
    expect(res.entities!.length).toBeGreaterThan(0);
    expect(res.moderationCategories!.length).toBe(16);
    expect(res.sentences).toEqual([]);
    expect(res.documentSentiment).toBeNull();
    expect(res.categories).toEqual([]);
    // encodingType NONE (the default): offsets are not computed, reported as -1.
    expect(res.entities![0].mentions![0].text!.beginOffset).toBe(-1);

    const stats = fake.stats;
    expect(stats.calls.AnnotateText).toBe(1);
    // 130 characters: one unit of entities (per 1,000), two of moderation (per 100).
    expect(stats.features.entities).toEqual({ calls: 1, characters: TEXT.length, answered: 1, billedUnits: 1 });
    expect(stats.features.moderation).toEqual({ calls: 1, characters: TEXT.length, answered: 1, billedUnits: 2 });
    expect(stats.features.sentiment.calls).toBe(0);
    expect(stats.features.classification.calls).toBe(0);
  });

  test('the single-feature RPCs answer and count their feature', async () => {
    const c = client();
    const [s] = await c.analyzeSentiment({ document: doc('I love it. Thanks, great service!') });
    expect(s.documentSentiment!.score).toBeGreaterThan(0.5);
    expect(s.sentences!.length).toBe(2);
    const [e] = await c.analyzeEntities({ document: doc('Call John Smith at +1 415-555-0100 on 2026-11-25.') });
    expect(e.entities!.map((x) => [x.name, x.type])).toEqual([
      ['Call John Smith', 'PERSON'],
      ['+1 415-555-0100', 'PHONE_NUMBER'],
      ['2026-11-25', 'DATE'],
    ]);
    const [k] = await c.classifyText({ document: doc('My flight was cancelled and the airline lost my luggage at the airport.') });
    expect(k.categories![0].name).toBe('/Travel & Transportation/Air Travel');
    const [m1] = await c.moderateText({ document: doc('You stupid idiot.') });
    expect(m1.moderationCategories!.find((x) => x.name === 'Insult')!.confidence).toBeGreaterThan(0.5);
    expect(m1.moderationCategories!.every((x) => !x.severity)).toBe(true);
    const [m2] = await c.moderateText({ document: doc('You stupid idiot.'), modelVersion: 'MODEL_VERSION_2' });
    expect(m2.moderationCategories!.find((x) => x.name === 'Insult')!.severity).toBeGreaterThan(0);

    const stats = fake.stats;
    expect(stats.calls).toEqual({ AnalyzeSentiment: 1, AnalyzeEntities: 1, ClassifyText: 1, ModerateText: 2, AnnotateText: 0 });
    expect(stats.features.moderation.calls).toBe(2);
    expect(stats.features.moderation.characters).toBe(2 * 'You stupid idiot.'.length);
  });

  test('characters are counted as code points and offsets follow the encoding', async () => {
    const text = 'Café 😀 is great. I love Paris!';
    const [res] = await client().analyzeEntities({ document: doc(text), encodingType: 'UTF32' });
    const paris = res.entities!.find((e) => e.name === 'Paris')!;
    expect(paris.mentions![0].text!.beginOffset).toBe([...text.slice(0, text.indexOf('Paris'))].length);
    expect(fake.stats.features.entities.characters).toBe([...text].length);
  });

  test('an unsupported language is answered with languageSupported: false', async () => {
    const [res] = await client().analyzeSentiment({ document: { content: 'Habari yako', type: 'PLAIN_TEXT', languageCode: 'sw' } });
    expect(res).toMatchObject({ languageCode: 'sw', languageSupported: false, sentences: [] });
  });

  test('an empty document is INVALID_ARGUMENT, as the API answers', async () => {
    const err = await rejectionOf(client().analyzeSentiment({ document: doc('  ') }, NO_RETRY));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  test('records the request metadata and the propagated deadline', async () => {
    const before = Date.now();
    await client().classifyText({ document: doc('my internet router keeps dropping wifi') }, { timeout: 1500 });
    const stats = fake.stats;
    expect(stats.lastMetadata!['x-goog-api-client']).toMatch(/gax\/\S+ gapic\/\S+/);
    // The v2 methods have no resource-name routing, so the client sends no x-goog-request-params header.
    expect(stats.lastMetadata!['x-goog-request-params']).toBeUndefined();
    // gax turns `timeout` into a gRPC deadline, which reaches the server as the grpc-timeout header.
    expect(stats.lastDeadlineMs).toBeGreaterThan(before);
    expect(stats.lastDeadlineMs).toBeLessThanOrEqual(Date.now() + 1500);
    expect(stats.lastRequest!.rpc).toBe('ClassifyText');
  });
});

describe('controls, seen through the real client', () => {
  test('latency: a call slower than its timeout fails with DEADLINE_EXCEEDED after ~timeout', async () => {
    fake.setLatency(600);
    const c = client();
    const start = Date.now();
    const err = await rejectionOf(c.analyzeSentiment({ document: doc('fine') }, NO_RETRY));
    const elapsed = Date.now() - start;
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(550);
    // Within budget it just arrives later.
    const t0 = Date.now();
    await c.analyzeSentiment({ document: doc('fine') }, { timeout: 2000, retry: null });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(590);
    expect(fake.stats.cancelledCalls).toBe(1);
  });

  test('failWith(code, n) fails exactly the next n calls with that code', async () => {
    fake.failWith(grpc.status.RESOURCE_EXHAUSTED, 2);
    const c = client();
    for (let i = 0; i < 2; i++) {
      expect((await rejectionOf(c.moderateText({ document: doc('hello') }, NO_RETRY))).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    }
    await expect(c.moderateText({ document: doc('hello') }, NO_RETRY)).resolves.toBeDefined();
    expect(fake.stats).toMatchObject({ totalCalls: 3, failedCalls: 2 });
  });

  test('failWith(code) without a count fails until recover()', async () => {
    fake.failWith(grpc.status.PERMISSION_DENIED);
    const c = client();
    for (let i = 0; i < 3; i++) {
      expect((await rejectionOf(c.classifyText({ document: doc('bank') }, NO_RETRY))).code).toBe(grpc.status.PERMISSION_DENIED);
    }
    fake.recover();
    await expect(c.classifyText({ document: doc('bank') }, NO_RETRY)).resolves.toBeDefined();
  });

  test('outage: calls hang until the client deadline, and the outage ends with recover()', async () => {
    fake.setOutage(true);
    const c = client();
    const start = Date.now();
    const err = await rejectionOf(c.annotateText({ document: doc(TEXT), features: ALL_FEATURES }, { timeout: 250, retry: null }));
    const elapsed = Date.now() - start;
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(1000);
    expect(fake.stats.totalCalls).toBe(1);
    // The server learns of the deadline independently of the client, so the cancellation may land a moment later.
    await waitFor(() => fake.stats.cancelledCalls === 1);
    fake.recover();
    await expect(c.annotateText({ document: doc(TEXT), features: ALL_FEATURES }, NO_RETRY)).resolves.toBeDefined();
  });

  test('stop() closes promptly even with calls hung in an outage', async () => {
    const own = await FakeLanguageServer.start();
    own.setOutage(true);
    const c = newClient(own);
    const hung = rejectionOf(c.analyzeSentiment({ document: doc('hello') }, { timeout: 60_000, retry: null }));
    await waitFor(() => own.stats.totalCalls === 1);
    const start = Date.now();
    await own.stop();
    const err = await hung;
    expect(Date.now() - start).toBeLessThan(1000);
    // forceShutdown cancels in-flight calls: the client sees CANCELLED, not a deadline.
    expect(err.code).toBe(grpc.status.CANCELLED);
    await c.close();
  });
});

/**
 * What the gax call options actually do, measured at the fake. The client config for every v2 method is
 * retry on [DEADLINE_EXCEEDED, UNAVAILABLE], 100 ms initial backoff x1.3, 60 s per attempt, 600 s in total.
 */
describe('google-gax retry and timeout call options', () => {
  test('default options: an UNAVAILABLE answer is retried behind the caller’s back', async () => {
    fake.failWith(grpc.status.UNAVAILABLE, 2);
    const [res] = await client().analyzeSentiment({ document: doc('good') });
    expect(res.documentSentiment!.score).toBeGreaterThan(0);
    expect(fake.stats.calls.AnalyzeSentiment).toBe(3);
  });

  test('{ retry: null }: UNAVAILABLE reaches the fake once and surfaces as UNAVAILABLE', async () => {
    fake.failWith(grpc.status.UNAVAILABLE);
    const err = await rejectionOf(client().analyzeSentiment({ document: doc('good') }, { timeout: 200, retry: null }));
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
    expect(fake.stats.calls.AnalyzeSentiment).toBe(1);
  });

  test('{ maxRetries: 0 }: one attempt, but the UNAVAILABLE is reported as DEADLINE_EXCEEDED', async () => {
    fake.failWith(grpc.status.UNAVAILABLE);
    const err = await rejectionOf(client().analyzeSentiment({ document: doc('good') }, { timeout: 200, maxRetries: 0 }));
    expect(fake.stats.calls.AnalyzeSentiment).toBe(1);
    // gax's retry loop gives up with its own error: code 4 and "Exceeded maximum number of retries retrying error ...".
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(err.message).toMatch(/Exceeded maximum number of retries/);
    expect(err.message).toMatch(/UNAVAILABLE/);
  });

  test('{ maxRetries: 0 } on one call leaks into later calls on the same client that pass no options', async () => {
    const c = client();
    await rejectionOf(
      (fake.failWith(grpc.status.UNAVAILABLE, 1), c.analyzeSentiment({ document: doc('good') }, { timeout: 200, maxRetries: 0 })),
    );
    fake.reset();
    fake.failWith(grpc.status.UNAVAILABLE, 1);
    // A fresh client would retry this (see the default-options test); this one no longer does.
    const err = await rejectionOf(c.analyzeSentiment({ document: doc('good') }));
    expect(err.message).toMatch(/Exceeded maximum number of retries/);
    expect(fake.stats.calls.AnalyzeSentiment).toBe(1);
  });

  test('{ retry: null } does not leak: a later call with no options retries again', async () => {
    const c = client();
    fake.failWith(grpc.status.UNAVAILABLE, 1);
    await rejectionOf(c.analyzeSentiment({ document: doc('good') }, { timeout: 200, retry: null }));
    fake.reset();
    fake.failWith(grpc.status.UNAVAILABLE, 1);
    await expect(c.analyzeSentiment({ document: doc('good') })).resolves.toBeDefined();
    expect(fake.stats.calls.AnalyzeSentiment).toBe(2);
  });

  test('non-retryable codes are never retried, even with default options', async () => {
    fake.failWith(grpc.status.RESOURCE_EXHAUSTED);
    const err = await rejectionOf(client().analyzeSentiment({ document: doc('good') }));
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(fake.stats.calls.AnalyzeSentiment).toBe(1);
  });
});
