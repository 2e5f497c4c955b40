import { SpanStatusCode, trace } from '@opentelemetry/api';
import { Context, Hono } from 'hono';
import { Logger } from 'pino';
import { SESSION_PARAMETERS } from '../nlp/session-parameters';
import { Protocol } from '../protocol/turn';
import { AuthenticationDependencies, authenticated } from '../security/authenticate-caller';
import { rateLimited } from '../security/rate-limited';
import { SessionRateLimiter } from '../security/rate-limiter';
import { MeasuredVariables, measured } from '../telemetry/measured';
import { RuntimeMetrics } from '../telemetry/metrics';
import { TracedVariables, traced } from '../telemetry/traced';
import { limitedBody } from './body-limit';
import { JsonBodyVariables, jsonBody, jsonObject } from './json-body';
import { AcceptedTurn } from './turn-processor';

/** The one thing the routes need from the turn processor. */
export interface TurnAcceptor {
  accept(protocol: Protocol, body: Record<string, unknown>): AcceptedTurn;
}

export interface WebhookRouteDependencies extends AuthenticationDependencies {
  readonly processor: TurnAcceptor;
  readonly rateLimiter: SessionRateLimiter;
  readonly metrics: RuntimeMetrics;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
}

type WebhookEnv = {
  Variables: MeasuredVariables & TracedVariables & JsonBodyVariables<Record<string, unknown>> & { turn: AcceptedTurn };
};

const JSON_UTF8 = { 'content-type': 'application/json; charset=utf-8' };

/**
 * `POST /cx` and `POST /es` (mounted under `/webhook`). Every well-formed call is answered 200 —
 * degraded when a dependency failed — because Dialogflow turns any 4xx/5xx into a
 * `webhook.error` event and drops our reply. Only what is the caller's fault gets a 4xx, always as
 * JSON: a body over the limit (413), bad credentials (401), a body that is not a JSON object
 * (400), and a session exceeding its rate (429). The steps are middleware, in this order.
 */
export function webhookRoutes(deps: WebhookRouteDependencies): Hono<WebhookEnv> {
  const routes = new Hono<WebhookEnv>();
  for (const protocol of ['cx', 'es'] as const) {
    routes.post(
      `/${protocol}`,
      measured(deps.metrics, protocol),
      limitedBody(deps.maxBodyBytes, (c) =>
        c.json({ error: 'request body too large', detail: `limit is ${deps.maxBodyBytes} bytes` }, 413),
      ),
      traced(`POST /webhook/${protocol}`),
      authenticated(deps, { protocol }, 'webhook call rejected'),
      jsonBody(
        'the body must be a Dialogflow WebhookRequest in JSON',
        jsonObject('the body must be a JSON object (a Dialogflow WebhookRequest)'),
      ),
      async (c, next) => {
        const turn = deps.processor.accept(protocol, c.get('body'));
        c.set('turn', turn);
        // Callers choose the tag: only registered ones become metric labels.
        c.set('metricTag', turn.tag);
        c.get('span').setAttributes({ 'dialogflow.protocol': protocol, 'dialogflow.tag': turn.turn.tag });
        return next();
      },
      rateLimited<WebhookEnv>(
        deps.rateLimiter,
        (c) => `${protocol}:${c.get('turn').turn.session || c.req.header('x-forwarded-for') || 'anonymous'}`,
      ),
      async (c) => c.body(await c.get('turn').reply(c.get('startedAt')), 200, JSON_UTF8),
    );
  }
  return routes;
}

/**
 * The webhook routes' error handler, for the app's `onError` (app.ts): should not happen (the
 * processor contains its failures); still answer, 200, degraded and empty. Not the sub-app's own
 * `onError`: Hono wraps every handler of a sub-app that has one in a second dispatch, which cost
 * about 3% of the warm path for an error that never happens.
 */
export function webhookErrorReply(deps: Pick<WebhookRouteDependencies, 'logger' | 'metrics'>) {
  return (error: Error, c: Context): Response => {
    const protocol: Protocol = c.req.path.endsWith('/es') ? 'es' : 'cx';
    deps.logger.error({ err: error, protocol }, 'webhook failed; sending an empty degraded reply');
    // Called inside the failing middleware's context: the request's span, once `traced` has started it.
    trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR });
    deps.metrics.degradedReplies.inc({ reason: 'internal-error' });
    return c.json(emptyDegradedReply(protocol), 200);
  };
}

function emptyDegradedReply(protocol: Protocol): Record<string, unknown> {
  const parameters = { [SESSION_PARAMETERS.degraded]: true, [SESSION_PARAMETERS.degradedReasons]: ['internal-error'] };
  return protocol === 'cx' ? { sessionInfo: { parameters } } : { fulfillmentText: '' };
}
