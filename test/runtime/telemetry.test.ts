import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { GoogleLanguageAnalyzer } from '../../runtime/src/nlp/google-analyzer';
import { FakeLanguageServer } from './support/fake-language-server';
import { TestRuntime, cxRequest, metricValue, scrape, startRuntime } from './support/runtime-harness';

describe('telemetry: traces, metrics, logs', () => {
  let fake: FakeLanguageServer;
  let runtime: TestRuntime;
  const exporter = new InMemorySpanExporter();
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  beforeAll(async () => {
    fake = await FakeLanguageServer.start();
    runtime = await startRuntime(
      { NLP_DEADLINE_MS: '500' },
      {
        analyzer: new GoogleLanguageAnalyzer(fake.clientOptions()),
        tracing: { sampleRatio: 0, processors: [new SimpleSpanProcessor(exporter)] },
      },
    );
  });
  afterAll(async () => {
    await runtime.close(1000);
    await fake.stop();
  });
  beforeEach(() => exporter.reset());

  test("a sampled W3C traceparent is followed: request, cache and NLP spans join the caller's trace", async () => {
    await runtime.post('/webhook/cx', cxRequest('Why did my card payment fail at the shop?', 'enrich'), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['POST /webhook/cx', 'cache.lookup', 'nlp.annotateText']);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
    const root = spans.find((s) => s.name === 'POST /webhook/cx')!;
    expect(root.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(root.attributes).toMatchObject({ 'dialogflow.tag': 'enrich', 'http.response.status_code': 200 });
  });

  test('new traces are ratio-sampled (0 here): nothing recorded, but logs still carry a trace id', async () => {
    await runtime.post('/webhook/cx', cxRequest('How long does a transfer to Spain take?', 'enrich'));
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    const turn = runtime.logs.events('webhook.turn').at(-1)!;
    expect(turn['logging.googleapis.com/trace']).toMatch(/^projects\/acme-convai-test\/traces\/[0-9a-f]{32}$/);
    expect(turn['logging.googleapis.com/trace_sampled']).toBe(false);
  });

  test('logs follow the Cloud Logging format and the documented turn event; raw user text is never logged', async () => {
    const secret = 'my card 4111 1111 1111 1111 is blocked';
    await runtime.post('/webhook/cx', cxRequest(secret, 'enrich'), { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const turn = runtime.logs.events('webhook.turn').at(-1)!;
    expect(turn).toMatchObject({
      severity: 'INFO',
      message: 'turn',
      tag: 'enrich',
      protocol: 'cx',
      degraded: false,
      noMatch: false,
      region: 'local',
    });
    expect(turn['logging.googleapis.com/trace']).toBe(`projects/acme-convai-test/traces/${traceId}`);
    expect(typeof turn.latencyMs).toBe('number');
    expect(JSON.stringify(runtime.logs.lines)).not.toContain('4111');
  });

  test('/metrics exposes the documented Prometheus series', async () => {
    const res = await runtime.app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    for (const name of [
      'webhook_requests_total',
      'webhook_request_duration_seconds_bucket',
      'nlp_calls_total',
      'nlp_billed_units_total',
      'nlp_cost_usd_total',
      'cache_requests_total',
      'breaker_state',
    ]) {
      expect(text).toContain(name);
    }
    expect(
      metricValue(await scrape(runtime), 'webhook_requests_total', { tag: 'enrich', protocol: 'cx', code: '200' }),
    ).toBeGreaterThanOrEqual(3);
  });
});
