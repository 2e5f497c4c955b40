import { Hono } from 'hono';
import { Logger } from 'pino';
import { Authenticator } from '../security/authenticator';
import { parseNotification } from './notification';
import { IncidentResponder } from './responder';
import { renderReview } from './review';
import { IncidentStore } from './store';

/**
 * The responder's HTTP surface. `POST /pubsub` takes Pub/Sub push deliveries (OIDC-authenticated:
 * only the push subscription's service account); any non-2xx makes Pub/Sub redeliver, so only a
 * malformed message is refused for good (400 would be retried forever: it is acknowledged and logged).
 * The operator routes (stop automation, read a review) take a Google ID token of a listed operator:
 * the push account is not one, and an operator cannot push alerts.
 */
export function createResponderApp(deps: {
  readonly responder: IncidentResponder;
  /** Pub/Sub push tokens. */
  readonly authenticator: Authenticator;
  /** People (and automation accounts) who may stop automation; absent: nobody can over HTTP. */
  readonly operators?: Authenticator;
  readonly store?: IncidentStore;
  readonly runbookBaseUrl: string;
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

  const operator = async (headers: Headers): Promise<{ ok: true; who: string } | { ok: false; reason: string }> => {
    if (!deps.operators) return { ok: false, reason: 'no-operators-configured' };
    const auth = await deps.operators.authenticate(headers);
    if (!auth.ok) {
      deps.logger.warn({ event: 'incident.operator_refused', reason: auth.reason, principal: auth.principal }, 'operator request refused');
      return { ok: false, reason: auth.reason };
    }
    return { ok: true, who: auth.principal ?? 'unknown' };
  };

  // Stop switch: no further automated actions on this incident; {"revert": true} also undoes the applied mitigations now.
  app.post('/incidents/:id/stop-automation', async (c) => {
    const who = await operator(c.req.raw.headers);
    if (!who.ok) return c.json({ error: 'unauthenticated', reason: who.reason }, 401);
    const body = (await c.req.json().catch(() => ({}))) as { revert?: unknown };
    const result = await deps.responder.stopAutomation(c.req.param('id'), who.who, deps.now(), { revert: body.revert === true });
    if (!result) return c.json({ error: 'no such incident' }, 404);
    deps.logger.warn({ event: 'incident.automation_stopped', ...result }, 'automation stopped on an incident');
    return c.json(result, 200);
  });

  app.get('/incidents/:id/review', async (c) => {
    const who = await operator(c.req.raw.headers);
    if (!who.ok) return c.json({ error: 'unauthenticated', reason: who.reason }, 401);
    const id = c.req.param('id');
    const live = deps.responder.incidents.find((i) => i.id === id);
    const stored = (await deps.store?.load(id)) ?? (live && deps.responder.snapshot(live));
    if (!stored) return c.json({ error: 'no such incident' }, 404);
    return c.body(renderReview(stored, { runbookBaseUrl: deps.runbookBaseUrl }), 200, { 'content-type': 'text/markdown; charset=utf-8' });
  });
  return app;
}
