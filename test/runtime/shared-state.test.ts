/**
 * Shared state through Memorystore, against a real Redis that does what Memorystore does: TLS only
 * (a server certificate from a CA made here with openssl), and ACL authentication where the
 * default user's password is the current IAM access token. Tokens come from the real
 * google-auth-library talking to a local fake of the GCE metadata server.
 */
import { RedisClientType, createClient } from 'redis';
import { createRedisConnection, refreshDelayMs } from '../../runtime/src/storage/redis-connection';
import { FakeMetadataServer, letGoogleAuthFetchInJest } from './support/fake-metadata-server';
import { RedisServer, waitFor } from './support/local-servers';
import { TestRuntime, cxRequest, startRuntime, validReply } from './support/runtime-harness';
import { TestCertificateAuthority } from './support/test-certificates';

const ADMIN_PASSWORD = 'admin-only-for-the-test';
let ca: TestCertificateAuthority;
let otherCa: TestCertificateAuthority;
let redis: RedisServer;
let metadata: FakeMetadataServer;
let admin: RedisClientType;
const opened: RedisClientType[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  ca = TestCertificateAuthority.create('memorystore');
  otherCa = TestCertificateAuthority.create('impostor');
  const server = ca.issue('redis-server', 'redis.test', ['IP:127.0.0.1', 'DNS:localhost']);
  metadata = await FakeMetadataServer.start();
  // google-auth-library finds "the metadata server" here; no other credentials may win over it.
  process.env.GCE_METADATA_HOST = metadata.host;
  letGoogleAuthFetchInJest();
  process.env.METADATA_SERVER_DETECTION = 'assume-present';
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  delete process.env.GCE_METADATA_IP;
  redis = await RedisServer.start({
    args: (port) => [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      server.certFile,
      '--tls-key-file',
      server.keyFile,
      '--tls-ca-cert-file',
      ca.certFile,
      '--tls-auth-clients',
      'no',
      // One word per argument: redis-server joins them into the config line `user <name> <rules...>`.
      '--user',
      'admin',
      'on',
      `>${ADMIN_PASSWORD}`,
      '~*',
      '&*',
      '+@all',
      '--user',
      'default',
      'on',
      `>${metadata.currentToken}`,
      '~*',
      '&*',
      '+@all',
    ],
  });
  admin = createClient({
    socket: { host: '127.0.0.1', port: redis.port, tls: true, ca: ca.pem },
    username: 'admin',
    password: ADMIN_PASSWORD,
  }) as RedisClientType;
  await admin.connect();
}, 30_000);

afterAll(async () => {
  for (const client of opened) if (client.isOpen) client.destroy();
  await admin?.quit();
  await redis?.stop();
  await metadata?.stop();
  ca?.destroy();
  otherCa?.destroy();
  process.env = savedEnv;
});

afterEach(async () => {
  for (const client of opened.splice(0)) if (client.isOpen) client.destroy();
});

/** Make `tokens` the only passwords the default user accepts (Memorystore accepts any valid token). */
async function acceptTokens(...tokens: string[]): Promise<void> {
  await admin.sendCommand(['ACL', 'SETUSER', 'default', 'resetpass', ...tokens.map((t) => `>${t}`)]);
}

function iamClient(tlsCa = ca.pem, onAuthError?: (error: Error) => void): RedisClientType {
  const client = createRedisConnection({ url: `rediss://127.0.0.1:${redis.port}`, tlsCa, iamAuth: true, onAuthError });
  client.on('error', () => undefined);
  opened.push(client);
  return client;
}

async function commandStats(command: string): Promise<{ calls: number; failed: number }> {
  const info = await admin.info('commandstats');
  const line = info.split('\n').find((l) => l.startsWith(`cmdstat_${command}:`)) ?? '';
  return { calls: Number(/calls=(\d+)/.exec(line)?.[1] ?? 0), failed: Number(/failed_calls=(\d+)/.exec(line)?.[1] ?? 0) };
}

