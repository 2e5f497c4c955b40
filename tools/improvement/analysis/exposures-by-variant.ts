import { Queryable } from '../../../runtime/src/storage/database';
import { Period, assertPeriod } from './period';

export interface VariantExposure {
  readonly experiment: string;
  readonly variant: string;
  /** Sessions first exposed to the experiment in the period, in this variant. */
  readonly exposures: number;
  /** Of those, sessions with a `conversations` row (the ones quality is known for). */
  readonly conversations: number;
  /** Mean conversation quality score (0..1) of the exposed sessions. */
  readonly meanQuality: number | null;
  /** Share of the exposed conversations handed to a human. */
  readonly escalationRate: number | null;
}

/**
 * Exposures and outcome per experiment variant, for sessions first exposed in the period.
 * Descriptive only: whether a difference is real is tools/experiments' job (it also checks the
 * config version and the traffic split).
 */
export async function exposuresByVariant(db: Queryable, period: Period): Promise<VariantExposure[]> {
  assertPeriod(period);
  const { rows } = await db.query<VariantExposure & Record<string, unknown>>(
    `SELECT e.experiment_id AS "experiment", e.variant AS "variant", count(*)::int AS "exposures",
       count(c.session_id)::int AS "conversations", avg(c.quality_score)::float8 AS "meanQuality",
       avg(c.escalated::int)::float8 AS "escalationRate"
     FROM experiment_exposures e LEFT JOIN conversations c ON c.session_id = e.session_id
     WHERE e.exposed_at >= $1 AND e.exposed_at < $2
     GROUP BY e.experiment_id, e.variant
     ORDER BY e.experiment_id, e.variant`,
    [period.from, period.to],
  );
  return rows;
}
