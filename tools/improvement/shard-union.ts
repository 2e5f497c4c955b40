import { Database, PostgresDatabase, Queryable } from '../../runtime/src/storage/database';
import { Period } from './analysis/period';
import { readOnlySnapshot } from './read-only-snapshot';

/**
 * The improvement tools' view of a sharded turn log (DATABASE_SHARD_URLS): every query of the
 * analytics, prioritization and experiment reports runs unchanged, on the rows of all shards.
 *
 * How: on one connection to shard 0 (the coordinator), temporary tables named like the real ones
 * (`turn_events`, `conversations`, `feedback`, `experiment_exposures`) are filled with the rows of
 * the sessions in scope, read from every shard in its own read-only snapshot. PostgreSQL resolves
 * an unqualified table name in `pg_temp` first, so the reports' SQL reads the union. Temporary
 * tables are private to the connection and dropped with `DISCARD TEMP` afterwards: nothing is
 * written to any shard's tables.
 *
 * Which rows: all rows of every session that has any row in the report's period (or was exposed to
 * the report's experiments). Every report query starts from one of these tables restricted to the
 * period and joins the others by session, so the union answers them as one database would. A
 * session whose turns were split by a shard addition (docs/performance/startup-and-memory.md,
 * "Sharding") is counted once: its `conversations` row with the most turns wins, and a feedback or
 * exposure row present twice is kept once.
 *
 * Cost: the rows in scope cross the network twice (shard → tool → coordinator). Fine for the
 * reports' periods at this platform's volumes; a much larger turn log would call for per-shard
 * aggregation instead.
 */
export type SessionScope = { readonly period: Period } | { readonly experiments: readonly string[] };

const TABLES = [
  // Per table: the rows kept when the same key comes from two shards.
  { name: 'turn_events', distinct: 'id, created_at', order: 'id, created_at' },
  { name: 'conversations', distinct: 'session_id', order: 'session_id, turns DESC, updated_at DESC' },
  { name: 'feedback', distinct: 'id', order: 'id, received_at DESC' },
  { name: 'experiment_exposures', distinct: 'experiment_id, session_id', order: 'experiment_id, session_id, exposed_at' },
] as const;

/** Sessions read per round trip, so a long period never builds one huge statement. */
const SESSIONS_PER_BATCH = 2_000;

/** One database for the reports: the URL's own when there is one shard, else the union over the shards. */
export function openReportDatabase(urls: readonly string[], scope: SessionScope): Database {
  if (urls.length === 0) throw new Error('openReportDatabase: no database URL');
  if (urls.length === 1) return new PostgresDatabase({ url: urls[0], maxConnections: 1 });
  // Two connections: shard 0 is both the coordinator (holding the union) and a shard read in its own snapshot.
  return new ShardUnion(
    urls.map((url) => new PostgresDatabase({ url, maxConnections: 2 })),
    scope,
  );
}

export class ShardUnion implements Database {
  readonly kind = 'postgres' as const;
  readonly dialect = 'postgres' as const;

  constructor(
    private readonly shards: readonly Database[],
    private readonly scope: SessionScope,
  ) {}

  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> {
    return this.withSession((s) => s.query<R>(sql, params));
  }

  /** `fn` runs on the coordinator's connection, where the temporary union tables shadow the real ones. */
  async withSession<T>(fn: (session: Queryable) => Promise<T>): Promise<T> {
    return this.shards[0].withSession(async (session) => {
      try {
        for (const t of TABLES) {
          await session.query(`CREATE TEMP TABLE ${t.name}_all (LIKE public.${t.name})`);
        }
        for (const shard of this.shards) await this.copyShard(shard, session);
        for (const t of TABLES) {
          await session.query(`CREATE TEMP TABLE ${t.name} (LIKE public.${t.name})`);
          await session.query(
            `INSERT INTO pg_temp.${t.name} SELECT DISTINCT ON (${t.distinct}) * FROM pg_temp.${t.name}_all ORDER BY ${t.order}`,
          );
          await session.query(`DROP TABLE pg_temp.${t.name}_all`);
          await session.query(`ANALYZE pg_temp.${t.name}`);
        }
        return await fn(session);
      } finally {
        await session.query('DISCARD TEMP').catch(() => undefined);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.close()));
  }

  /** The shard's rows of the sessions in scope, in one read-only snapshot of that shard. */
  private async copyShard(shard: Database, coordinator: Queryable): Promise<void> {
    await readOnlySnapshot(shard, '5min', async (q) => {
      const sessions = (await this.sessionsInScope(q)).map((r) => r.session_id);
      for (let i = 0; i < sessions.length; i += SESSIONS_PER_BATCH) {
        const batch = sessions.slice(i, i + SESSIONS_PER_BATCH);
        for (const t of TABLES) {
          const { rows } = await q.query<{ rows: string | null }>(
            `SELECT json_agg(t)::text AS rows FROM (SELECT * FROM public.${t.name} WHERE session_id = ANY($1::text[])) t`,
            [batch],
          );
          if (!rows[0]?.rows) continue;
          await coordinator.query(
            `INSERT INTO pg_temp.${t.name}_all SELECT * FROM json_populate_recordset(NULL::pg_temp.${t.name}_all, $1::json)`,
            [rows[0].rows],
          );
        }
      }
    });
  }

  private async sessionsInScope(q: Queryable): Promise<Array<{ session_id: string }>> {
    if ('experiments' in this.scope) {
      return (
        await q.query<{ session_id: string }>(
          `SELECT DISTINCT session_id FROM public.experiment_exposures WHERE experiment_id = ANY($1::text[])`,
          [[...this.scope.experiments]],
        )
      ).rows;
    }
    const { from, to } = this.scope.period;
    return (
      await q.query<{ session_id: string }>(
        `SELECT session_id FROM public.turn_events WHERE created_at >= $1 AND created_at < $2
         UNION SELECT session_id FROM public.conversations WHERE started_at < $2 AND updated_at >= $1
         UNION SELECT session_id FROM public.feedback WHERE received_at >= $1 AND received_at < $2
         UNION SELECT session_id FROM public.experiment_exposures WHERE exposed_at >= $1 AND exposed_at < $2`,
        [from, to],
      )
    ).rows;
  }
}
