import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { FakeLanguageServer } from './support/fake-language-server';
import { PostgresServer, freePort } from './support/local-servers';
import { cxRequest } from './support/runtime-harness';

/**
 * The real process, as `npm start` and the container run it (runtime/dist, built by `npm test`
 * before jest): embedded defaults, configuration errors, and graceful shutdown on SIGTERM.
 */
const MAIN = join(__dirname, '../../runtime/dist/main.js');

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

async function startProcess(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`runtime did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, output: () => output, exited };
}

const postJson = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the runtime process', () => {
  test('starts on embedded defaults (SQLite, local analyzer, no Redis), answers, and stops cleanly on SIGTERM', async () => {
    const p = await startProcess({});
    const ready = (await (await fetch(`${p.url}/readyz`)).json()) as { degradations: string[] };
    expect(ready.degradations).toEqual(expect.arrayContaining(['nlp-local-analyzer-only', 'database-embedded']));
    const res = await postJson(`${p.url}/webhook/cx`, cxRequest('I lost my card on the train yesterday', 'enrich'));
    expect(res.status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  test('the embedded database is real: the turn log is in the SQLite file after a clean stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convai-embedded-'));
    try {
      const path = join(dir, 'webhook.sqlite');
      const p = await startProcess({ EMBEDDED_DATABASE_PATH: path });
      const session = `embedded-${Date.now()}`;
      const res = await postJson(
        `${p.url}/webhook/cx`,
        cxRequest('I lost my card on the train yesterday', 'enrich', { sessionInfo: { session } }),
      );
      expect(res.status).toBe(200);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        expect(db.prepare('SELECT count(*) AS n FROM turn_events WHERE session_id = ?').get(session)).toEqual({ n: 1 });
        expect(db.prepare('SELECT turns FROM conversations WHERE session_id = ?').get(session)).toEqual({ turns: 1 });
        expect((db.prepare('SELECT max(id) AS id FROM schema_migrations').get() as { id: number }).id).toBe(4);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('DATABASE_MODE=pglite still runs the production SQL in-process (Postgres in WASM)', async () => {
    const p = await startProcess({ DATABASE_MODE: 'pglite' });
    const ready = (await (await fetch(`${p.url}/readyz`)).json()) as { degradations: string[] };
    expect(ready.degradations).toEqual(expect.arrayContaining(['postgres-embedded']));
    expect((await postJson(`${p.url}/webhook/cx`, cxRequest('I lost my card', 'enrich'))).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  test('refuses to start on invalid configuration, naming each variable', async () => {
    const p = await startProcess({ NODE_ENV: 'production', PORT: 'x' });
    expect(await p.exited).toBe(78);
    expect(p.output()).toMatch(/Invalid runtime configuration/);
    expect(p.output()).toMatch(/PORT:/);
  });

  test.each<Record<string, string>>([{ RUNTIME_ENV: 'production' }, { PLATFORM_ENV: 'prod' }])(
    'a production process without authentication refuses to start (%j, NODE_ENV unset), naming AUTH_MODE',
    async (env) => {
      const p = await startProcess({ ...env, DATABASE_MODE: 'off' });
      expect(await p.exited).toBe(78);
      expect(p.output()).toMatch(/AUTH_MODE: is required in production/);
    },
  );

  describe('graceful shutdown', () => {
    let fake: FakeLanguageServer;
    let postgres: PostgresServer;
    beforeAll(async () => {
      [fake, postgres] = await Promise.all([FakeLanguageServer.start(), PostgresServer.start()]);
    });
    afterAll(async () => {
      await fake.stop();
      await postgres.destroy();
    });

    test('SIGTERM: unready at once, in-flight turns finish, queued writes are flushed, exit 0', async () => {
      fake.setLatency(1_500);
      const p = await startProcess({
        NLP_MODE: 'google',
        NLP_API_ENDPOINT: '127.0.0.1',
        NLP_API_PORT: String(fake.port),
        NLP_INSECURE: 'true',
        NLP_DEADLINE_MS: '3000',
        WEBHOOK_BUDGET_MS: '4500',
        DATABASE_URL: postgres.url,
        SHUTDOWN_DEADLINE_MS: '8000',
      });
      const session = `drain-${Date.now()}`;
      const inFlight = postJson(
        `${p.url}/webhook/cx`,
        cxRequest('Please explain this charge on my account', 'enrich', { sessionInfo: { session } }),
      );
      await new Promise((r) => setTimeout(r, 300));
      p.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
      const duringDrain = await fetch(`${p.url}/readyz`)
        .then((r) => r.status)
        .catch(() => 'refused');
      expect([503, 'refused']).toContain(duringDrain);

      const res = await inFlight;
      expect(res.status).toBe(200);
      const reply = (await res.json()) as { sessionInfo: { parameters: Record<string, unknown> } };
      expect(reply.sessionInfo.parameters.webhook_degraded).toBe(false);
      expect(await p.exited).toBe(0);

      const client = new Client({ connectionString: postgres.url });
      await client.connect();
      const { rows } = await client.query('SELECT nlp_source FROM turn_events WHERE session_id = $1', [session]);
      await client.end();
      expect(rows).toEqual([{ nlp_source: 'api' }]);
    });
  });
});
