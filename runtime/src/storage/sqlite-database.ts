import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Database, Queryable } from './database-interface';

/**
 * The embedded database of `npm start` (DATABASE_MODE=embedded): SQLite, built into Node 22
 * (`node:sqlite`, no install, no native build). Chosen over an in-process Postgres (PGlite) for the
 * embedded default because it starts in milliseconds and costs a few megabytes, where PGlite took
 * 3–13 s of initdb and 300–450 MB (docs/performance/startup-and-memory.md,
 * docs/decisions/0017-sqlite-embedded-default.md). It is still a real, transactional database: the
 * same numbered migrations (storage/migrations.ts, SQLite dialect), the same tables and columns,
 * the same idempotent writers.
 *
 * Without a path the database is SQLite's private temporary on-disk database (the empty file
 * name): deleted when the connection closes, like an in-memory one, but its pages live in a
 * temporary file and only `cache_size` of them in memory, so a long run's turn log does not grow
 * the process (the soak benchmark, test/bench/soak). With a path it persists across restarts.
 *
 * One connection, and `node:sqlite` is synchronous: each statement runs to completion on the
 * event loop (microseconds for the runtime's statements). Transactions are serialized by a queue
 * so two writers' BEGIN … COMMIT never interleave on the one connection.
 */
export class SqliteDatabase implements Database {
  readonly kind = 'sqlite' as const;
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, StatementSync>();
  /** Tail of the session queue: a session (transaction) runs after the previous one settles. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly db: DatabaseSync) {}

  /** `path`: a file, kept across restarts; absent: a private temporary database deleted at close. */
  static open(path?: string, options: { readonly cacheKib?: number } = {}): SqliteDatabase {
    const { DatabaseSync } = loadSqlite();
    const db = new DatabaseSync(path ?? '');
    // WAL: readers never wait for the writer; NORMAL sync is durable across a process crash (not a power cut).
    if (path) db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -${options.cacheKib ?? 8192}`);
    // Temporary tables and indices (sorts, GROUP BY) spill to files, not to the process's heap.
    db.exec('PRAGMA temp_store = FILE');
    return new SqliteDatabase(db);
  }

  async query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> {
    await this.tail; // a statement outside a transaction waits for the running one, never joins it
    return this.run<R>(sql, params);
  }

  withSession<T>(fn: (session: Queryable) => Promise<T>): Promise<T> {
    const session: Queryable = {
      query: async <R extends Record<string, unknown>>(sql: string, params?: unknown[]) => this.run<R>(sql, params),
    };
    const result = this.tail.then(() => fn(session));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * The prepared-statement cache, for the `runtime_memory_*` gauges: SQLite's compiled statements
   * live in native memory, which V8's heap figures do not show (multi-row-insert.ts keeps their
   * number small).
   */
  statementCacheUsage(): { readonly entries: number; readonly maxEntries: number } {
    return { entries: this.statements.size, maxEntries: MAX_CACHED_STATEMENTS };
  }

  async close(): Promise<void> {
    await this.tail;
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  /** Prepared statements are cached per SQL text (bounded: the runtime's statements are few). */
  private run<R>(sql: string, params: unknown[] = []): { rows: R[] } {
    if (this.closed) throw new Error('the embedded database is closed');
    const text = sql.replace(/\$(\d+)/g, '?$1');
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      if (this.statements.size < MAX_CACHED_STATEMENTS) this.statements.set(text, statement);
    }
    const values = params.map(toSqlite);
    // Statements that return rows (SELECT, … RETURNING) are read with all(); the rest are run().
    if (statement.columns().length > 0) return { rows: statement.all(...values) as R[] };
    statement.run(...values);
    return { rows: [] };
  }
}

/**
 * Prepared statements kept. The runtime's writers build a few dozen distinct texts (seven sizes of
 * multi-row INSERT each, multi-row-insert.ts), the migrations a few more; a text past the bound is
 * prepared for each use and freed only when V8 collects its wrapper.
 */
const MAX_CACHED_STATEMENTS = 256;

type SqliteValue = null | number | bigint | string | Uint8Array;

/**
 * Bind JavaScript values the way the schema stores them in SQLite: times as ISO 8601 text (UTC,
 * milliseconds: sorts and compares like the timestamps it encodes), booleans as 0/1, arrays and
 * objects as JSON text (the `jsonb`/`text[]` columns of the Postgres schema).
 */
function toSqlite(value: unknown): SqliteValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' || value instanceof Uint8Array) return value;
  return JSON.stringify(value);
}

/**
 * `node:sqlite` without its one-time ExperimentalWarning on stderr (the module is stable enough for
 * a development database and unflagged since Node 22.13; the warning would read as a fault).
 */
function loadSqlite(): typeof import('node:sqlite') {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/SQLite is an experimental feature/.test(text)) return;
    return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node:sqlite') as typeof import('node:sqlite');
  } finally {
    process.emitWarning = emit;
  }
}
