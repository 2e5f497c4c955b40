import { Database, Queryable, transactionOn } from './database';

/**
 * Schema migrations, applied in order at start under an advisory lock (many instances start at
 * once on a rollout). Never edit a shipped migration: add the next one.
 *
 * The append-only `turn_events` table is range-partitioned by month on
 * `created_at`: old months are dropped or archived whole (retention without vacuum storms), and
 * queries for a period touch only its partitions. A DEFAULT partition catches rows for months
 * whose partition does not exist yet, so a write is never refused for want of a partition;
 * `ensureMonthlyPartitions` creates the coming months at every start.
 */
/** One schema change: applied once, in one transaction, and recorded in its ledger. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
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
  {
    id: 3,
    name: 'continuous improvement: turn quality, conversations, feedback, experiment exposures',
    statements: [
      // Per-turn quality signals (see quality/quality-score.ts) and the experiment variants the
      // session was in when the turn was answered ({"<experiment id>": "<variant>"}).
      `ALTER TABLE turn_events ADD COLUMN IF NOT EXISTS intent_confidence real`,
      `ALTER TABLE turn_events ADD COLUMN IF NOT EXISTS repeated boolean NOT NULL DEFAULT false`,
      `ALTER TABLE turn_events ADD COLUMN IF NOT EXISTS low_confidence boolean NOT NULL DEFAULT false`,
      `ALTER TABLE turn_events ADD COLUMN IF NOT EXISTS escalated boolean NOT NULL DEFAULT false`,
      `ALTER TABLE turn_events ADD COLUMN IF NOT EXISTS quality_score real`,
      `ALTER TABLE turn_events ADD COLUMN IF NOT EXISTS experiments jsonb NOT NULL DEFAULT '{}'`,
      `CREATE INDEX IF NOT EXISTS turn_events_response ON turn_events (response_id)`,
      // One row per conversation (Dialogflow session), upserted as turns arrive: the running
      // counters, the quality components and the score with explicit feedback folded in.
      `CREATE TABLE IF NOT EXISTS conversations (
        session_id            text PRIMARY KEY,
        started_at            timestamptz NOT NULL,
        updated_at            timestamptz NOT NULL,
        language_code         text NOT NULL,
        first_tag             text NOT NULL,
        last_tag              text NOT NULL,
        last_intent           text,
        last_page             text,
        flow                  text,
        environment           text NOT NULL,
        turns                 integer NOT NULL,
        no_match_turns        integer NOT NULL,
        low_confidence_turns  integer NOT NULL,
        repeated_turns        integer NOT NULL,
        escalated             boolean NOT NULL,
        ended                 boolean NOT NULL DEFAULT false,
        sentiment_first       real,
        sentiment_last        real,
        sentiment_mean        real,
        expected_turns        integer,
        feedback_score        real,
        quality_components    jsonb NOT NULL,
        quality_score         real NOT NULL,
        experiments           jsonb NOT NULL DEFAULT '{}'
      )`,
      `CREATE INDEX IF NOT EXISTS conversations_updated_at ON conversations (updated_at)`,
      // Explicit feedback. Not partitioned: the primary key must be unique across all time so a
      // retried or re-queued write is stored once (a partitioned key would have to include the date).
      `CREATE TABLE IF NOT EXISTS feedback (
        id                 text PRIMARY KEY,
        received_at        timestamptz NOT NULL,
        session_id         text NOT NULL,
        response_id        text,
        kind               text NOT NULL CHECK (kind IN ('thumbs', 'csat')),
        score              real NOT NULL,
        normalized_score   real NOT NULL CHECK (normalized_score BETWEEN 0 AND 1),
        comment_redacted   text,
        comment_sentiment  real,
        comment_entities   text[] NOT NULL DEFAULT '{}',
        language_code      text NOT NULL,
        experiments        jsonb NOT NULL DEFAULT '{}',
        region             text NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS feedback_session ON feedback (session_id)`,
      `CREATE INDEX IF NOT EXISTS feedback_received_at ON feedback (received_at)`,
      // First exposure of a session to an experiment: the denominator of every experiment metric.
      `CREATE TABLE IF NOT EXISTS experiment_exposures (
        experiment_id   text NOT NULL,
        session_id      text NOT NULL,
        variant         text NOT NULL,
        config_version  integer NOT NULL,
        exposed_at      timestamptz NOT NULL,
        PRIMARY KEY (experiment_id, session_id)
      )`,
    ],
  },
  {
    id: 4,
    name: 'dead letters: records the database refused, kept with the reason',
    statements: [
      // Written by storage/dead-letters.ts; `record` is JSON as text (jsonb refuses NUL escapes).
      `CREATE TABLE IF NOT EXISTS write_dead_letters (
        id             text PRIMARY KEY,
        queue          text NOT NULL,
        failed_at      timestamptz NOT NULL DEFAULT now(),
        error_code     text,
        error_message  text NOT NULL,
        record         text NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS write_dead_letters_queue ON write_dead_letters (queue, failed_at)`,
    ],
  },
];

/**
 * The same migrations for the embedded SQLite database (sqlite-database.ts): one per id, same name,
 * same tables and columns in the same order, so every writer stores the same rows and
 * `schema_migrations` reads the same on both. Types map as the writers bind them: timestamps as
 * ISO 8601 UTC text (sorts and compares like the instant), `jsonb` and `text[]` as JSON text,
 * booleans as 0/1, `real` as REAL. STRICT tables refuse a value of the wrong type, as Postgres
 * would. SQLite has no declarative partitioning: `turn_events` is one table, and retention deletes
 * old rows by `created_at` (maintenance.ts) where Postgres drops whole months.
 * test/runtime/embedded-database.test.ts checks the two schemas have the same tables and columns.
 */
