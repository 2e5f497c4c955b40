import type { Pool, PoolConfig } from 'pg';
import type { Database, Queryable } from './database-interface';
import { verifiedTls } from './postgres-tls';

// The interfaces live in their own file so that each implementation (sqlite-database.ts too) can
// import them without importing the factory below, which imports the implementations.
export type { Database, Queryable } from './database-interface';

export interface DatabaseOptions {
  /** `postgres://...`; absent means an embedded database (`embedded`: SQLite, or `pglite`). */
  readonly url?: string;
  /** Which embedded database without a URL. @default 'embedded' (SQLite) */
  readonly embedded?: 'embedded' | 'pglite';
  /** SQLite database file for the embedded database; absent: a private temporary database, deleted at close. */
  readonly embeddedPath?: string;
  /** Use a short-lived IAM access token as the password (Cloud SQL IAM database authentication). */
  readonly iamAuth?: boolean;
  /** PEM CA bundle the server certificate must chain to: turns on verified TLS (see postgres-tls.ts). */
  readonly tlsCa?: string;
  /** Name the server certificate must carry (Cloud SQL: `<project>:<instance>`). @default - the URL's host */
  readonly tlsServerName?: string;
  /** Directory for PGlite's files; absent keeps the embedded database in memory. */
  readonly pgliteDataDir?: string;
  /** Connections per instance. @default 10 */
  readonly maxConnections?: number;
}

/** Longest statement the server runs for us. */
const STATEMENT_TIMEOUT_MS = 5_000;

/** A real Postgres server through a `pg` pool. Connection errors surface per query, never as crashes. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly dialect = 'postgres' as const;
  readonly pool: Pool;

  constructor(options: DatabaseOptions & { url: string }) {
    const tls = options.tlsCa ? verifiedTls(options.url, options.tlsCa, options.tlsServerName) : undefined;
    const config: PoolConfig = {
      connectionString: tls?.url ?? options.url,
      ...(tls && { ssl: tls.ssl }),
      max: options.maxConnections ?? 10,
      // A server that accepts the connection but never answers the login (hung, not down) would
      // otherwise hold every pool request that waits for a connection.
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 30_000,
      // A statement that runs long must not hold its connection: the request path's guard gives up sooner anyway.
      statement_timeout: STATEMENT_TIMEOUT_MS,
      // statement_timeout is the server's to enforce, and a hung server enforces nothing. The
      // client's own deadline rejects the query and the pool destroys that connection, so a
      // stuck server cannot hold the pool's connections (and everything queued behind them) forever.
      query_timeout: STATEMENT_TIMEOUT_MS + 1_000,
    };
    if (options.iamAuth) config.password = iamAccessToken;
    // Loaded here, not at start: the embedded database never needs the driver.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool: PgPool } = require('pg') as typeof import('pg');
    this.pool = new PgPool(config);
    // An idle client losing its server emits 'error' on the pool; without a listener Node exits.
    this.pool.on('error', () => undefined);
  }

  async query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> {
    const result = await this.pool.query(sql, params);
    return { rows: result.rows as R[] };
  }

  async withSession<T>(fn: (session: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client whose server goes away emits 'error' on itself (the pool only listens to
    // idle ones); unhandled, that kills the process mid-flush. Record it: the query in flight
    // rejects anyway, and the broken connection is destroyed instead of returned to the pool.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await fn({
        query: async <R extends Record<string, unknown>>(sql: string, params?: unknown[]) => ({
          rows: (await client.query(sql, params)).rows as R[],
        }),
      });
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Cloud SQL IAM auth: the service account's OAuth token is the password (valid 1 h; fetched per connection). */
async function iamAccessToken(): Promise<string> {
  const { GoogleAuth } = await import('google-auth-library');
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/sqlservice.login'] });
  const token = await auth.getAccessToken();
  if (!token) throw new Error('no access token for Cloud SQL IAM authentication');
  return token;
}

/**
 * Postgres compiled to WASM (PGlite), in-process: `DATABASE_MODE=pglite`, for running the
 * production SQL locally with nothing installed. Costly to start (initdb in WASM: about 3 s of CPU
 * on a fresh in-memory database) and at least ~170 MB resident, which is why the embedded default
 * is SQLite (docs/performance/startup-and-memory.md). One connection; not for production.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly dialect = 'postgres' as const;
  /** Sessions run one at a time: PGlite is one connection, and two transactions must not interleave on it. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: import('@electric-sql/pglite').PGlite) {}

  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const { PGlite } = await import('@electric-sql/pglite');
    // Buffers sized for one developer's traffic: Postgres's defaults (128 MB of shared buffers,
    // touched at start) cost about 110 MB of resident memory for nothing here.
    const db = await PGlite.create({ dataDir, postgresqlconf: PGLITE_SETTINGS });
    return new PgliteDatabase(db);
  }

  /** Waits for a running session: a statement must not land inside another writer's transaction. */
  async query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> {
    await this.tail;
    return this.run<R>(sql, params);
  }

  /** PGlite is a single connection: sessions are queued so one transaction never interleaves with another. */
  withSession<T>(fn: (session: Queryable) => Promise<T>): Promise<T> {
    const session: Queryable = { query: <R extends Record<string, unknown>>(sql: string, params?: unknown[]) => this.run<R>(sql, params) };
    const result = this.tail.then(() => fn(session));
    this.tail = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.db.close();
  }

  private async run<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> {
    const result = await this.db.query<R>(sql, params as unknown[]);
    return { rows: result.rows };
  }
}

const PGLITE_SETTINGS = ['shared_buffers=8MB', 'wal_buffers=256kB', 'temp_buffers=1MB', 'work_mem=2MB', 'maintenance_work_mem=8MB'];

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return new PostgresDatabase({ ...options, url: options.url });
  if (options.embedded === 'pglite') return PgliteDatabase.open(options.pgliteDataDir);
  const { SqliteDatabase } = await import('./sqlite-database');
  return SqliteDatabase.open(options.embeddedPath);
}

/**
 * Run `fn` in one transaction on `session` (one connection: a pool session, or PGlite); `begin`
 * may set the isolation level and access mode, e.g. `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.
 */
export async function transactionOn<T>(session: Queryable, fn: (tx: Queryable) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  await session.query(begin);
  try {
    const result = await fn(session);
    await session.query('COMMIT');
    return result;
  } catch (error) {
    // A failed ROLLBACK (connection gone) must not hide the error that caused it.
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Run `fn` in one transaction on one connection of `db`. */
export async function inTransaction<T>(db: Pick<Database, 'withSession'>, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.withSession((session) => transactionOn(session, fn));
}
