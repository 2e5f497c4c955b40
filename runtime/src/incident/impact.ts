import { Queryable } from '../storage/database';
import { NoShardReadable, readEveryShard } from '../storage/shard-reads';

/** What an incident did to users, from the turn log (every shard's, summed). */
export interface Impact {
  /** Turns answered degraded or slower than the latency SLO's threshold. */
  readonly affectedTurns: number;
  /** Distinct sessions (conversations) with at least one affected turn. */
  readonly affectedSessions: number;
  readonly totalTurns: number;
  /** affectedTurns / totalTurns over the incident's window. */
  readonly shareOfTraffic: number;
  /** Regions with affected turns, sorted. */
  readonly regions: string[];
  /** Share of the latency SLO's error budget (whole window) the slow turns used. */
  readonly latencyBudgetBurned: number;
  /** Shards of the turn log, when more than one (DATABASE_SHARD_URLS). @default - one */
  readonly shards?: number;
  /**
   * Partial measurement: the shards (by index) that could not be read. Their sessions are missing,
   * so the counts are lower bounds and the shares are the readable shards' only. Absent when every
   * shard answered.
   */
  readonly unreadShards?: number[];
}

/** Burn rates now, from the turn log: how fast the latency SLO's budget is being spent. */
export interface BurnRates {
  /** Window (seconds) → latency burn rate: (slow turns / turns) / (1 − objective); 1 spends the budget exactly over the SLO window. */
  readonly latency: Record<string, number | null>;
  /** Window (seconds) → share of turns answered degraded. */
  readonly degradedShare: Record<string, number | null>;
  /** Window (seconds) → turns seen. */
  readonly turns: Record<string, number>;
  /** Partial: the shards that could not be read (the rates are the other shards'). Absent when every shard answered. */
  readonly unreadShards?: number[];
}

/** One shard's counts for `measure`: summed across shards before any ratio is taken. */
interface ShardCounts {
  readonly total: number;
  readonly affected: number;
  readonly sessions: number;
  readonly slow: number;
  readonly regions: string[];
  /** Turns of the SLO window (the budget's base). */
  readonly windowTotal: number;
}

/**
 * Reads impact from `turn_events` (written by the webhook). A slow turn spends latency budget; a
 * degraded one is a weaker answer. The budget is (1 − objective) × the turns of the SLO window.
 *
 * Sharded turn log (DATABASE_SHARD_URLS): a session's turns live on one shard, so each shard
 * counts its own rows and the counts are summed — turns, slow turns, window turns and distinct
 * sessions (disjoint across shards) — and only then are the shares taken (a sum of counts, never
 * an average of per-shard ratios); regions are the union. A shard that cannot be read does not
 * fail the measurement: the result names it (`unreadShards`) and `describeImpact` says "partial".
 * When no shard can be read, `measure` and `burnRates` reject (NoShardReadable): impact unknown.
 */
export class TurnLogImpact {
  private readonly shards: readonly Queryable[];

  /** @param db the turn log: one database, or every shard in shard order (shard 0 first) */
  constructor(
    db: Queryable | readonly Queryable[],
    private readonly slo: { readonly latencyObjective: number; readonly latencyThresholdMs: number; readonly windowDays: number },
  ) {
    this.shards = Array.isArray(db) ? db : [db as Queryable];
    if (this.shards.length === 0) throw new Error('TurnLogImpact: no turn log database');
  }

  async measure(from: Date, to: Date): Promise<Impact> {
    const { results, failed } = await readEveryShard(this.shards, (shard) => this.countShard(shard, from, to));
    const read = results.filter((r): r is ShardCounts => r !== undefined);
    if (read.length === 0) throw new NoShardReadable('turn log impact', failed);
    const sum = (f: (r: ShardCounts) => number) => read.reduce((acc, r) => acc + f(r), 0);
    const total = sum((r) => r.total);
    const affected = sum((r) => r.affected);
    const budget = (1 - this.slo.latencyObjective / 100) * sum((r) => r.windowTotal);
    return {
      affectedTurns: affected,
      affectedSessions: sum((r) => r.sessions),
      totalTurns: total,
      shareOfTraffic: total > 0 ? affected / total : 0,
      regions: [...new Set(read.flatMap((r) => r.regions))].sort(),
      latencyBudgetBurned: budget > 0 ? sum((r) => r.slow) / budget : 0,
      ...this.coverage(failed),
    };
  }

