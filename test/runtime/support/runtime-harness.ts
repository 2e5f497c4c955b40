import { Writable } from 'node:stream';
import { loadConfig } from '../../../runtime/src/config';
import { createLogger } from '../../../runtime/src/telemetry/logger';
import { Runtime, RuntimeOverrides, createRuntime } from '../../../runtime/src/runtime';
import { TextAnalyzer } from '../../../runtime/src/nlp/google-analyzer';
import { validateProtoJson } from './proto-json';

/** Log lines a runtime wrote, parsed, for assertions on the log contract. */
export class CapturedLogs {
  readonly lines: Record<string, unknown>[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
      done();
    },
  });

  events(name: string): Record<string, unknown>[] {
    return this.lines.filter((l) => l.event === name);
  }
}

export interface TestRuntime extends Runtime {
  readonly logs: CapturedLogs;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/**
 * A runtime built in-process from environment-style settings (the same validation as
 * production), with logs captured and tracing off unless asked for. Requests go through Hono's
 * `app.request`, the same fetch handler the HTTP server calls.
 */
export async function startRuntime(
  env: Record<string, string> = {},
  overrides: RuntimeOverrides & { analyzer?: TextAnalyzer } = {},
): Promise<TestRuntime> {
  // PGlite cannot load inside jest's VM (dynamic import); tests use a real Postgres server or none.
  const database = env.DATABASE_URL ? {} : { DATABASE_MODE: 'off' };
  const config = loadConfig({
    NODE_ENV: 'test',
    NLP_MODE: overrides.analyzer ? 'google' : 'local',
    LOG_LEVEL: 'debug',
    ...database,
    ...env,
  });
  const logs = new CapturedLogs();
  const runtime = await createRuntime(config, {
    tracing: false,
    processMetrics: false,
    // The production logger (Cloud Logging format, trace correlation), writing into memory.
    logger: createLogger({ level: 'debug', projectId: 'acme-convai-test', destination: logs.stream }),
    ...overrides,
  });
  runtime.readiness.serving();
  await runtime.schemaReady;
  return Object.assign(runtime, {
    logs,
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      Promise.resolve(
        runtime.app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
  });
}

let counter = 0;

/** A realistic Dialogflow CX WebhookRequest; `overrides` are merged in at the top level. */
export function cxRequest(text: string, tag = 'enrich', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    detectIntentResponseId: `resp-${process.pid}-${counter}`,
    intentInfo: {
      lastMatchedIntent: 'projects/p/locations/global/agents/a/intents/i1',
      displayName: 'card_payment_not_recognised',
      confidence: 0.82,
    },
    pageInfo: { currentPage: 'projects/p/locations/global/agents/a/flows/f/pages/start', displayName: 'Start' },
    sessionInfo: { session: `projects/p/locations/global/agents/a/sessions/test-${counter}`, parameters: {} },
    fulfillmentInfo: { tag },
    messages: [],
    text,
    languageCode: 'en',
    ...overrides,
  };
}

/** A realistic Dialogflow ES v2 WebhookRequest. */
export function esRequest(text: string, action = 'enrich', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    responseId: `es-resp-${process.pid}-${counter}`,
    session: `projects/p/agent/sessions/es-${counter}`,
    queryResult: {
      queryText: text,
      action,
      parameters: {},
      allRequiredParamsPresent: true,
      intent: { name: 'projects/p/agent/intents/i1', displayName: 'card_arrival' },
      intentDetectionConfidence: 0.9,
      languageCode: 'en',
    },
    originalDetectIntentRequest: { payload: {} },
    ...overrides,
  };
}

export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? ([-\d.e+]+|NaN)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ok = Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`));
    if (ok) total += Number(m[3]);
  }
  return total;
}

export async function scrape(runtime: Runtime): Promise<string> {
  return runtime.metrics.registry.metrics();
}

/**
 * The JSON of a 200 webhook reply, after checking it against the official webhook proto
 * (unknown or mistyped fields fail the test) and the 64 KiB limit.
 */
export async function validReply(res: Response, flavor: 'cx' | 'es'): Promise<Record<string, any>> {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${text}`);
  if (Buffer.byteLength(text) > 64 * 1024) throw new Error(`reply is ${Buffer.byteLength(text)} bytes, over 64 KiB`);
  const json = JSON.parse(text);
  const problems = validateProtoJson(flavor, 'WebhookResponse', json);
  if (problems.length > 0) throw new Error(`reply is not a valid ${flavor} WebhookResponse:\n${problems.join('\n')}`);
  return json;
}

/** Session parameters of a CX or ES reply. */
export function replyParameters(reply: Record<string, any>): Record<string, any> {
  return (
    reply.sessionInfo?.parameters ??
    reply.outputContexts?.find((c: { name: string }) => c.name.endsWith('/contexts/convai-session'))?.parameters ??
    {}
  );
}
