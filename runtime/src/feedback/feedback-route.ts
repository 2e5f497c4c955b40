import { Context } from 'hono';
import type { AppDependencies } from '../app';
import { authenticateCaller } from '../security/authenticate-caller';
import { feedbackRequestSchema } from './feedback-request';

/**
 * `POST /feedback`: authenticated exactly like the webhook (same credentials), rate limited per
 * session, validated, then answered 200 once the rating is committed to the database, or 503 with
 * Retry-After when it could not be (see FeedbackService). Every refusal is JSON naming the problem.
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
    // 200, not 201 or 202: the rating is committed (not merely queued), and the answer is the same
    // whether it was new, replaced an earlier rating or repeated a retried request (an upsert by id).
    if (outcome.status === 'stored') return c.json({ id: outcome.id, status: 'stored' }, 200);
    if (outcome.status === 'refused') return c.json({ error: 'feedback refused', detail: outcome.reason }, 422);
    return c.json({ error: 'feedback unavailable', detail: outcome.reason }, 503, { 'retry-after': String(outcome.retryAfterSeconds) });
  } catch (error) {
    deps.logger.error({ err: error }, 'feedback failed');
    return c.json({ error: 'feedback unavailable', detail: 'internal error; retry with the same body' }, 503, { 'retry-after': '5' });
  }
}