  /** Latency burn rate and degraded share over the last 5 min, 1 h and 6 h before `now`; null without turns. */
  async burnRates(now: Date): Promise<BurnRates> {
    const { results, failed } = await readEveryShard(this.shards, (shard) => this.burnCounts(shard, now));
    const read = results.filter((r): r is Map<number, { total: number; slow: number; degraded: number }> => r !== undefined);
    if (read.length === 0) throw new NoShardReadable('turn log burn rates', failed);
    const allowed = 1 - this.slo.latencyObjective / 100;
    const latency: Record<string, number | null> = {};
    const degradedShare: Record<string, number | null> = {};
    const turns: Record<string, number> = {};
    for (const w of BURN_WINDOWS_SECONDS) {
      const counts = read.map((shard) => shard.get(w) ?? { total: 0, slow: 0, degraded: 0 });
      const total = counts.reduce((acc, c) => acc + c.total, 0);
      const slow = counts.reduce((acc, c) => acc + c.slow, 0);
      const degraded = counts.reduce((acc, c) => acc + c.degraded, 0);
      turns[w] = total;
      latency[w] = total > 0 ? slow / total / allowed : null;
      degradedShare[w] = total > 0 ? degraded / total : null;
    }
    return { latency, degradedShare, turns, ...(failed.length > 0 && { unreadShards: failed.map((f) => f.shard) }) };
  }

  private coverage(failed: ReadonlyArray<{ shard: number }>): Pick<Impact, 'shards' | 'unreadShards'> {
    if (this.shards.length === 1) return {};
    return { shards: this.shards.length, ...(failed.length > 0 && { unreadShards: failed.map((f) => f.shard) }) };
  }

  private async countShard(db: Queryable, from: Date, to: Date): Promise<ShardCounts> {
    const { rows } = await db.query<{ total: string; affected: string; sessions: string; slow: string; regions: string[] | null }>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE degraded OR latency_ms > $3) AS affected,
              count(DISTINCT session_id) FILTER (WHERE degraded OR latency_ms > $3) AS sessions,
              count(*) FILTER (WHERE latency_ms > $3) AS slow,
              array_agg(DISTINCT region) FILTER (WHERE degraded OR latency_ms > $3) AS regions
         FROM turn_events WHERE created_at >= $1 AND created_at <= $2`,
      [from, to, this.slo.latencyThresholdMs],
    );
    const window = await db.query<{ total: string }>(
      `SELECT count(*) AS total FROM turn_events WHERE created_at > $1::timestamptz - make_interval(days => $2) AND created_at <= $1`,
      [to, this.slo.windowDays],
    );
    const r = rows[0];
    return {
      total: Number(r.total),
      affected: Number(r.affected),
      sessions: Number(r.sessions),
      slow: Number(r.slow),
      regions: r.regions ?? [],
      windowTotal: Number(window.rows[0].total),
    };
  }

  private async burnCounts(db: Queryable, now: Date): Promise<Map<number, { total: number; slow: number; degraded: number }>> {
    const { rows } = await db.query<{ w: number; total: string; slow: string; degraded: string }>(
      `SELECT w, count(t.*) AS total,
              count(t.*) FILTER (WHERE t.latency_ms > $2) AS slow,
              count(t.*) FILTER (WHERE t.degraded) AS degraded
         FROM unnest($3::int[]) AS w
         LEFT JOIN turn_events t ON t.created_at > $1::timestamptz - make_interval(secs => w) AND t.created_at <= $1
        GROUP BY w ORDER BY w`,
      [now, this.slo.latencyThresholdMs, [...BURN_WINDOWS_SECONDS]],
    );
    return new Map(
      rows.map((row) => [Number(row.w), { total: Number(row.total), slow: Number(row.slow), degraded: Number(row.degraded) }]),
    );
  }
}

/** The windows burn rates are reported over: 5 min, 1 h, 6 h (SloAlerting's multi-window pairs). */
export const BURN_WINDOWS_SECONDS = [300, 3600, 21_600] as const;

/** One line for a message: figures, "partial" when a shard could not be read, or "unknown" without a turn log. */
export function describeImpact(impact: Impact | undefined): string {
  if (!impact) return 'User impact: unknown (no turn log available).';
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const regions = impact.regions.length > 0 ? impact.regions.join(', ') : 'no region';
  const unread = impact.unreadShards ?? [];
  if (unread.length > 0) {
    const shards = impact.shards ?? unread.length + 1;
    return (
      `User impact: PARTIAL, ${unread.length} of ${shards} turn-log shards unreadable (${unread.map((s) => `shard ${s}`).join(', ')}: their conversations are not counted). ` +
      `At least ${impact.affectedSessions} conversations (at least ${impact.affectedTurns} turns degraded or slow; ${pct(impact.shareOfTraffic)} of the ${impact.totalTurns} turns on the readable shards) ` +
      `in ${regions}; ${pct(impact.latencyBudgetBurned)} of the readable shards' latency error budget burned.`
    );
  }
  return (
    `User impact: ${impact.affectedSessions} conversations (${impact.affectedTurns} of ${impact.totalTurns} turns, ${pct(impact.shareOfTraffic)} of traffic) ` +
    `degraded or slow in ${regions}; ${pct(impact.latencyBudgetBurned)} of the latency error budget burned.`
  );
}
