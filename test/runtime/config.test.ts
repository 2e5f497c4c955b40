import { ConfigError, PRODUCTION_VARIABLES, loadConfig } from '../../runtime/src/config';
import { createRuntime } from '../../runtime/src/runtime';

describe('runtime configuration', () => {
  test('embedded defaults: local analyzer, embedded database, no Redis, no auth outside production', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      production: false,
      port: 8080,
      auth: { mode: 'none' },
      nlp: { mode: 'local', deadlineMs: 1500 },
      redisUrl: undefined,
    });
    expect(config.database.url).toBeUndefined();
  });

  test('Google credentials switch the analyzer to the API', () => {
    expect(loadConfig({ K_SERVICE: 'webhook' }).nlp.mode).toBe('google');
    expect(loadConfig({ GOOGLE_APPLICATION_CREDENTIALS: '/tmp/key.json', NLP_MODE: 'local' }).nlp.mode).toBe('local');
  });

  test('production refuses to run without verification, naming the variable and the fix', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_MODE: is required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'none' })).toThrow(/"none" is refused when NODE_ENV=production/);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'google-id-token' })).toThrow(/AUTH_AUDIENCE: is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'shared-secret' })).toThrow(/WEBHOOK_SHARED_SECRET: is required/);
  });

  test('every invalid variable is listed at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/REDIS_URL:/);
  });

  test('cross-variable rules: the NLP deadline must fit in the webhook budget', () => {
    expect(() => loadConfig({ NLP_DEADLINE_MS: '9000', WEBHOOK_BUDGET_MS: '4000' })).toThrow(
      /NLP_DEADLINE_MS: must be below WEBHOOK_BUDGET_MS \(4000\)/,
    );
  });

  test('a valid production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      AUTH_MODE: 'google-id-token',
      AUTH_AUDIENCE: 'https://webhook.example.com',
      AUTH_ALLOWED_PRINCIPALS: 'service-123@gcp-sa-dialogflow.iam.gserviceaccount.com',
      REDIS_URL: 'rediss://10.0.0.3:6378',
      DATABASE_URL: 'postgres://webhook@10.0.0.4/convai',
      PG_IAM_AUTH: 'true',
      K_SERVICE: 'webhook',
    });
    expect(config.auth).toMatchObject({ mode: 'google-id-token', audiences: ['https://webhook.example.com'] });
    expect(config.auth.allowedPrincipals).toHaveLength(1);
    expect(config.database).toMatchObject({ iamAuth: true });
  });

  describe('production is recognised from every variable that declares it, and then requires authentication', () => {
    test.each([
      [{ NODE_ENV: 'production' }, 'NODE_ENV=production'],
      [{ RUNTIME_ENV: 'production' }, 'RUNTIME_ENV=production'],
      [{ RUNTIME_ENV: 'prod' }, 'RUNTIME_ENV=prod'],
      [{ PLATFORM_ENV: 'prod' }, 'PLATFORM_ENV=prod'],
      [{ PLATFORM_ENV: 'production' }, 'PLATFORM_ENV=production'],
      [{ PLATFORM_ENV: ' PROD ' }, 'PLATFORM_ENV= PROD '],
      // One variable saying production is enough, whatever the others say.
      [{ NODE_ENV: 'development', PLATFORM_ENV: 'prod' }, 'PLATFORM_ENV=prod'],
      [{ NODE_ENV: 'test', RUNTIME_ENV: 'production' }, 'RUNTIME_ENV=production'],
    ])('%j', (env, named) => {
      expect(() => loadConfig({ ...env, DATABASE_MODE: 'off' })).toThrow(`AUTH_MODE: is required in production (${named})`);
      expect(() => loadConfig({ ...env, DATABASE_MODE: 'off', AUTH_MODE: 'none' })).toThrow(`"none" is refused when ${named}`);
      const config = loadConfig({ ...env, DATABASE_MODE: 'off', AUTH_MODE: 'shared-secret', WEBHOOK_SHARED_SECRET: 'x'.repeat(32) });
      expect(config.production).toBe(true);
    });

    test('every production variable is read (a new one must be added to the list above)', () => {
      expect([...PRODUCTION_VARIABLES].sort()).toEqual(['NODE_ENV', 'PLATFORM_ENV', 'RUNTIME_ENV']);
    });

    test.each([{}, { PLATFORM_ENV: 'dev' }, { RUNTIME_ENV: 'staging' }, { NODE_ENV: 'test', PLATFORM_ENV: 'production-like' }])(
      'not production: %j runs without authentication',
      (env) => {
        expect(loadConfig({ ...env, DATABASE_MODE: 'off' })).toMatchObject({ production: false, auth: { mode: 'none' } });
      },
    );

    test('a hand-built production configuration without authentication does not start either', async () => {
      const open = loadConfig({ DATABASE_MODE: 'off' });
      await expect(createRuntime({ ...open, production: true }, { tracing: false, processMetrics: false })).rejects.toThrow(
        /AUTH_MODE: "none" is refused in production/,
      );
    });

    test('Google ID tokens in production need an allowlist: any Google account can mint a token for an audience', () => {
      const env = { PLATFORM_ENV: 'prod', DATABASE_MODE: 'off', AUTH_MODE: 'google-id-token', AUTH_AUDIENCE: 'https://webhook.acme.dev' };
      expect(() => loadConfig(env)).toThrow(/AUTH_ALLOWED_PRINCIPALS: is required with AUTH_MODE=google-id-token in production/);
      expect(loadConfig({ ...env, AUTH_ALLOWED_PRINCIPALS: 'service-1@gcp-sa-dialogflow.iam.gserviceaccount.com' }).auth.mode).toBe(
        'google-id-token',
      );
    });
  });

  describe('the shared secret', () => {
    const withSecret = (secret: string) => loadConfig({ AUTH_MODE: 'shared-secret', WEBHOOK_SHARED_SECRET: secret });

    test.each([' ', '   \t  ', '\n'])('whitespace only (%j) is refused, naming the variable', (secret) => {
      expect(() => withSecret(secret)).toThrow(/WEBHOOK_SHARED_SECRET: is blank \(only whitespace\)/);
    });

    test.each(['short', 'fifteen chars!!', '   fifteen chars!!   '])('too short (%j) is refused', (secret) => {
      expect(() => withSecret(secret)).toThrow(
        /WEBHOOK_SHARED_SECRET: must be at least 16 characters, not counting surrounding whitespace/,
      );
    });

    test('surrounding whitespace (a newline from a file) is not part of the secret: a header could never carry it', () => {
      expect(withSecret('  correct horse battery staple\n').auth.sharedSecret).toBe('correct horse battery staple');
    });
  });
});