export const SQLITE_MIGRATIONS: typeof MIGRATIONS = [
  {
    id: 1,
    name: 'nlp cache',
    statements: [
      `CREATE TABLE IF NOT EXISTS nlp_cache_entries (
        key          text PRIMARY KEY,
        value        text NOT NULL CHECK (json_valid(value)),
        created_at   text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        expires_at   text NOT NULL
      ) STRICT`,
      `CREATE INDEX IF NOT EXISTS nlp_cache_entries_expires_at ON nlp_cache_entries (expires_at)`,
    ],
  },
  {
    id: 2,
    name: 'turn events, partitioned by month',
    statements: [
      `CREATE TABLE IF NOT EXISTS turn_events (
        id              text NOT NULL,
        created_at      text NOT NULL,
        session_id      text NOT NULL,
        response_id     text NOT NULL,
        protocol        text NOT NULL,
        tag             text NOT NULL,
        language_code   text NOT NULL,
        intent          text,
        page            text,
        text_redacted   text NOT NULL,
        sentiment_score real,
        no_match        integer NOT NULL,
        degraded        integer NOT NULL,
        degraded_reasons text NOT NULL DEFAULT '[]',
        nlp_source      text NOT NULL,
        latency_ms      integer NOT NULL,
        region          text NOT NULL,
        PRIMARY KEY (id, created_at)
      ) STRICT`,
      `CREATE INDEX IF NOT EXISTS turn_events_session ON turn_events (session_id, created_at)`,
      `CREATE INDEX IF NOT EXISTS turn_events_created_at ON turn_events (created_at)`,
    ],
  },
  {
    id: 3,
    name: 'continuous improvement: turn quality, conversations, feedback, experiment exposures',
    statements: [
      `ALTER TABLE turn_events ADD COLUMN intent_confidence real`,
      `ALTER TABLE turn_events ADD COLUMN repeated integer NOT NULL DEFAULT 0`,
      `ALTER TABLE turn_events ADD COLUMN low_confidence integer NOT NULL DEFAULT 0`,
      `ALTER TABLE turn_events ADD COLUMN escalated integer NOT NULL DEFAULT 0`,
      `ALTER TABLE turn_events ADD COLUMN quality_score real`,
      `ALTER TABLE turn_events ADD COLUMN experiments text NOT NULL DEFAULT '{}'`,
      `CREATE INDEX IF NOT EXISTS turn_events_response ON turn_events (response_id)`,
      `CREATE TABLE IF NOT EXISTS conversations (
        session_id            text PRIMARY KEY,
        started_at            text NOT NULL,
        updated_at            text NOT NULL,
        language_code         text NOT NULL,
        first_tag             text NOT NULL,
        last_tag              text NOT NULL,
        last_intent           text,
        last_page             text,
        flow                  text,
        environment           text NOT NULL,
        turns                 integer NOT NULL,
        no_match_turns        integer NOT NULL,
        low_confidence_turns  integer NOT NULL,
        repeated_turns        integer NOT NULL,
        escalated             integer NOT NULL,
        ended                 integer NOT NULL DEFAULT 0,
        sentiment_first       real,
        sentiment_last        real,
        sentiment_mean        real,
        expected_turns        integer,
        feedback_score        real,
        quality_components    text NOT NULL,
        quality_score         real NOT NULL,
        experiments           text NOT NULL DEFAULT '{}'
      ) STRICT`,
      `CREATE INDEX IF NOT EXISTS conversations_updated_at ON conversations (updated_at)`,
      `CREATE TABLE IF NOT EXISTS feedback (
        id                 text PRIMARY KEY,
        received_at        text NOT NULL,
        session_id         text NOT NULL,
        response_id        text,
        kind               text NOT NULL CHECK (kind IN ('thumbs', 'csat')),
        score              real NOT NULL,
        normalized_score   real NOT NULL CHECK (normalized_score BETWEEN 0 AND 1),
        comment_redacted   text,
        comment_sentiment  real,
        comment_entities   text NOT NULL DEFAULT '[]',
        language_code      text NOT NULL,
        experiments        text NOT NULL DEFAULT '{}',
        region             text NOT NULL
      ) STRICT`,
      `CREATE INDEX IF NOT EXISTS feedback_session ON feedback (session_id)`,
      `CREATE INDEX IF NOT EXISTS feedback_received_at ON feedback (received_at)`,
      `CREATE TABLE IF NOT EXISTS experiment_exposures (
        experiment_id   text NOT NULL,
        session_id      text NOT NULL,
        variant         text NOT NULL,
        config_version  integer NOT NULL,
        exposed_at      text NOT NULL,
        PRIMARY KEY (experiment_id, session_id)
      ) STRICT`,
    ],
  },
  {
    id: 4,
    name: 'dead letters: records the database refused, kept with the reason',
    statements: [
      `CREATE TABLE IF NOT EXISTS write_dead_letters (
        id             text PRIMARY KEY,
        queue          text NOT NULL,
        failed_at      text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        error_code     text,
        error_message  text NOT NULL,
        record         text NOT NULL
      ) STRICT`,
      `CREATE INDEX IF NOT EXISTS write_dead_letters_queue ON write_dead_letters (queue, failed_at)`,
    ],
  },
];

