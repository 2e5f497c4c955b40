import { PostgresDatabase } from '../../runtime/src/storage/database';
import { runMaintenance } from '../../runtime/src/storage/maintenance';
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

describe('database maintenance on a real Postgres', () => {
  let postgres: PostgresServer;
  let db: PostgresDatabase;
  beforeAll(async () => {
    postgres = await PostgresServer.start();
    db = new PostgresDatabase({ url: postgres.url });
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    await postgres.destroy();
  });

  test('rolls partitions forward, drops months past retention whole, and purges expired cache rows', async () => {
    const now = new Date(Date.UTC(2027, 2, 10)); // March 2027
    await ensureMonthlyPartitions(db, 'turn_events', new Date(Date.UTC(2025, 11, 1)), 3); // Dec 2025 .. Feb 2026
    await db.query(
      `INSERT INTO nlp_cache_entries (key, value, expires_at) VALUES ('old', '{}', now() - interval '1 day'), ('fresh', '{}', now() + interval '1 day')`,
    );

    const result = await runMaintenance(db, { turnEventsRetentionMonths: 13, purgeBatch: 1 }, now);

    expect(result.partitionsEnsured).toEqual(['turn_events_202703', 'turn_events_202704', 'turn_events_202705']);
    // 13 months back from March 2027 keeps March 2026 onwards.
    expect(result.partitionsDropped).toEqual(['turn_events_202512', 'turn_events_202601', 'turn_events_202602']);
    expect(result.cacheRowsPurged).toBe(1);
    expect((await db.query<{ key: string }>('SELECT key FROM nlp_cache_entries')).rows).toEqual([{ key: 'fresh' }]);
    expect((await db.query("SELECT 1 FROM pg_class WHERE relname = 'turn_events_default'")).rows).toHaveLength(1);
  });
});
