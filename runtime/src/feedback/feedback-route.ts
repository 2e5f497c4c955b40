import { Context } from 'hono';
import type { AppDependencies } from '../app';
import { authenticateCaller } from '../security/authenticate-caller';
import { feedbackRequestSchema } from './feedback-request';

/**
 * `POST /feedback`: authenticated exactly like the webhook (same credentials), rate limited per
 * session, validated, then accepted with 202 once the rating is queued for the database (it is
 * written within seconds, or when the database returns). Every refusal is JSON naming the problem.
 */
export async function handleFeedback(c: Context, deps: AppDependencies): Promise<Response> {
  if (!(await authenticateCaller(c, deps, { route: 'feedback' }, 'feedback call rejected')))
    return c.json({ error: 'unauthenticated' }, 401);
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return c.json({ error: 'invalid JSON', detail: 'the body must be a JSON object, see runtime/README.md "Feedback"' }, 400);
  }
  const parsed = feedbackRequestSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return c.json({ error: 'invalid feedback', problems }, 400);
  }
  const retryAfter = await deps.rateLimiter.consume(`feedback:${parsed.data.session}`);
  if (retryAfter !== undefined) {
    return c.json({ error: 'rate limited', detail: `retry in ${retryAfter}s` }, 429, { 'retry-after': String(retryAfter) });
  }
  try {
    const outcome = await deps.feedback.submit(parsed.data);
    if (outcome.status === 'accepted') return c.json({ id: outcome.id, status: 'accepted' }, 202);
    return c.json({ error: 'feedback unavailable', detail: outcome.reason }, 503, { 'retry-after': String(outcome.retryAfterSeconds) });
  } catch (error) {
    deps.logger.error({ err: error }, 'feedback failed');
    return c.json({ error: 'feedback unavailable', detail: 'internal error; retry with the same body' }, 503, { 'retry-after': '5' });
  }
}
