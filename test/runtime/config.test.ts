import { ConfigError, loadConfig } from '../../runtime/src/config';

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
});
