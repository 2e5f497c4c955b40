import { Hono } from 'hono';
import { Logger } from 'pino';
import { FeedbackRouteDependencies, feedbackRoutes } from './feedback/feedback-routes';
import { RuntimeMetrics } from './telemetry/metrics';
import { Readiness } from './webhook/readiness';
import { WebhookRouteDependencies, webhookErrorReply, webhookRoutes } from './webhook/webhook-routes';

export interface AppDependencies extends WebhookRouteDependencies, FeedbackRouteDependencies {
  readonly readiness: Readiness;
  readonly metrics: RuntimeMetrics;
  readonly logger: Logger;
}

/**
 * The HTTP surface: health and metrics here, the webhook (webhook/webhook-routes.ts) and feedback
 * (feedback/feedback-routes.ts) as sub-apps, each composed of middleware and given only the
 * dependencies it uses. Every answer is JSON, unknown paths included.
 */
export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();
  const { metrics, logger } = deps;

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const report = deps.readiness.report();
    return c.json(report, report.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  app.route('/webhook', webhookRoutes(deps));
  app.route('/', feedbackRoutes(deps));

  app.notFound((c) => c.json({ error: 'not found', path: c.req.path }, 404));
  // A webhook call is still answered 200, degraded (see webhookErrorReply); anything else is a 500.
  const webhookError = webhookErrorReply(deps);
  app.onError((error, c) => {
    if (c.req.path.startsWith('/webhook/')) return webhookError(error, c);
    logger.error({ err: error }, 'unhandled error');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
