import { MiddlewareHandler } from 'hono';
import { Protocol } from '../protocol/turn';
import { RuntimeMetrics } from './metrics';

/** Variables `measured` sets (`startedAt`) and reads (`metricTag`, set once the tag is known). */
export interface MeasuredVariables {
  /** When the request reached the route (ms since the epoch): the webhook budget counts from here. */
  startedAt: number;
  /** The fulfillment tag as a metric label (bounded: unregistered tags are `unknown`); `none` until known. */
  metricTag: string;
}

/**
 * Middleware: every response of the route counts in `webhook_requests_total` by tag, protocol and
 * status, and a 200's latency in `webhook_request_duration_seconds` (SloAlerting reads both).
 * Outermost, so refusals before the body is read (413) are counted too.
 */
export function measured(metrics: RuntimeMetrics, protocol: Protocol): MiddlewareHandler<{ Variables: MeasuredVariables }> {
  return async (c, next) => {
    const startedAt = Date.now();
    c.set('startedAt', startedAt);
    await next();
    const tag = c.get('metricTag') ?? 'none';
    const status = c.res.status;
    metrics.requests.inc({ tag, protocol, code: String(status) });
    if (status === 200) metrics.requestDuration.observe({ tag, protocol }, (Date.now() - startedAt) / 1000);
  };
}
