import { Writable } from 'node:stream';
import { loadConfig } from '../../runtime/src/config';
import { HandlerRegistry } from '../../runtime/src/handlers/handler-registry';
import { createRuntime } from '../../runtime/src/runtime';
import { createLogger } from '../../runtime/src/telemetry/logger';
import { validateProtoJson } from '../../test/runtime/support/proto-json';

/** A webhook runtime built in process, as `npm start` builds it, for checkers to send turns to. */
export interface TrainingRuntime {
  /** POST a JSON body; the status and the parsed reply. */
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * The production configuration path (environment → loadConfig → createRuntime) with the local
 * analyzer, no database and no tracing: everything a turn touches except Google's APIs, which
 * this machine cannot reach. Logs are discarded; replies are what the learner judges.
 */
export async function startTrainingRuntime(
  env: Record<string, string> = {},
  registerHandlers?: (registry: HandlerRegistry) => void,
): Promise<TrainingRuntime> {
  const config = loadConfig({
    NODE_ENV: 'test',
    NLP_MODE: 'local',
    DATABASE_MODE: 'off',
    LOG_LEVEL: 'error',
    RATE_LIMIT_PER_MINUTE: '10000',
    ...env,
  });
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const runtime = await createRuntime(config, {
    tracing: false,
    processMetrics: false,
    logger: createLogger({ level: 'error', destination: sink }),
    registerHandlers,
  });
  runtime.readiness.serving();
  await runtime.schemaReady;
  return {
    post: async (path, body) => {
      const res = await runtime.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text for the message
      }
      return { status: res.status, body: parsed };
    },
    close: async () => {
      await runtime.close(1000);
    },
  };
}

/** Problems with a CX WebhookResponse against Google's webhook.proto (what CX itself would refuse). */
export function cxReplyProblems(reply: unknown): string[] {
  return validateProtoJson('cx', 'WebhookResponse', reply);
}

let counter = 0;

/** A realistic Dialogflow CX WebhookRequest. */
export function cxTurn(text: string, tag: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    detectIntentResponseId: `training-${process.pid}-${counter}`,
    intentInfo: { lastMatchedIntent: 'projects/p/locations/global/agents/a/intents/i1', displayName: 'order_status', confidence: 0.8 },
    pageInfo: { currentPage: 'projects/p/locations/global/agents/a/flows/f/pages/start', displayName: 'Start' },
    sessionInfo: { session: `projects/p/locations/global/agents/a/sessions/training-${counter}`, parameters: {} },
    fulfillmentInfo: { tag },
    messages: [],
    text,
    languageCode: 'en',
    ...extra,
  };
}

/** Texts of a CX reply's messages. */
export function replyTexts(reply: any): string[] {
  return (reply?.fulfillmentResponse?.messages ?? []).flatMap((m: any) => m.text?.text ?? []);
}
