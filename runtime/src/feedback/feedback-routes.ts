import { Hono } from 'hono';
import { Logger } from 'pino';
import { AuthenticationDependencies, authenticated } from '../security/authenticate-caller';
import { rateLimited } from '../security/rate-limited';
import { SessionRateLimiter } from '../security/rate-limiter';
import { limitedBody } from '../webhook/body-limit';
import { JsonBodyVariables, jsonBody } from '../webhook/json-body';
import { FeedbackRequest, feedbackRequestSchema } from './feedback-request';
import { FeedbackService } from './feedback-service';

export interface FeedbackRouteDependencies extends AuthenticationDependencies {
  readonly feedback: Pick<FeedbackService, 'submit'>;
  readonly rateLimiter: SessionRateLimiter;
  readonly logger: Logger;
}

/** A rating with a 2,000-character comment fits easily; anything bigger is not feedback. */
export const FEEDBACK_MAX_BODY_BYTES = 16 * 1024;

type FeedbackEnv = { Variables: JsonBodyVariables<FeedbackRequest> };

/**
 * `POST /feedback` (mounted at the root): authenticated exactly like the webhook (same
 * credentials), validated, rate limited per session, then answered 200 once the rating is
 * committed to the database, or 503 with Retry-After when it could not be (see FeedbackService).
 * Every refusal is JSON naming the problem.
 */
export function feedbackRoutes(deps: FeedbackRouteDependencies): Hono<FeedbackEnv> {
  const routes = new Hono<FeedbackEnv>();
  routes.post(
    '/feedback',
    limitedBody(FEEDBACK_MAX_BODY_BYTES, (c) =>
      c.json({ error: 'request body too large', detail: `limit is ${FEEDBACK_MAX_BODY_BYTES} bytes` }, 413),
    ),
    authenticated(deps, { route: 'feedback' }, 'feedback call rejected'),
    jsonBody('the body must be a JSON object, see runtime/README.md "Feedback"', (value, c) => {
      const parsed = feedbackRequestSchema.safeParse(value);
      if (parsed.success) return parsed.data;
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      return c.json({ error: 'invalid feedback', problems }, 400);
    }),
    rateLimited<FeedbackEnv>(deps.rateLimiter, (c) => `feedback:${c.get('body').session}`),
    async (c) => {
      try {
        const outcome = await deps.feedback.submit(c.get('body'));
        // 200, not 201 or 202: the rating is committed (not merely queued), and the answer is the same
        // whether it was new, replaced an earlier rating or repeated a retried request (an upsert by id).
        if (outcome.status === 'stored') return c.json({ id: outcome.id, status: 'stored' }, 200);
        if (outcome.status === 'refused') return c.json({ error: 'feedback refused', detail: outcome.reason }, 422);
        return c.json({ error: 'feedback unavailable', detail: outcome.reason }, 503, { 'retry-after': String(outcome.retryAfterSeconds) });
      } catch (error) {
        deps.logger.error({ err: error }, 'feedback failed');
        return c.json({ error: 'feedback unavailable', detail: 'internal error; retry with the same body' }, 503, { 'retry-after': '5' });
      }
    },
  );
  return routes;
}
