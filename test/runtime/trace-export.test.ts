import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { FakeLanguageServer } from './support/fake-language-server';
import { PostgresServer, RedisServer, freePort, waitFor } from './support/local-servers';
import { OtlpReceiver } from './support/otlp-receiver';
import { cxRequest } from './support/runtime-harness';

/**
 * The production trace path, configured as ScalableWebhook deploys it (TRACE_EXPORTER=cloud-trace):
 * the real process (runtime/dist, built before jest — the OTLP exporter loads its HTTP transport
 * with a dynamic import that jest's VM refuses) sends OTLP/HTTP protobuf to a real OTLP receiver
 * standing in for telemetry.googleapis.com, with real Redis (L2) and Postgres (L3) and the real
 * Natural Language client against its fake.
 */
const MAIN = join(__dirname, '../../runtime/dist/main.js');
const PROJECT = 'acme-convai-test';

describe('trace export to Cloud Trace (OTLP) with log correlation', () => {
  let receiver: OtlpReceiver;
  let fake: FakeLanguageServer;
  let redis: RedisServer;
  let postgres: PostgresServer;
  let child: ChildProcess;
  let output = '';
  let url: string;
  const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';

  beforeAll(async () => {
    [receiver, fake, redis, postgres] = await Promise.all([
      OtlpReceiver.start(),
      FakeLanguageServer.start(),
      RedisServer.start(),
      PostgresServer.start(),
    ]);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        TRACE_EXPORTER: 'cloud-trace',
        CLOUD_TRACE_ENDPOINT: receiver.endpoint,
        GOOGLE_CLOUD_PROJECT: PROJECT,
        WEBHOOK_REGION: 'europe-west1',
        OTEL_TRACES_SAMPLER_ARG: '0',
        REDIS_URL: redis.url,
        DATABASE_URL: postgres.url,
        NLP_MODE: 'google',
        NLP_API_ENDPOINT: '127.0.0.1',
        NLP_API_PORT: String(fake.port),
        NLP_INSECURE: 'true',
        NLP_DEADLINE_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await waitFor(
      async () => {
        const ready = await fetch(`${url}/readyz`).catch(() => undefined);
        const body = ready?.status === 200 ? ((await ready.json()) as { degradations: string[] }) : undefined;
        return (
          body !== undefined && !body.degradations.includes('redis-disconnected') && !body.degradations.includes('postgres-schema-pending')
        );
      },
      'runtime ready with Redis and Postgres',
      60_000,
    );
  }, 90_000);
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await Promise.all([receiver?.stop(), fake?.stop(), redis?.stop(), postgres?.destroy()]);
  });

  test('a sampled turn reaches the receiver as one trace (request, cache tiers on Redis and Postgres, NLP), and its log lines link to it', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}/webhook/cx`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const res = await post(cxRequest('My card payment failed twice at the pharmacy', 'enrich'), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(res.status).toBe(200);
    // An unsampled turn (ratio 0, no sampled parent): spans exist for the logs but are never exported.
    expect((await post(cxRequest('Where is my new card?', 'enrich'))).status).toBe(200);
    // SIGTERM flushes the batch processor, as on Cloud Run.
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await waitFor(() => receiver.trace(traceId).length >= 5, `spans of the sampled turn at the receiver\n${output}`, 10_000);

    const spans = receiver.trace(traceId);
    expect(spans.map((s) => s.name).sort()).toEqual([
      'POST /webhook/cx',
      'cache.l2.get',
      'cache.l3.get',
      'cache.lookup',
      'nlp.annotateText',
    ]);
    expect(receiver.spans.filter((s) => s.traceId !== traceId)).toEqual([]);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    const root = byName['POST /webhook/cx'];
    expect(root.parentSpanId).toBe('00f067aa0ba902b7');
    expect(byName['cache.lookup'].parentSpanId).toBe(root.spanId);
    expect(byName['cache.l2.get'].parentSpanId).toBe(byName['cache.lookup'].spanId);
    expect(byName['cache.l3.get'].parentSpanId).toBe(byName['cache.lookup'].spanId);
    expect(byName['nlp.annotateText'].parentSpanId).toBe(root.spanId);
    expect(byName['cache.l2.get'].attributes).toMatchObject({ 'cache.hit': false, 'db.system.name': 'redis' });
    expect(byName['cache.l3.get'].attributes).toMatchObject({ 'cache.hit': false, 'db.system.name': 'postgresql' });
    for (const span of spans) {
      expect(Number(span.endNs)).toBeGreaterThanOrEqual(Number(span.startNs));
      // Cloud Trace files spans under gcp.project_id; the region says where the turn ran.
      expect(span.resource).toMatchObject({ 'service.name': 'convai-webhook', 'gcp.project_id': PROJECT, 'cloud.region': 'europe-west1' });
      // Plain http is a local receiver: no Google token is ever sent over it.
      expect(span.authorization).toBe(false);
    }

    // The turn's log line names the trace the way Cloud Logging links a log entry to its trace.
    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const turn = lines.find(
      (l) => l.event === 'webhook.turn' && l['logging.googleapis.com/trace'] === `projects/${PROJECT}/traces/${traceId}`,
    );
    expect(turn).toBeDefined();
    expect(turn!['logging.googleapis.com/trace_sampled']).toBe(true);
    expect(spans.map((s) => s.spanId)).toContain(turn!['logging.googleapis.com/spanId']);
    // The unsampled turn is still correlated (its trace id is in the log), only not exported.
    const unsampled = lines.filter((l) => l.event === 'webhook.turn' && l['logging.googleapis.com/trace_sampled'] === false);
    expect(unsampled).toHaveLength(1);
    expect(unsampled[0]['logging.googleapis.com/trace']).toMatch(new RegExp(`^projects/${PROJECT}/traces/[0-9a-f]{32}$`));
  }, 60_000);
});
