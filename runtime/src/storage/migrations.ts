import { Database, Queryable } from './database';

/**
 * Schema migrations, applied in order at start under an advisory lock (many instances start at
 * once on a rollout). Never edit a shipped migration: add the next one.
 *
 * The append-only tables (`turn_events`, `feedback`) are range-partitioned by month on
 * `created_at`: old months are dropped or archived whole (retention without vacuum storms), and
 * queries for a period touch only its partitions. A DEFAULT partition catches rows for months
 * whose partition does not exist yet, so a write is never refused for want of a partition;
 * `ensureMonthlyPartitions` creates the coming months at every start.
 */
export const MIGRATIONS: ReadonlyArray<{ readonly id: number; readonly name: string; readonly statements: readonly string[] }> = [
  {
    id: 1,
    name: 'nlp cache',
    statements: [
      `CREATE TABLE IF NOT EXISTS nlp_cache_entries (
        key          text PRIMARY KEY,
        value        jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        expires_at   timestamptz NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS nlp_cache_entries_expires_at ON nlp_cache_entries (expires_at)`,
    ],
  },
  {
    id: 2,
    name: 'turn events, partitioned by month',
    statements: [
      `CREATE TABLE IF NOT EXISTS turn_events (
        id              text NOT NULL,
        created_at      timestamptz NOT NULL,
        session_id      text NOT NULL,
        response_id     text NOT NULL,
        protocol        text NOT NULL,
        tag             text NOT NULL,
        language_code   text NOT NULL,
        intent          text,
        page            text,
        text_redacted   text NOT NULL,
        sentiment_score real,
        no_match        boolean NOT NULL,
        degraded        boolean NOT NULL,
        degraded_reasons text[] NOT NULL DEFAULT '{}',
        nlp_source      text NOT NULL,
        latency_ms      integer NOT NULL,
        region          text NOT NULL,
        PRIMARY KEY (id, created_at)
      ) PARTITION BY RANGE (created_at)`,
      `CREATE TABLE IF NOT EXISTS turn_events_default PARTITION OF turn_events DEFAULT`,
      `CREATE INDEX IF NOT EXISTS turn_events_session ON turn_events (session_id, created_at)`,
    ],
  },
];

const LOCK_ID = 0x636f6e76; // "conv": one advisory lock for this schema

export async function migrate(database: Database): Promise<number[]> {
  return database.withSession((db) => migrateOn(db));
}

async function migrateOn(db: Queryable): Promise<number[]> {
  // Lock first: concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
  await db.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
  try {
    await db.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set((await db.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => Number(r.id)));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      await db.query('BEGIN');
      try {
        // One statement per call: the extended protocol (parameters, PGlite) takes no multi-statement strings.
        for (const statement of m.statements) await db.query(statement);
        await db.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
      applied.push(m.id);
    }
    await ensureMonthlyPartitions(db, 'turn_events', new Date(), 3);
    return applied;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
  }
}

/** Create the partitions of `table` for the month of `from` and the `count - 1` months after it. */
export async function ensureMonthlyPartitions(db: Queryable, table: string, from: Date, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + i, 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    const name = `${table}_${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
    const exists = await db.query('SELECT 1 FROM pg_class WHERE relname = $1', [name]);
    if (exists.rows.length === 0) {
      // Rows already in DEFAULT for this range would make ATTACH fail; move them with the attach.
      await db.query('BEGIN');
      try {
        await db.query(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await db.query(`INSERT INTO ${name} SELECT * FROM ${table}_default WHERE created_at >= $1 AND created_at < $2`, [start, end]);
        await db.query(`DELETE FROM ${table}_default WHERE created_at >= $1 AND created_at < $2`, [start, end]);
        await db.query(
          `ALTER TABLE ${table} ATTACH PARTITION ${name} FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
        );
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
    }
    names.push(name);
  }
  return names;
}
