import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import pino from 'pino';
import { ALERT_DEPENDENCIES, incidentRules } from '../../constructs/incident-response/alert-dependencies';
import { IncidentMessage, IncidentResponder } from '../../runtime/src/incident/responder';
import { createResponderApp } from '../../runtime/src/incident/responder-app';
import { parseRules } from '../../runtime/src/incident/rules';
import { Authenticator } from '../../runtime/src/security/authenticator';

const AUDIENCE = 'convai-pubsub-push';
const PUSH = 'convai-push@acme-convai-prod.iam.gserviceaccount.com';
const OPERATOR_AUDIENCE = 'convai-responder-operators';
const ONCALL = 'oncall@acme.example';

/** Pub/Sub push deliveries as Pub/Sub sends them: the envelope, base64 data, a Google ID token. */
describe('responder service: Pub/Sub push endpoint', () => {
  let server: Server;
  let key: Awaited<ReturnType<typeof generateKeyPair>>;
  let app: ReturnType<typeof createResponderApp>;
  let responder: IncidentResponder;
  const messages: IncidentMessage[] = [];
  let clock = 0;

  const token = (email = PUSH, audience = AUDIENCE) =>
    new SignJWT({ email, email_verified: true })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://accounts.google.com')
      .setAudience(audience)
      .setSubject('1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
  const push = async (notification: unknown, bearer?: string) =>
    app.request('/pubsub', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) },
      body: JSON.stringify({
        message: { data: Buffer.from(JSON.stringify(notification)).toString('base64'), messageId: '1' },
        subscription: 'projects/p/subscriptions/convai-responder',
      }),
    });

  beforeAll(async () => {
    key = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const rules = parseRules(
      incidentRules({
        kinds: Object.keys(ALERT_DEPENDENCIES),
        project: 'p',
        runbookBaseUrl: 'https://example.invalid/rb',
        latencyObjective: 95,
        latencyThresholdMs: 800,
        windowDays: 30,
      }),
      'rules',
    );
    responder = new IncidentResponder({ rules, dryRun: true, notify: async (m) => void messages.push(m) });
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
    app = createResponderApp({
      responder,
      authenticator: new Authenticator({
        mode: 'google-id-token',
        audiences: [AUDIENCE],
        allowedPrincipals: [PUSH],
        jwksUrl,
        issuers: ['https://accounts.google.com'],
      }),
      operators: new Authenticator({
        mode: 'google-id-token',
        audiences: [OPERATOR_AUDIENCE],
        allowedPrincipals: [ONCALL],
        jwksUrl,
        issuers: ['https://accounts.google.com'],
      }),
      runbookBaseUrl: 'https://example.invalid/rb',
      logger: pino({ level: 'silent' }),
      now: () => clock,
    });
  });
  afterAll(() => server.close());

  test('only the push account is accepted; notifications become incidents; a bad message is acknowledged, not retried forever', async () => {
    const lines = readFileSync(join(__dirname, 'scenarios', 'unrelated-failures.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect((await push(lines[0])).status).toBe(401);
    expect((await push(lines[0], await token('someone@else.iam.gserviceaccount.com'))).status).toBe(401);
    clock = lines[0].incident.started_at;
    expect((await push(lines[0], await token())).status).toBe(204);
    expect(responder.counts.alerts).toBe(1);
    clock += 600; // past the group wait: the next delivery's tick announces it
    expect((await push({ not: 'a notification' }, await token())).status).toBe(204);
    await responder.tick(clock);
    expect(messages.map((m) => m.change)).toEqual(['opened']);
    const listed = (await (await app.request('/incidents')).json()) as Array<{ id: string; key: string }>;
    expect(listed.map((i) => i.key)).toEqual(['webhook/nlp']);
  });

  test('only a listed operator can stop automation or read a review; the push account cannot', async () => {
    const [incident] = responder.incidents.filter((i) => i.state === 'open');
    const stop = async (bearer?: string, body?: unknown) =>
      app.request(`/incidents/${incident.id}/stop-automation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await stop()).status).toBe(401);
    expect((await stop(await token())).status).toBe(401); // the push account is not an operator
    expect((await stop(await token(ONCALL))).status).toBe(401); // an operator's token for the push audience
    expect((await stop(await token('intruder@acme.example', OPERATOR_AUDIENCE))).status).toBe(401);
    expect(incident.automationStopped).toBe(false);

    const res = await stop(await token(ONCALL, OPERATOR_AUDIENCE), { revert: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ incident: incident.id, stoppedBy: ONCALL, reverted: [], stillApplied: [] });
    expect(incident.automationStopped).toBe(true);
    expect(incident.timeline.at(-1)!.what).toBe(`automation stopped by ${ONCALL}`);
    expect(
      (
        await app.request('/incidents/inc-none/stop-automation', {
          method: 'POST',
          headers: { authorization: `Bearer ${await token(ONCALL, OPERATOR_AUDIENCE)}` },
        })
      ).status,
    ).toBe(404);

    const review = await app.request(`/incidents/${incident.id}/review`, {
      headers: { authorization: `Bearer ${await token(ONCALL, OPERATOR_AUDIENCE)}` },
    });
    expect(review.status).toBe(200);
    expect(review.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await review.text()).toContain(`| Automation stopped | by ${ONCALL} at `);
    expect((await app.request(`/incidents/${incident.id}/review`, { headers: { authorization: `Bearer ${await token()}` } })).status).toBe(
      401,
    );
  });
});
