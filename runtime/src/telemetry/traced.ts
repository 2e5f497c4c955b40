import { Span, TextMapGetter, context, propagation, trace } from '@opentelemetry/api';
import { Context, MiddlewareHandler } from 'hono';

const tracer = trace.getTracer('convai-webhook');

/** Variables `traced` sets: the request's span, for later middleware and error handlers. */
export interface TracedVariables {
  span: Span;
}

/**
 * Reads the W3C headers (`traceparent`, `tracestate`) one by one from the request, rather than
 * copying every header into an object per request for the propagator to look two of them up.
 */
const REQUEST_HEADERS: TextMapGetter<Context> = {
  get: (c, key) => c.req.header(key),
  keys: (c) => Object.keys(c.req.header()),
};

/**
 * Middleware: the rest of the request runs inside a span named `name`, child of the caller's
 * trace context when it sent one (sampling follows a sampled parent, else the ratio in
 * telemetry/tracing.ts). The span ends with the response's status as `http.response.status_code`.
 */
export function traced(name: string): MiddlewareHandler<{ Variables: TracedVariables }> {
  const run = (c: Context<{ Variables: TracedVariables }>, next: () => Promise<void>) =>
    tracer.startActiveSpan(name, async (span) => {
      c.set('span', span);
      try {
        await next();
      } finally {
        span.setAttribute('http.response.status_code', c.res.status);
        span.end();
      }
    });
  return (c, next) => {
    const active = context.active();
    const parent = propagation.extract(active, c, REQUEST_HEADERS);
    // Without trace headers (most calls) there is no parent to enter: one context switch less per request.
    return parent === active ? run(c, next) : context.with(parent, () => run(c, next));
  };
}