const LOCK_ID = 0x636f6e76; // "conv": one advisory lock for this schema

export async function migrate(database: Database): Promise<number[]> {
  if (database.dialect === 'sqlite') return database.withSession((db) => migrateSqlite(db));
  return database.withSession((db) => migrateOn(db));
}

/**
 * SQLite: the same bookkeeping, without the advisory lock (one process owns the file; a second
 * one waits on SQLite's own write lock, which BEGIN IMMEDIATE takes before reading what is done).
 */
async function migrateSqlite(db: Queryable): Promise<number[]> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))) STRICT`,
  );
  const applied: number[] = [];
  for (const m of SQLITE_MIGRATIONS) {
    const done = await transactionOn(
      db,
      async (tx) => {
        if ((await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id])).rows.length > 0) return true;
        for (const statement of m.statements) await tx.query(statement);
        await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
        return false;
      },
      'BEGIN IMMEDIATE',
    );
    if (!done) applied.push(m.id);
  }
  return applied;
}

async function migrateOn(db: Queryable): Promise<number[]> {
  return applyPostgresMigrations(db, { ledger: 'schema_migrations', lockId: LOCK_ID, migrations: MIGRATIONS }, () =>
    ensureMonthlyPartitions(db, 'turn_events', new Date(), 3),
  );
}

/**
 * Apply the `migrations` not yet in `ledger`, each in its own transaction, under the advisory lock
 * `lockId`, then run `afterwards` still under the lock. One schema, one ledger and one lock: the
 * webhook's schema and the incident responder's (incident/store-migrations.ts) share this runner,
 * not their ids. Returns the ids applied now.
 */
export async function applyPostgresMigrations(
  db: Queryable,
  schema: { readonly ledger: string; readonly lockId: number; readonly migrations: readonly Migration[] },
  afterwards?: () => Promise<unknown>,
): Promise<number[]> {
  // Lock first: concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
  await db.query('SELECT pg_advisory_lock($1)', [schema.lockId]);
  try {
    await db.query(
      `CREATE TABLE IF NOT EXISTS ${schema.ledger} (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set((await db.query<{ id: number }>(`SELECT id FROM ${schema.ledger}`)).rows.map((r) => Number(r.id)));
    const applied: number[] = [];
    for (const m of schema.migrations) {
      if (done.has(m.id)) continue;
      await transactionOn(db, async (tx) => {
        // One statement per call: the extended protocol (parameters, PGlite) takes no multi-statement strings.
        for (const statement of m.statements) await tx.query(statement);
        await tx.query(`INSERT INTO ${schema.ledger} (id, name) VALUES ($1, $2)`, [m.id, m.name]);
      });
      applied.push(m.id);
    }
    await afterwards?.();
    return applied;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [schema.lockId]);
  }
}

export async function ensureMonthlyPartitions(db: Queryable, table: string, from: Date, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + i, 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    const name = `${table}_${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
    const exists = await db.query('SELECT 1 FROM pg_class WHERE relname = $1', [name]);
    if (exists.rows.length === 0) {
      // Rows already in DEFAULT for this range would make ATTACH fail; move them with the attach.
      await transactionOn(db, async (tx) => {
        await tx.query(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await tx.query(`INSERT INTO ${name} SELECT * FROM ${table}_default WHERE created_at >= $1 AND created_at < $2`, [start, end]);
        await tx.query(`DELETE FROM ${table}_default WHERE created_at >= $1 AND created_at < $2`, [start, end]);
        await tx.query(
          `ALTER TABLE ${table} ATTACH PARTITION ${name} FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`,
        );
      });
    }
    names.push(name);
  }
  return names;
}
