/** Something that runs SQL: the pool, or one connection of it. */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * The slice of a database client the runtime uses: `pg` (Cloud SQL, a Postgres server), SQLite
 * (the embedded default, sqlite-database.ts) or PGlite (Postgres in WASM, opt-in).
 */
export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite' | 'sqlite';
  /** Which SQL the writers speak to it: PGlite is Postgres. */
  readonly dialect: 'postgres' | 'sqlite';
  /** Run `fn` on one connection: transactions and session-level advisory locks need that. */
  withSession<T>(fn: (session: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
