import { Context, Env, MiddlewareHandler } from 'hono';
import { SessionRateLimiter } from './rate-limiter';

/**
 * Middleware: one request of the key's allowance per call; over it, 429 with Retry-After (whole
 * seconds) as JSON. `keyOf` reads what earlier middleware set (the session of the parsed body).
 */
export function rateLimited<E extends Env>(limiter: SessionRateLimiter, keyOf: (c: Context<E>) => string): MiddlewareHandler<E> {
  return async (c, next) => {
    const retryAfter = await limiter.consume(keyOf(c));
    if (retryAfter !== undefined) {
      return c.json({ error: 'rate limited', detail: `retry in ${retryAfter}s` }, 429, { 'retry-after': String(retryAfter) });
    }
    return next();
  };
}
