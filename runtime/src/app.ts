import { SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Logger } from 'pino';
import { SESSION_PARAMETERS } from './nlp/session-parameters';
import { FeedbackService } from './feedback/feedback-service';
import { Protocol } from './protocol/turn';
import { handleFeedback } from './feedback/feedback-route';
import { Authenticator } from './security/authenticator';
import { authenticateCaller } from './security/authenticate-caller';
import { SessionRateLimiter } from './security/rate-limiter';
import { RuntimeMetrics } from './telemetry/metrics';
import { IdempotencyStore } from './webhook/idempotency-store';
import { Readiness } from './webhook/readiness';
import { TurnProcessor } from './webhook/turn-processor';

export interface AppDependencies {
  readonly processor: TurnProcessor;
  readonly feedback: FeedbackService;
  readonly authenticator: Authenticator;
  readonly rateLimiter: SessionRateLimiter;
  readonly idempotency: IdempotencyStore;
  readonly readiness: Readiness;
  readonly metrics: RuntimeMetrics;
  readonly logger: Logger;
  /** Time Dialogflow gives a webhook call, minus network; NLP deadlines are cut from it. */
  readonly budgetMs: number;
  readonly maxBodyBytes: number;
}

const tracer = trace.getTracer('convai-webhook');

/** A rating with a 2,000-character comment fits easily; anything bigger is not feedback. */
const FEEDBACK_MAX_BODY_BYTES = 16 * 1024;

/**
 * The HTTP surface. Webhook routes answer every well-formed call with 200 — degraded when a
 * dependency failed — because Dialogflow turns any 4xx/5xx into a `webhook.error` event and
 * drops our reply. Only what is the caller's fault gets a 4xx, always as JSON: bad credentials
 * (401), a body over the limit (413), a body that is not a JSON object (400), and a session
 * exceeding its rate (429).
 */
export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();
  const { metrics, logger } = deps;

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const report = deps.readiness.report();
    return c.json(report, report.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));

  for (const protocol of ['cx', 'es'] as const) {
    app.post(
      `/webhook/${protocol}`,
      bodyLimit({
        maxSize: deps.maxBodyBytes,
        onError: (c) => fail(c, protocol, 413, 'request body too large', `limit is ${deps.maxBodyBytes} bytes`),
      }),
      (c) => handleWebhook(c, protocol, deps),
    );
  }

  app.post(
    '/feedback',
    bodyLimit({
      maxSize: FEEDBACK_MAX_BODY_BYTES,
      onError: (c) => c.json({ error: 'request body too large', detail: `limit is ${FEEDBACK_MAX_BODY_BYTES} bytes` }, 413),
    }),
    (c) => handleFeedback(c, deps),
  );

  app.notFound((c) => c.json({ error: 'not found', path: c.req.path }, 404));
  // Last line of defence; the webhook routes catch their own errors and never get here.
  app.onError((error, c) => {
    logger.error({ err: error }, 'unhandled error');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;

  function fail(c: Context, protocol: Protocol, status: 400 | 401 | 413 | 429, error: string, detail?: string) {
    metrics.requests.inc({ tag: 'none', protocol, code: String(status) });
    return c.json({ error, ...(detail && { detail }) }, status);
  }
}

async function handleWebhook(c: Context, protocol: Protocol, deps: AppDependencies): Promise<Response> {
  const startedAt = Date.now();
  const { metrics, logger } = deps;
  const parent = propagation.extract(context.active(), c.req.header());
  return context.with(parent, () =>
    tracer.startActiveSpan(`POST /webhook/${protocol}`, async (span) => {
      let tag = 'none';
      let status = 200;
      try {
        if (!(await authenticateCaller(c, deps, { protocol }, 'webhook call rejected'))) {
          status = 401;
          return c.json({ error: 'unauthenticated' }, 401);
        }
        const raw = await c.req.text();
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          status = 400;
          return c.json({ error: 'invalid JSON', detail: 'the body must be a Dialogflow WebhookRequest in JSON' }, 400);
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          status = 400;
          return c.json({ error: 'invalid request', detail: 'the body must be a JSON object (a Dialogflow WebhookRequest)' }, 400);
        }
        const turn = deps.processor.parse(protocol, body);
        // Callers choose the tag: only registered ones become metric labels.
        tag = deps.processor.metricTag(turn.tag);
        span.setAttributes({ 'dialogflow.protocol': protocol, 'dialogflow.tag': turn.tag });
        const retryAfter = await deps.rateLimiter.consume(`${protocol}:${turn.session || c.req.header('x-forwarded-for') || 'anonymous'}`);
        if (retryAfter !== undefined) {
          status = 429;
          return c.json({ error: 'rate limited', detail: `retry in ${retryAfter}s` }, 429, { 'retry-after': String(retryAfter) });
        }
        const deadline = startedAt + deps.budgetMs;
        const budget = { remainingMs: () => deadline - Date.now() };
        const run = async () => (await deps.processor.process(turn, budget, startedAt)).json;
        // A repeated turn gets the first reply byte for byte, and is not logged or scored twice. Only
        // handlers with side effects pay for sharing replies across instances (Redis round trips).
        const idempotencyKey = turn.responseId ? `${protocol}:${turn.responseId}:${turn.tag}` : '';
        const { body: json } = await deps.idempotency.once(idempotencyKey, run, { shared: deps.processor.hasSideEffects(turn.tag) });
        return c.body(json, 200, { 'content-type': 'application/json; charset=utf-8' });
      } catch (error) {
        // Should not happen (the processor contains its failures); still answer, degraded and empty.
        logger.error({ err: error, protocol }, 'webhook failed; sending an empty degraded reply');
        span.setStatus({ code: SpanStatusCode.ERROR });
        metrics.degradedReplies.inc({ reason: 'internal-error' });
        return c.json(emptyDegradedReply(protocol), 200);
      } finally {
        const seconds = (Date.now() - startedAt) / 1000;
        metrics.requests.inc({ tag, protocol, code: String(status) });
        if (status === 200) metrics.requestDuration.observe({ tag, protocol }, seconds);
        span.setAttribute('http.response.status_code', status);
        span.end();
      }
    }),
  );
}

function emptyDegradedReply(protocol: Protocol): Record<string, unknown> {
  const parameters = { [SESSION_PARAMETERS.degraded]: true, [SESSION_PARAMETERS.degradedReasons]: ['internal-error'] };
  return protocol === 'cx' ? { sessionInfo: { parameters } } : { fulfillmentText: '' };
}
