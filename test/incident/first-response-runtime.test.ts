import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { status as grpcStatus } from '@grpc/grpc-js';
import { Diagnostics } from '../../runtime/src/incident/diagnostics';
import { TurnLogImpact } from '../../runtime/src/incident/impact';
import { Alert } from '../../runtime/src/incident/notification';
import { RuntimeFlagExecutor } from '../../runtime/src/incident/runtime-flag-action';
import { migrateIncidentStore } from '../../runtime/src/incident/store-migrations';
import { Database, openDatabase } from '../../runtime/src/storage/database';
import { FakeLanguageServer } from '../runtime/support/fake-language-server';
import { PostgresServer, freePort, waitFor } from '../runtime/support/local-servers';
import { cxRequest } from '../runtime/support/runtime-harness';
import { testRules } from './support/test-rules';

/**
 * First response against the webhook as it runs: the real process (runtime/dist, built before
 * jest), its database a real PostgreSQL, its Natural Language API the fake. The diagnostics read
 * the process's own /readyz; the nlp-mode flag is written where the process polls it.
 */
const MAIN = join(__dirname, '../../runtime/dist/main.js');
const RULES = testRules('acme-convai-test', 'rules');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const breaker = (region = 'europe-west1'): Alert => ({
  id: `brk-${region}`,
  kind: 'nlp-breaker-open',
  policy: 'webhook: Natural Language circuit breaker opened',
  service: 'webhook',
  region,
  severity: 'ticket',
  state: 'open',
  startedAt: nowSeconds(),
  summary: '',
  observedValue: '1',
});

