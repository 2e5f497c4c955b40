import { Hono } from 'hono';
import { Logger } from 'pino';
import { Authenticator } from '../security/authenticator';
import { parseNotification } from './notification';
import { IncidentResponder } from './responder';

/**
 * The responder's HTTP surface. `POST /pubsub` takes Pub/Sub push deliveries (OIDC-authenticated:
 * only the push subscription's service account); any non-2xx makes Pub/Sub redeliver, so only a
 * malformed message is refused for good (400 would be retried forever: it is acknowledged and logged).
 */
export function createResponderApp(deps: {
  readonly responder: IncidentResponder;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  readonly now: () => number;
}): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.post('/pubsub', async (c) => {
    const auth = await deps.authenticator.authenticate(c.req.raw.headers);
    if (!auth.ok) return c.json({ error: 'unauthenticated', reason: auth.reason }, 401);
    const envelope = (await c.req.json().catch(() => undefined)) as { message?: { data?: string; messageId?: string } } | undefined;
    try {
      const alert = parseNotification(JSON.parse(Buffer.from(envelope?.message?.data ?? '', 'base64').toString('utf8')));
      await deps.responder.receive(alert, deps.now());
      await deps.responder.tick(deps.now());
      deps.logger.info({ event: 'incident.alert', kind: alert.kind, state: alert.state, alertId: alert.id }, 'alert received');
    } catch (error) {
      deps.logger.error(
        { event: 'incident.bad_message', messageId: envelope?.message?.messageId, err: error },
        'notification not understood; acknowledged',
      );
    }
    return c.body(null, 204);
  });
  app.get('/incidents', (c) =>
    c.json(deps.responder.incidents.filter((i) => i.state !== 'dropped').map((i) => ({ ...i, actedOn: [...i.actedOn] }))),
  );
  app.post('/incidents/:id/stop-automation', async (c) => {
    const auth = await deps.authenticator.authenticate(c.req.raw.headers);
    if (!auth.ok) return c.json({ error: 'unauthenticated' }, 401);
    const stopped = deps.responder.stopAutomation(c.req.param('id'), auth.principal ?? 'unknown', deps.now());
    return stopped ? c.body(null, 204) : c.json({ error: 'no such incident' }, 404);
  });
  return app;
}
