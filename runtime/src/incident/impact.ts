import { Queryable } from '../storage/database';

/** What an incident did to users, from the turn log. */
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
}

/** Burn rates now, from the turn log: how fast the latency SLO's budget is being spent. */
export interface BurnRates {
  /** Window (seconds) → latency burn rate: (slow turns / turns) / (1 − objective); 1 spends the budget exactly over the SLO window. */
  readonly latency: Record<string, number | null>;
  /** Window (seconds) → share of turns answered degraded. */
  readonly degradedShare: Record<string, number | null>;
  /** Window (seconds) → turns seen. */
  readonly turns: Record<string, number>;
}

/**
 * Reads impact from `turn_events` (written by the webhook). A slow turn spends latency budget; a
 * degraded one is a weaker answer. The budget is (1 − objective) × the turns of the SLO window.
 */
export class TurnLogImpact {
  constructor(
    private readonly db: Queryable,
    private readonly slo: { readonly latencyObjective: number; readonly latencyThresholdMs: number; readonly windowDays: number },
  ) {}

  async measure(from: Date, to: Date): Promise<Impact> {
    const { rows } = await this.db.query<{ total: string; affected: string; sessions: string; slow: string; regions: string[] | null }>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE degraded OR latency_ms > $3) AS affected,
              count(DISTINCT session_id) FILTER (WHERE degraded OR latency_ms > $3) AS sessions,
              count(*) FILTER (WHERE latency_ms > $3) AS slow,
              array_agg(DISTINCT region) FILTER (WHERE degraded OR latency_ms > $3) AS regions
         FROM turn_events WHERE created_at >= $1 AND created_at <= $2`,
      [from, to, this.slo.latencyThresholdMs],
    );
    const window = await this.db.query<{ total: string }>(
      `SELECT count(*) AS total FROM turn_events WHERE created_at > $1::timestamptz - make_interval(days => $2) AND created_at <= $1`,
      [to, this.slo.windowDays],
    );
    const r = rows[0];
    const total = Number(r.total);
    const budget = (1 - this.slo.latencyObjective / 100) * Number(window.rows[0].total);
    return {
      affectedTurns: Number(r.affected),
      affectedSessions: Number(r.sessions),
      totalTurns: total,
      shareOfTraffic: total > 0 ? Number(r.affected) / total : 0,
      regions: (r.regions ?? []).sort(),
      latencyBudgetBurned: budget > 0 ? Number(r.slow) / budget : 0,
    };
  }

  /** Latency burn rate and degraded share over the last 5 min, 1 h and 6 h before `now`; null without turns. */
  async burnRates(now: Date): Promise<BurnRates> {
    const { rows } = await this.db.query<{ w: number; total: string; slow: string; degraded: string }>(
      `SELECT w, count(t.*) AS total,
              count(t.*) FILTER (WHERE t.latency_ms > $2) AS slow,
              count(t.*) FILTER (WHERE t.degraded) AS degraded
         FROM unnest($3::int[]) AS w
         LEFT JOIN turn_events t ON t.created_at > $1::timestamptz - make_interval(secs => w) AND t.created_at <= $1
        GROUP BY w ORDER BY w`,
      [now, this.slo.latencyThresholdMs, [...BURN_WINDOWS_SECONDS]],
    );
    const allowed = 1 - this.slo.latencyObjective / 100;
    const latency: Record<string, number | null> = {};
    const degradedShare: Record<string, number | null> = {};
    const turns: Record<string, number> = {};
    for (const row of rows) {
      const total = Number(row.total);
      turns[row.w] = total;
      latency[row.w] = total > 0 ? Number(row.slow) / total / allowed : null;
      degradedShare[row.w] = total > 0 ? Number(row.degraded) / total : null;
    }
    return { latency, degradedShare, turns };
  }
}

/** The windows burn rates are reported over: 5 min, 1 h, 6 h (SloAlerting's multi-window pairs). */
export const BURN_WINDOWS_SECONDS = [300, 3600, 21_600] as const;

/** One line for a message: figures, or "unknown" without a turn log. */
export function describeImpact(impact: Impact | undefined): string {
  if (!impact) return 'User impact: unknown (no turn log available).';
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return (
    `User impact: ${impact.affectedSessions} conversations (${impact.affectedTurns} of ${impact.totalTurns} turns, ${pct(impact.shareOfTraffic)} of traffic) ` +
    `degraded or slow in ${impact.regions.length > 0 ? impact.regions.join(', ') : 'no region'}; ${pct(impact.latencyBudgetBurned)} of the latency error budget burned.`
  );
}
