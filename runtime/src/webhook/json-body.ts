import { Context, MiddlewareHandler } from 'hono';

/** Variables `jsonBody` sets: the validated body. */
export interface JsonBodyVariables<T> {
  body: T;
}

/**
 * Middleware, Hono's validator pattern for a JSON body: parse it (400 `invalid JSON` with
 * `invalidJsonDetail` when it is not JSON), hand the value to `validate`, which returns either the
 * validated body — set as `body` for the handler — or its own refusal (a Response, e.g. a 400
 * naming the problems). The Content-Type is not checked: callers send JSON without saying so.
 */
export function jsonBody<T>(
  invalidJsonDetail: string,
  validate: (value: unknown, c: Context) => T | Response,
): MiddlewareHandler<{ Variables: JsonBodyVariables<T> }> {
  return async (c, next) => {
    // A failed read (the client went away) is not the body's fault: it goes to the route's error handler.
    const text = await c.req.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return c.json({ error: 'invalid JSON', detail: invalidJsonDetail }, 400);
    }
    const validated = validate(value, c);
    if (validated instanceof Response) return validated;
    c.set('body', validated);
    return next();
  };
}

/** A `jsonBody` validator: the body must be a JSON object (not an array, string, number or null). */
export function jsonObject(detail: string) {
  return (value: unknown, c: Context): Record<string, unknown> | Response =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : c.json({ error: 'invalid request', detail }, 400);
}
