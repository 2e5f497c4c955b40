import { MiddlewareHandler } from 'hono';
import { Logger } from 'pino';
import { RuntimeMetrics } from '../telemetry/metrics';
import { Authenticator } from './authenticator';

/** What `authenticated` needs: the credential check, and where a rejection is counted and logged. */
export interface AuthenticationDependencies {
  readonly authenticator: Authenticator;
  readonly metrics: RuntimeMetrics;
  readonly logger: Logger;
}

/**
 * Middleware: check the caller's credentials for any authenticated route (webhook, feedback). A
 * rejection is counted and logged as `webhook.auth_failed` with `context` (the route or protocol)
 * — the event SecurityMonitoring watches — and answered 401 as JSON.
 */
export function authenticated(deps: AuthenticationDependencies, context: Record<string, string>, message: string): MiddlewareHandler {
  return async (c, next) => {
    const auth = await deps.authenticator.authenticate({ get: (name) => c.req.header(name) });
    if (!auth.ok) {
      deps.metrics.authFailures.inc({ reason: auth.reason });
      deps.logger.warn({ event: 'webhook.auth_failed', reason: auth.reason, principal: auth.principal, ...context }, message);
      return c.json({ error: 'unauthenticated' }, 401);
    }
    return next();
  };
}
