import { Database } from './database';
import { ensureMonthlyPartitions } from './migrations';

export interface MaintenanceOptions {
  /** Months of turn events kept; older monthly partitions are dropped whole. */
  readonly turnEventsRetentionMonths: number;
  /** Expired cache rows deleted per statement, so one run never holds long locks. */
  readonly purgeBatch?: number;
}

export interface MaintenanceResult {
  readonly partitionsEnsured: string[];
  readonly partitionsDropped: string[];
  readonly cacheRowsPurged: number;
}

const PARTITION = /^turn_events_(\d{4})(\d{2})$/;

/**
 * Housekeeping a long-running instance does periodically (and every instance at start, through
 * the migrations): the coming months' `turn_events` partitions exist, months past retention are
 * dropped whole (retention without DELETE and vacuum), and expired L3 cache rows are purged in
 * small batches. `nlp_cache_entries` is not partitioned: it is upserted by key, and a partition key
 * must be part of the primary key, which would turn each refresh into a second row.
 */
export async function runMaintenance(db: Database, options: MaintenanceOptions, now = new Date()): Promise<MaintenanceResult> {
  if (db.dialect === 'sqlite') return maintainSqlite(db, options, now);
  const partitionsEnsured = await db.withSession((s) => ensureMonthlyPartitions(s, 'turn_events', now, 3));

  const oldestKept = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (options.turnEventsRetentionMonths - 1), 1);
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'turn_events'`,
  );
  const partitionsDropped: string[] = [];
  for (const { name } of rows) {
    const m = PARTITION.exec(name);
    if (!m || Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) >= oldestKept) continue;
    await db.query(`DROP TABLE ${name}`);
    partitionsDropped.push(name);
  }

  const batch = options.purgeBatch ?? 5_000;
  let cacheRowsPurged = 0;
  for (;;) {
    const purged = await db.query<{ n: number }>(
      `WITH gone AS (DELETE FROM nlp_cache_entries WHERE ctid IN (SELECT ctid FROM nlp_cache_entries WHERE expires_at <= now() LIMIT $1) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [batch],
    );
    const n = Number(purged.rows[0]?.n ?? 0);
    cacheRowsPurged += n;
    if (n < batch) break;
  }
  return { partitionsEnsured, partitionsDropped: partitionsDropped.sort(), cacheRowsPurged };
}

/**
 * The embedded SQLite database has no partitions: turn events past retention and expired cache
 * rows are deleted in batches (each a short transaction of its own).
 */
async function maintainSqlite(db: Database, options: MaintenanceOptions, now: Date): Promise<MaintenanceResult> {
  const batch = options.purgeBatch ?? 5_000;
  const oldestKept = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (options.turnEventsRetentionMonths - 1), 1));
  const purge = async (sql: string, cutoff: Date): Promise<number> => {
    let total = 0;
    for (;;) {
      const n = (await db.query(sql, [cutoff, batch])).rows.length;
      total += n;
      if (n < batch) return total;
    }
  };
  await purge(
    `DELETE FROM turn_events WHERE rowid IN (SELECT rowid FROM turn_events WHERE created_at < $1 LIMIT $2) RETURNING 1`,
    oldestKept,
  );
  const cacheRowsPurged = await purge(
    `DELETE FROM nlp_cache_entries WHERE rowid IN (SELECT rowid FROM nlp_cache_entries WHERE expires_at <= $1 LIMIT $2) RETURNING 1`,
    now,
  );
  return { partitionsEnsured: [], partitionsDropped: [], cacheRowsPurged };
}