describe('Memorystore connection: verified TLS and IAM auth', () => {
  beforeEach(async () => {
    metadata.currentToken = 'ya29.first-token';
    metadata.expiresInSeconds = 3600;
    await acceptTokens('ya29.first-token');
  });

  test('the service account token from the metadata server is the AUTH password, over TLS verified against the CA', async () => {
    const client = iamClient();
    await client.connect();
    await client.set('shared-state:probe', 'ok');
    expect(await client.get('shared-state:probe')).toBe('ok');
    expect(await client.sendCommand(['ACL', 'WHOAMI'])).toBe('default');
    expect(metadata.issued).toContain('ya29.first-token');
  });

  test('a server whose certificate does not chain to the given CA is refused', async () => {
    const errors: Error[] = [];
    const client = iamClient(otherCa.pem);
    client.on('error', (e: Error) => errors.push(e));
    void client.connect().catch(() => undefined);
    await waitFor(() => errors.length > 0, 'a TLS error');
    expect(errors[0].message).toMatch(/certificate/i);
    expect(client.isReady).toBe(false);
  });

  test('a token the server does not accept is refused', async () => {
    metadata.currentToken = 'ya29.not-granted';
    metadata.expiresInSeconds = 60;
    const errors: Error[] = [];
    const client = iamClient();
    client.on('error', (e: Error) => errors.push(e));
    void client.connect().catch(() => undefined);
    await waitFor(() => errors.some((e) => /WRONGPASS|invalid username-password/i.test(e.message)), 'an authentication error');
    expect(client.isReady).toBe(false);
  });

  test('after the token rotates, a reconnect authenticates with the new token', async () => {
    // A 60 s token is inside google-auth-library's 5-minute eager-refresh window: every fetch is fresh.
    metadata.expiresInSeconds = 60;
    const client = iamClient();
    await client.connect();
    const before = await client.clientId();

    metadata.currentToken = 'ya29.second-token';
    await acceptTokens('ya29.second-token');
    await admin.sendCommand(['CLIENT', 'KILL', 'USER', 'default']);

    await waitFor(async () => client.isReady && (await client.ping()) === 'PONG', 'the reconnect with the new token');
    expect(await client.clientId()).not.toBe(before);
    expect(metadata.issued.at(-1)).toBe('ya29.second-token');
    // The old token no longer opens a connection.
    const stale = createClient({
      socket: { host: '127.0.0.1', port: redis.port, tls: true, ca: ca.pem, reconnectStrategy: false },
      password: 'ya29.first-token',
    });
    stale.on('error', () => undefined);
    await expect(stale.connect()).rejects.toThrow(/WRONGPASS|invalid username-password/i);
    stale.destroy();
  });

  test('on a live connection the token is replaced (AUTH again) before it expires', async () => {
    metadata.expiresInSeconds = 2;
    const client = iamClient();
    await client.connect();
    const id = await client.clientId();
    const auth = await commandStats('auth');
    // The next token the metadata server issues; both are valid while the old one lives.
    metadata.currentToken = 'ya29.refreshed-token';
    await acceptTokens('ya29.first-token', 'ya29.refreshed-token');

    await waitFor(async () => (await commandStats('auth')).calls > auth.calls, 'a re-AUTH on the live connection', 5_000);
    expect((await commandStats('auth')).failed).toBe(auth.failed);
    expect(metadata.issued).toContain('ya29.refreshed-token');
    // Same connection, now authenticated by the new token only.
    await acceptTokens('ya29.refreshed-token');
    expect(await client.clientId()).toBe(id);
    expect(await client.ping()).toBe('PONG');
  });

  test('refresh timing: 5 minutes before the end of an hour-long token, halfway through a short one', () => {
    const now = 1_000_000;
    expect(refreshDelayMs({ token: 't', expiresAt: now + 3_600_000 }, now)).toBe(3_300_000);
    expect(refreshDelayMs({ token: 't', expiresAt: now + 60_000 }, now)).toBe(30_000);
    expect(refreshDelayMs({ token: 't', expiresAt: now + 500 }, now)).toBe(1_000);
  });
});

describe('two runtime instances on one Memorystore', () => {
  let a: TestRuntime;
  let b: TestRuntime;
  let sideEffects = 0;

  beforeAll(async () => {
    metadata.currentToken = 'ya29.runtime-token';
    metadata.expiresInSeconds = 3600;
    await acceptTokens('ya29.runtime-token');
    const env = {
      // The construct's wiring: this region's endpoint, the instance's CA, IAM auth.
      WEBHOOK_REGION: 'us-central1',
      REDIS_ENDPOINTS: JSON.stringify({ 'us-central1': `127.0.0.1:${redis.port}`, 'europe-west1': '10.9.0.5:6379' }),
      REDIS_TLS_CA: ca.pem,
      REDIS_IAM_AUTH: 'true',
      RATE_LIMIT_PER_MINUTE: '4',
    };
    const registerHandlers = (registry: import('../../runtime/src/handlers/handler-registry').HandlerRegistry) =>
      registry.register('book-callback', {
        sideEffects: true,
        handle: async () => {
          sideEffects += 1;
          // Long enough that Dialogflow's retry reaches the other instance while this one still runs.
          await new Promise((r) => setTimeout(r, 400));
          return { messages: [`Callback booked (#${sideEffects})`] };
        },
      });
    a = await startRuntime(env, { registerHandlers });
    b = await startRuntime(env, { registerHandlers });
    await waitFor(() => Boolean(a.redis?.isReady && b.redis?.isReady), 'both runtimes connected to Redis');
  }, 30_000);

  afterAll(async () => {
    await a?.close(1_000);
    await b?.close(1_000);
  });

  test('a retried turn on instance B, sent while A still runs it, replays A’s reply without running its side effects again', async () => {
    const request = cxRequest('please call me back tomorrow', 'book-callback');
    const before = sideEffects;
    const first = a.post('/webhook/cx', request);
    await new Promise((r) => setTimeout(r, 100));
    const retry = b.post('/webhook/cx', request);
    const [firstRes, retryRes] = await Promise.all([first, retry]);
    const [firstBody, retryBody] = [await firstRes.text(), await retryRes.text()];
    expect(sideEffects - before).toBe(1);
    expect(retryBody).toBe(firstBody);
    expect(firstRes.status).toBe(200);
  });

  test('a retried turn on instance B after A answered gets the same bytes, side effects once', async () => {
    const request = cxRequest('call me back on Monday', 'book-callback');
    const before = sideEffects;
    const first = await validReply(await a.post('/webhook/cx', request), 'cx');
    const retry = await validReply(await b.post('/webhook/cx', request), 'cx');
    expect(retry).toEqual(first);
    expect(sideEffects - before).toBe(1);
  });

  test("a session's rate limit is shared: requests spread over both instances count together", async () => {
    const session = 'projects/p/locations/global/agents/a/sessions/shared-limit';
    const call = (runtime: TestRuntime) =>
      runtime.post('/webhook/cx', cxRequest('hello', 'enrich', { sessionInfo: { session, parameters: {} } })).then((r) => r.status);
    const statuses = [await call(a), await call(b), await call(a), await call(b), await call(b)];
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const keys = await admin.keys('rl*shared-limit');
    expect(keys.length).toBe(1);
  });
});
