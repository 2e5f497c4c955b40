/**
 * SQLSTATE classes in which Postgres refuses the values it was given, not the request as such:
 * 22 data exception (a NUL in text, a number outside `real` or `integer`, a date out of range,
 * invalid JSON), 23 integrity constraint violation (NOT NULL, CHECK), 54 program limit exceeded
 * (an index row over the B-tree's 2,704 bytes: a huge session id). The same values fail again on
 * every retry. Everything else — connection errors (08), too many connections (53), a server
 * shutting down or a statement cancelled by its timeout (57), serialization failures and
 * deadlocks (40), a table not migrated yet (42) — says nothing about the record and is retried.
 */
const REFUSAL_CLASSES = new Set(['22', '23', '54']);

/** The SQLSTATE Postgres answered with, when it did (driver and network errors have none). */
export function sqlState(error: unknown): string | undefined {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * SQLite's primary result codes for the same cases on the embedded database (sqlite-database.ts):
 * 18 TOOBIG, 19 CONSTRAINT (NOT NULL, CHECK, a STRICT column given the wrong type), 20 MISMATCH.
 * `node:sqlite` reports the extended code, whose low byte is the primary one.
 */
const SQLITE_REFUSALS = new Set([18, 19, 20]);

/** Whether the database (Postgres, or the embedded SQLite) refused the values themselves: retrying them cannot succeed. */
export function isRefusedByPostgres(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined) return REFUSAL_CLASSES.has(code.slice(0, 2));
  const errcode = error !== null && typeof error === 'object' ? (error as { errcode?: unknown }).errcode : undefined;
  return (
    (error as { code?: unknown } | null)?.code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && SQLITE_REFUSALS.has(errcode & 0xff)
  );
}
