import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { TestRuntime, cxRequest, metricValue, scrape, startRuntime } from './support/runtime-harness';

const AUDIENCE = 'https://webhook.acme.dev';
const AGENT = 'service-123@gcp-sa-dialogflow.iam.gserviceaccount.com';

/** A local JWKS endpoint standing in for https://www.googleapis.com/oauth2/v3/certs. */
async function serveJwks(jwks: object): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`, hits: () => hits };
}

describe('Google ID token authentication', () => {
  let google: Awaited<ReturnType<typeof generateKeyPair>>;
  let stranger: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  let runtime: TestRuntime;

  const token = (claims: Record<string, unknown> = {}, key = google.privateKey, kid = 'google-1', expiresIn = '5m') =>
    new SignJWT({ email: AGENT, email_verified: true, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer((claims.iss as string) ?? 'https://accounts.google.com')
      .setAudience((claims.aud as string) ?? AUDIENCE)
      .setSubject('1234567890')
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);

  beforeAll(async () => {
    google = await generateKeyPair('RS256');
    stranger = await generateKeyPair('RS256');
    jwks = await serveJwks({ keys: [{ ...(await exportJWK(google.publicKey)), kid: 'google-1', alg: 'RS256', use: 'sig' }] });
    runtime = await startRuntime({
      AUTH_MODE: 'google-id-token',
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ALLOWED_PRINCIPALS: AGENT,
      AUTH_JWKS_URL: jwks.url,
    });
  });
  afterAll(async () => {
    await runtime.close(1000);
    jwks.server.close();
  });

  test('a valid token from the Dialogflow service agent is accepted; keys are fetched once and cached', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await runtime.post('/webhook/cx', cxRequest('where is my card'), { authorization: `Bearer ${await token()}` });
      expect(res.status).toBe(200);
    }
    expect(jwks.hits()).toBe(1);
  });

  test.each([
    ['no credentials', async () => undefined, 'missing-credentials'],
    ['wrong audience', async () => token({ aud: 'https://someone-else.dev' }), 'claim-aud'],
    ['wrong issuer', async () => token({ iss: 'https://evil.example.com' }), 'claim-iss'],
    ['expired', async () => token({}, google.privateKey, 'google-1', '-1m'), 'token-expired'],
    ['signed by another key with the same kid', async () => token({}, stranger.privateKey), 'bad-signature'],
    ['a principal not on the allowlist', async () => token({ email: 'attacker@evil.iam.gserviceaccount.com' }), 'principal-not-allowed'],
    ['garbage', async () => 'not.a.jwt', 'malformed-token'],
  ])('rejects %s with a JSON 401 and an audit log line', async (_name, make, reason) => {
    const t = await make();
    const res = await runtime.post('/webhook/cx', cxRequest('hello there'), t ? { authorization: `Bearer ${t}` } : {});
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthenticated' });
    expect(runtime.logs.events('webhook.auth_failed').some((l) => l.reason === reason)).toBe(true);
    expect(metricValue(await scrape(runtime), 'webhook_auth_failures_total', { reason })).toBeGreaterThan(0);
  });
});

describe('shared secret authentication', () => {
  const SECRET = 'correct horse battery staple 42';
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startRuntime({ AUTH_MODE: 'shared-secret', WEBHOOK_SHARED_SECRET: SECRET });
  });
  afterAll(() => runtime.close(1000));

  test.each([
    [{ authorization: `Bearer ${SECRET}` }, 200],
    [{ authorization: `Basic ${Buffer.from(`dialogflow:${SECRET}`).toString('base64')}` }, 200],
    [{ 'x-webhook-secret': SECRET }, 200],
    // Cloud Run: the ID token for Cloud Run IAM in Authorization, the secret beside it.
    [{ authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln', 'x-webhook-secret': SECRET }, 200],
    [{ authorization: `Bearer ${SECRET}`, 'x-webhook-secret': 'wrong-secret-of-some-length' }, 401],
    [{ authorization: 'Bearer wrong-secret-of-some-length' }, 401],
    [{ authorization: `Basic ${Buffer.from('dialogflow:nope').toString('base64')}` }, 401],
    [{}, 401],
  ])('%j → %i', async (headers, status) => {
    const res = await runtime.post(
      '/webhook/es',
      { queryResult: { queryText: 'hi', action: 'default' } },
      headers as Record<string, string>,
    );
    expect(res.status).toBe(status);
  });
});

describe('an instance without authentication says so', () => {
  test('/readyz stays 200 (it serves) but lists auth-disabled; with authentication it is not listed', async () => {
    const open = await startRuntime({});
    const secured = await startRuntime({ AUTH_MODE: 'shared-secret', WEBHOOK_SHARED_SECRET: 'correct horse battery staple 42' });
    try {
      const openReport = await open.app.request('/readyz');
      expect(openReport.status).toBe(200);
      expect(await openReport.json()).toMatchObject({ status: 'degraded', degradations: expect.arrayContaining(['auth-disabled']) });
      const securedReport = (await (await secured.app.request('/readyz')).json()) as { degradations: string[] };
      expect(securedReport.degradations).not.toContain('auth-disabled');
    } finally {
      await Promise.all([open.close(500), secured.close(500)]);
    }
  });
});
