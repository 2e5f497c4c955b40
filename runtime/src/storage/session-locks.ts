import { Queryable } from './database';

/**
 * Serialize transactions about the same sessions until they commit: the feedback writer copies a
 * session's experiment variants from `experiment_exposures`, and the exposure writer copies them
 * onto the session's feedback. Each reads what the other writes; without a lock, two committing
 * at once would each miss the other's uncommitted rows and the feedback would keep no variant.
 * Transaction-scoped advisory locks, taken in one order (sorted keys) so they cannot deadlock.
 */
export async function lockSessions(tx: Queryable, sessionIds: string[], dialect: 'postgres' | 'sqlite' = 'postgres'): Promise<void> {
  // SQLite: one connection runs one transaction at a time (sqlite-database.ts), which is the lock.
  if (sessionIds.length === 0 || dialect === 'sqlite') return;
  await tx.query(
    `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended('session:' || s, 0) AS k FROM unnest($1::text[]) s ORDER BY k) keys`,
    [sessionIds],
  );
}
