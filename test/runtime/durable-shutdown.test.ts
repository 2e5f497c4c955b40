import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { FrozenProcesses } from './support/frozen-process';
import { PostgresServer, freePort, waitFor } from './support/local-servers';
import { cxRequest } from './support/runtime-harness';

/**
 * What the runtime promises about accepted data, checked on the real process (runtime/dist, as
 * the container runs it) against a real Postgres that is stopped or frozen (SIGSTOP) under it:
 * a feedback answered 2xx is in the database, one refused with 503 is stored once when the
 * client retries, and SIGTERM ends the process within SHUTDOWN_DEADLINE_MS whatever the
 * database does, reporting what it could not write.
 */
const MAIN = join(__dirname, '../../runtime/dist/main.js');
const SHUTDOWN_DEADLINE_MS = 3_000;
/** Process start-up of the exit, scheduling on a loaded two-core machine. */
const EXIT_MARGIN_MS = 1_500;

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
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      NODE_ENV: 'development',
      NLP_MODE: 'local',
      RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`runtime exited:\n${output}`);
    const res = await fetch(`${url}/readyz`);
    return res.status === 200 && !((await res.json()) as { degradations: string[] }).degradations.includes('postgres-schema-pending');
  }, `runtime ready:\n${output}`);
  return { child, url, output: () => output, exited };
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** SIGTERM, then how long until the process exited, and its code. */
async function terminate(p: Started): Promise<{ ms: number; code: number | null }> {
  const started = Date.now();
  p.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([p.exited, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 30_000)))]);
  clearTimeout(timer);
  if (code === 'hung') {
    p.child.kill('SIGKILL');
    throw new Error(`still running 30 s after SIGTERM:\n${p.output().slice(-2_000)}`);
  }
  const ms = Date.now() - started;
  if (process.env.REPORT_SHUTDOWN_TIMES) process.stdout.write(`exit ${code} ${ms} ms after SIGTERM\n`);
  return { ms, code };
}

function logEvents(p: Started, event: string): Array<Record<string, unknown>> {
  return p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.event === event);
}

