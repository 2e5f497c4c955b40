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

/** Pub/Sub push deliveries as Pub/Sub sends them: the envelope, base64 data, a Google ID token. */
describe('responder service: Pub/Sub push endpoint', () => {
  let server: Server;
  let key: Awaited<ReturnType<typeof generateKeyPair>>;
  let app: ReturnType<typeof createResponderApp>;
  let responder: IncidentResponder;
  const messages: IncidentMessage[] = [];
  let clock = 0;

  const token = (email = PUSH) =>
    new SignJWT({ email, email_verified: true })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://accounts.google.com')
      .setAudience(AUDIENCE)
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
    app = createResponderApp({
      responder,
      authenticator: new Authenticator({
        mode: 'google-id-token',
        audiences: [AUDIENCE],
        allowedPrincipals: [PUSH],
        jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`,
        issuers: ['https://accounts.google.com'],
      }),
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
    const stop = await app.request(`/incidents/${listed[0].id}/stop-automation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(stop.status).toBe(204);
  });
});
