import { Context } from 'hono';
import { Logger } from 'pino';
import { RuntimeMetrics } from '../telemetry/metrics';
import { Authenticator } from './authenticator';

/**
 * Check the caller's credentials for any authenticated route (webhook, feedback). A rejection is
 * counted and logged as `webhook.auth_failed` with `context` (the route or protocol) — the event
 * SecurityMonitoring watches — and the caller answers 401.
 */
export async function authenticateCaller(
  c: Context,
  deps: { readonly authenticator: Authenticator; readonly metrics: RuntimeMetrics; readonly logger: Logger },
  context: Record<string, string>,
  message: string,
): Promise<boolean> {
  const auth = await deps.authenticator.authenticate({ get: (name) => c.req.header(name) });
  if (auth.ok) return true;
  deps.metrics.authFailures.inc({ reason: auth.reason });
  deps.logger.warn({ event: 'webhook.auth_failed', reason: auth.reason, principal: auth.principal, ...context }, message);
  return false;
}