describe('first response against a running webhook', () => {
  let postgres: PostgresServer;
  let fake: FakeLanguageServer;
  let db: Database;
  let child: ChildProcess;
  let output = '';
  let url: string;
  let turn = 0;

  const readyz = async () => (await (await fetch(`${url}/readyz`)).json()) as { status: string; degradations: string[] };
  const ask = async () => {
    const res = await fetch(`${url}/webhook/cx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cxRequest(`My card payment number ${++turn} failed at the pharmacy`, 'enrich')),
    });
    const body = (await res.json()) as { sessionInfo?: { parameters?: Record<string, unknown> } };
    return (body.sessionInfo?.parameters?.webhook_degraded_reasons as string[] | undefined) ?? [];
  };

  beforeAll(async () => {
    [postgres, fake] = await Promise.all([PostgresServer.start(), FakeLanguageServer.start()]);
    db = await openDatabase({ url: postgres.url });
    // The responder's schema (it owns runtime_flags); the webhook migrates its own at start.
    await migrateIncidentStore(db);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        WEBHOOK_REGION: 'europe-west1',
        DATABASE_URL: postgres.url,
        NLP_MODE: 'google',
        NLP_API_ENDPOINT: '127.0.0.1',
        NLP_API_PORT: String(fake.port),
        NLP_INSECURE: 'true',
        NLP_DEADLINE_MS: '2000',
        BREAKER_FAILURES_TO_OPEN: '3',
        BREAKER_HALF_OPEN_MS: '600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await waitFor(
      async () => {
        const r = await fetch(`${url}/readyz`).catch(() => undefined);
        return r?.status === 200 && !((await r.json()) as { degradations: string[] }).degradations.includes('postgres-schema-pending');
      },
      'runtime ready with Postgres',
      60_000,
    );
  }, 90_000);
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await db?.close();
    await Promise.all([fake?.stop(), postgres?.destroy()]);
  });

  test('the nlp-mode flag takes the running webhook off the API within a poll, and its revert puts it back', async () => {
    expect(await ask()).toEqual([]);
    const calls = fake.stats.totalCalls;
    expect(calls).toBeGreaterThan(0);

    const flags = new RuntimeFlagExecutor(db);
    const spec = { type: 'runtime-flag' as const, flag: 'nlp-mode', value: 'local', ttlMinutes: 60 };
    const context = { incidentId: 'inc-x', actionId: 'inc-x/a002', alert: breaker(), now: nowSeconds(), dryRun: false };
    // A dry run writes nothing.
    expect(await flags.run(spec, { ...context, dryRun: true })).toMatchObject({
      mode: 'dry-run',
      summary: expect.stringContaining('(now unset)'),
    });
    expect(await postgres.sql('SELECT * FROM runtime_flags')).toEqual([]);

    const applied = await flags.run(spec, context);
    expect(applied).toMatchObject({ mode: 'applied', target: 'nlp-mode@europe-west1', expiresAt: context.now + 3600 });
    await waitFor(async () => (await readyz()).degradations.includes('nlp-forced-local'), `flag seen by the webhook\n${output}`, 15_000);
    expect(await ask()).toEqual(['nlp-forced-local']);
    expect(fake.stats.totalCalls).toBe(calls); // the API was not called
    expect(output).toMatch(/"event":"runtime.flag","flag":"nlp-mode","value":"local"/);

    const reverted = await flags.revert(
      {
        actionId: 'inc-x/a002',
        type: 'runtime-flag',
        scope: 'nlp-breaker-open@europe-west1',
        target: applied.target!,
        undo: applied.undo!,
        state: 'applied',
      },
      { incidentId: 'inc-x', now: nowSeconds() },
    );
    expect(reverted).toEqual({ mode: 'reverted', summary: 'cleared runtime flag nlp-mode@europe-west1 (was local)' });
    await waitFor(async () => !(await readyz()).degradations.includes('nlp-forced-local'), 'flag cleared in the webhook', 15_000);
    expect(await ask()).toEqual([]);
    expect(fake.stats.totalCalls).toBeGreaterThan(calls);
    // The row stays as the record of who set what and when it was cleared.
    const [row] = await postgres.sql('SELECT set_by, reason, reverted_at FROM runtime_flags');
    expect(row).toMatchObject({ set_by: 'inc-x/a002', reason: 'incident inc-x: nlp-breaker-open' });
    expect(row.reverted_at).not.toBeNull();
  }, 60_000);

  test('a flag reverts by itself at its expiry, with nobody to clear it; caps and the allowlist hold', async () => {
    const flags = new RuntimeFlagExecutor(db, { maxTtlMinutes: 30 });
    // Set "45 s ago" for 1 min: the webhook (polling every 5 s) sees it, then sees it expire 15 s from now.
    const setAt = nowSeconds() - 45;
    const spec = { type: 'runtime-flag' as const, flag: 'nlp-mode', value: 'local', ttlMinutes: 1 };
    const applied = await flags.run(spec, { incidentId: 'inc-y', actionId: 'inc-y/a002', alert: breaker(), now: setAt, dryRun: false });
    await waitFor(async () => (await readyz()).degradations.includes('nlp-forced-local'), 'flag seen', 15_000);
    await waitFor(async () => !(await readyz()).degradations.includes('nlp-forced-local'), 'flag expired by itself', 15_000);
    const revert = await flags.revert(
      { actionId: 'inc-y/a002', type: 'runtime-flag', scope: 's', target: applied.target!, undo: applied.undo!, state: 'applied' },
      { incidentId: 'inc-y', now: nowSeconds() },
    );
    expect(revert.mode).toBe('expired');

    // The rules may ask for 240 min; this responder allows 30.
    const capped = await flags.run(
      { ...spec, ttlMinutes: 240 },
      { incidentId: 'inc-z', actionId: 'inc-z/a002', alert: breaker('us-central1'), now: 2_000_000_000, dryRun: false },
    );
    expect(capped).toMatchObject({ mode: 'applied', expiresAt: 2_000_000_000 + 30 * 60 });
    // Another region's flag does not reach this instance.
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await readyz()).degradations).not.toContain('nlp-forced-local');
    // Only flags and values on the allowlist.
    expect(
      await flags.run(
        { ...spec, flag: 'auth-mode', value: 'none' },
        { incidentId: 'inc-z', actionId: 'inc-z/a003', alert: breaker(), now: nowSeconds(), dryRun: false },
      ),
    ).toMatchObject({ mode: 'skipped', summary: 'refused: runtime flag auth-mode=none is not one first response may set' });
    expect(await postgres.sql(`SELECT 1 FROM runtime_flags WHERE flag = 'auth-mode'`)).toEqual([]);
  }, 60_000);

  test('the diagnostics snapshot reads breakers from the webhook’s /readyz and burn rates from its turn log', async () => {
    const diagnostics = new Diagnostics({
      rules: RULES,
      turnLog: new TurnLogImpact(db, RULES.slo),
      readiness: {
        targets: [
          { region: 'europe-west1', url },
          { region: 'us-central1', url: `http://127.0.0.1:${await freePort()}` },
        ],
        http: fetch,
      },
    });
    // The responder's clock is whole seconds: +1 so the turns of this second are inside the windows.
    const take = () =>
      diagnostics.snapshot({ incidentId: 'inc-d', openedAt: nowSeconds() - 300, alerts: [breaker()], now: nowSeconds() + 1 });
    const healthy = await take();
    // Development mode runs without caller authentication, which /readyz reports as a degradation.
    expect(healthy.summary).toMatch(/^readiness: europe-west1 degraded \(auth-disabled\), us-central1 unreachable \(/);

    // The API fails: three failed calls open the webhook's breaker.
    fake.failWith(grpcStatus.UNAVAILABLE);
    for (let i = 0; i < 3; i++) expect((await ask()).some((r) => r.startsWith('nlp-'))).toBe(true);
    await waitFor(async () => (await readyz()).degradations.includes('nlp-breaker-open'), 'breaker open', 10_000);
    // The turns reach the turn log (write-behind) before the burn rates count them.
    await waitFor(async () => Number((await postgres.sql('SELECT count(*) AS n FROM turn_events'))[0].n) >= turn, 'turns written', 15_000);

    const snapshot = await take();
    expect(snapshot.summary).toContain('readiness: europe-west1 degraded (auth-disabled, nlp-breaker-open)');
    expect(snapshot.summary).toContain('breakers alerted: nlp-breaker-open@europe-west1');
    expect(snapshot.summary).toMatch(/burn now: latency 5m [\d.]+ 1h [\d.]+ 6h [\d.]+; degraded 5m [\d.]+% /);
    expect(snapshot.details.readiness).toEqual([
      { region: 'europe-west1', status: 'degraded', degradations: ['auth-disabled', 'nlp-breaker-open'] },
      expect.objectContaining({ region: 'us-central1', status: 'unreachable' }),
    ]);
    const burn = snapshot.details.burnRates as { turns: Record<string, number>; degradedShare: Record<string, number> };
    expect(burn.turns['300']).toBe(turn);
    expect(burn.degradedShare['300']).toBeGreaterThan(0);
    expect(Object.keys(snapshot.details.links as object)).toEqual(['logs', 'traces', 'runbooks']);
    fake.recover();
  }, 60_000);
});