describe('accepted data and shutdown, on the real process with a failing Postgres', () => {
  let postgres: PostgresServer;
  let frozen: FrozenProcesses | undefined;
  beforeAll(async () => {
    postgres = await PostgresServer.start();
  });
  afterEach(async () => {
    frozen?.thaw();
    frozen = undefined;
  });
  afterAll(() => postgres.destroy());

  const rowsOf = async (sessionPrefix: string) =>
    (
      await postgres.sql<{ n: number; ids: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM feedback WHERE session_id LIKE $1`,
        [`${sessionPrefix}%`],
      )
    )[0];

  test('Postgres down: every feedback answered 2xx is stored; every 503 carries Retry-After and is stored once when retried', async () => {
    const p = await startProcess({
      DATABASE_URL: postgres.url,
      FEEDBACK_WRITE_DEADLINE_MS: '1000',
      SHUTDOWN_DEADLINE_MS: String(SHUTDOWN_DEADLINE_MS),
    });
    const prefix = `down-${Date.now()}`;
    const ratings = Array.from({ length: 60 }, (_, i) => ({
      session: `${prefix}-${i}`,
      feedbackId: `f-${i}`,
      kind: 'csat',
      value: (i % 5) + 1,
    }));
    const accepted = new Set<number>();
    const refused: number[] = [];
    const send = async (i: number) => {
      const res = await post(`${p.url}/feedback`, ratings[i]);
      if (res.status >= 200 && res.status < 300) accepted.add(i);
      else {
        expect(res.status).toBe(503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        refused.push(i);
      }
    };
    try {
      for (let i = 0; i < 20; i++) await send(i);
      await postgres.stop();
      for (let i = 20; i < 40; i++) await send(i);
      await postgres.resume();
      for (let i = 40; i < 60; i++) await send(i);
      expect(refused.length).toBeGreaterThanOrEqual(20);
      // The clients retry every refusal until it is accepted, and the first 10 once more for good measure.
      for (const i of [...refused, ...Array.from({ length: 10 }, (_, k) => k)]) {
        await waitFor(async () => (await post(`${p.url}/feedback`, ratings[i])).status === 200, `retry of ${i}`, 10_000);
      }
    } finally {
      await terminate(p);
    }
    expect(await rowsOf(prefix)).toEqual({ n: 60, ids: 60 });
  });

  test('Postgres frozen (SIGSTOP): feedback gets 503 within its deadline, and SIGTERM exits within SHUTDOWN_DEADLINE_MS, logging the turns it could not write', async () => {
    const p = await startProcess({
      DATABASE_URL: postgres.url,
      FEEDBACK_WRITE_DEADLINE_MS: '1000',
      SHUTDOWN_DEADLINE_MS: String(SHUTDOWN_DEADLINE_MS),
    });
    const prefix = `frozen-${Date.now()}`;
    frozen = FrozenProcesses.freezeListeningOn(postgres.port, 'postgres');
    for (let i = 0; i < 20; i++) {
      const res = await post(
        `${p.url}/webhook/cx`,
        cxRequest(`where is my card ${i}`, 'enrich', { sessionInfo: { session: `${prefix}-${i}` } }),
      );
      expect(res.status).toBe(200);
    }
    const started = Date.now();
    const feedback = await post(`${p.url}/feedback`, { session: `${prefix}-fb`, kind: 'thumbs', value: 'up' });
    expect(feedback.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1_000 + EXIT_MARGIN_MS);

    const { ms, code } = await terminate(p);
    expect(ms).toBeLessThan(SHUTDOWN_DEADLINE_MS + EXIT_MARGIN_MS);
    expect(code).toBe(1); // writes were left: not a clean exit
    const abandoned = logEvents(p, 'write.abandoned');
    expect(abandoned.find((e) => e.queue === 'turn-events')).toMatchObject({ count: 20 });
  });

  test('Postgres stopped: SIGTERM exits within SHUTDOWN_DEADLINE_MS, and turns queued before the outage were written', async () => {
    const p = await startProcess({ DATABASE_URL: postgres.url, SHUTDOWN_DEADLINE_MS: String(SHUTDOWN_DEADLINE_MS) });
    const prefix = `stopped-${Date.now()}`;
    for (let i = 0; i < 10; i++) {
      await post(
        `${p.url}/webhook/cx`,
        cxRequest(`where is my card ${i}`, 'enrich', { sessionInfo: { session: `${prefix}-before-${i}` } }),
      );
    }
    await waitFor(
      async () => (await postgres.sql(`SELECT 1 FROM turn_events WHERE session_id LIKE $1`, [`${prefix}-before-%`])).length === 10,
      'turns written',
    );
    await postgres.stop();
    try {
      for (let i = 0; i < 10; i++) {
        await post(
          `${p.url}/webhook/cx`,
          cxRequest(`where is my card ${i}`, 'enrich', { sessionInfo: { session: `${prefix}-during-${i}` } }),
        );
      }
      const { ms, code } = await terminate(p);
      expect(ms).toBeLessThan(SHUTDOWN_DEADLINE_MS + EXIT_MARGIN_MS);
      expect(code).toBe(1);
      expect(logEvents(p, 'write.abandoned').find((e) => e.queue === 'turn-events')).toMatchObject({ count: 10 });
    } finally {
      await postgres.resume();
    }
  });

  test('SIGTERM with Postgres up drains every queued turn before exiting 0', async () => {
    const p = await startProcess({ DATABASE_URL: postgres.url, SHUTDOWN_DEADLINE_MS: String(SHUTDOWN_DEADLINE_MS) });
    const prefix = `drain-${Date.now()}`;
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        post(`${p.url}/webhook/cx`, cxRequest(`card question ${i}`, 'enrich', { sessionInfo: { session: `${prefix}-${i}` } })),
      ),
    );
    const { code } = await terminate(p);
    expect(code).toBe(0);
    expect(await postgres.sql(`SELECT count(*)::int AS n FROM turn_events WHERE session_id LIKE $1`, [`${prefix}-%`])).toEqual([
      { n: 100 },
    ]);
  });
});
