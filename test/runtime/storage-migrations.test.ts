import { PostgresDatabase } from '../../runtime/src/storage/database';
import { MIGRATIONS, ensureMonthlyPartitions, migrate } from '../../runtime/src/storage/migrations';
import { PostgresServer } from './support/local-servers';

describe('schema migrations on a real Postgres', () => {
  let postgres: PostgresServer;
  let dbs: PostgresDatabase[];

  beforeAll(async () => {
    postgres = await PostgresServer.start();
    dbs = [1, 2, 3].map(() => new PostgresDatabase({ url: postgres.url }));
  });
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.close()));
    await postgres.destroy();
  });

  test('instances starting together apply each migration exactly once (advisory lock), and re-running is a no-op', async () => {
    const applied = await Promise.all(dbs.map((d) => migrate(d)));
    expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.id));
    expect(await migrate(dbs[0])).toEqual([]);
  });

  test('a row for a month without a partition lands in DEFAULT and moves when the partition is created', async () => {
    const db = dbs[0];
    const future = new Date(Date.UTC(2031, 6, 15));
    await db.query(
      `INSERT INTO turn_events (id, created_at, session_id, response_id, protocol, tag, language_code, text_redacted, no_match, degraded, nlp_source, latency_ms, region)
       VALUES ('f1', $1, 's', 'r', 'cx', 't', 'en', 'x', false, false, 'skipped', 1, 'r')`,
      [future],
    );
    const where = async () =>
      (await db.query<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM turn_events WHERE id = 'f1'`)).rows[0].p;
    expect(await where()).toBe('turn_events_default');
    expect(await ensureMonthlyPartitions(db, 'turn_events', future, 1)).toEqual(['turn_events_203107']);
    expect(await where()).toBe('turn_events_203107');
    // Idempotent: the partition exists now.
    expect(await ensureMonthlyPartitions(db, 'turn_events', future, 1)).toEqual(['turn_events_203107']);
  });
});
