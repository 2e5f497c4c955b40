import { ExperimentMetricName } from '../../runtime/src/experiments/experiment-config';
import { Queryable } from '../../runtime/src/storage/database';
import { MeanSample } from './statistics/welch-t-test';
import { ProportionSample } from './statistics/two-proportions';

/** Per-variant data of one experiment: exposures, and every metric's sufficient statistics. */
export interface VariantData {
  readonly variant: string;
  readonly exposures: number;
  /** Exposed sessions that have a `conversations` row (the denominator of the conversation metrics). */
  readonly conversations: number;
  readonly metrics: { readonly [M in ExperimentMetricName]: MetricSample };
}

export type MetricSample =
  { readonly kind: 'proportion'; readonly sample: ProportionSample } | { readonly kind: 'mean'; readonly sample: MeanSample };

/** Exposed sessions per recorded config version of one experiment. */
export async function exposuresByVersion(db: Queryable, experimentId: string): Promise<Array<{ configVersion: number; sessions: number }>> {
  const { rows } = await db.query<{ config_version: number; sessions: number }>(
    `SELECT config_version, count(*)::int AS sessions FROM experiment_exposures WHERE experiment_id = $1 GROUP BY config_version ORDER BY config_version`,
    [experimentId],
  );
  return rows.map((r) => ({ configVersion: Number(r.config_version), sessions: Number(r.sessions) }));
}

interface VariantRow extends Record<string, unknown> {
  variant: string;
  exposures: number;
  conversations: number;
  escalated: number;
  with_no_match: number;
  quality_mean: number | null;
  quality_var: number | null;
  turns_mean: number | null;
  turns_var: number | null;
  thumbs_sessions: number;
  thumbs_up: number;
  csat_sessions: number;
  csat_mean: number | null;
  csat_var: number | null;
}

/**
 * Aggregate in Postgres, one row per variant: the tests need only counts, means and variances, so
 * millions of sessions never leave the database. The unit of analysis is the session (what was
 * randomized): feedback is first reduced to one value per session — the share of its thumbs that
 * were up, the mean of its CSAT ratings — so a chatty user cannot weigh more than one session.
 * A per-session thumbs share in [0, 1] summed as "successes" keeps the binomial test conservative:
 * the variance of a [0, 1] value with mean p is at most p(1 − p).
 */
export async function variantData(db: Queryable, experimentId: string, configVersions: readonly number[]): Promise<VariantData[]> {
  const { rows } = await db.query<VariantRow>(
    `WITH exposed AS (
       SELECT session_id, variant FROM experiment_exposures
       WHERE experiment_id = $1 AND config_version = ANY($2::int[])
     ),
     session_feedback AS (
       SELECT f.session_id,
              avg(f.normalized_score) FILTER (WHERE f.kind = 'thumbs') AS thumbs_share,
              avg(f.score) FILTER (WHERE f.kind = 'csat') AS csat
       FROM feedback f JOIN exposed e ON e.session_id = f.session_id
       GROUP BY f.session_id
     )
     SELECT e.variant,
            count(*)::int AS exposures,
            count(c.session_id)::int AS conversations,
            (count(*) FILTER (WHERE c.escalated))::int AS escalated,
            (count(*) FILTER (WHERE c.no_match_turns > 0))::int AS with_no_match,
            avg(c.quality_score)::float8 AS quality_mean,
            var_samp(c.quality_score)::float8 AS quality_var,
            avg(c.turns)::float8 AS turns_mean,
            var_samp(c.turns)::float8 AS turns_var,
            count(fb.thumbs_share)::int AS thumbs_sessions,
            coalesce(sum(fb.thumbs_share), 0)::float8 AS thumbs_up,
            count(fb.csat)::int AS csat_sessions,
            avg(fb.csat)::float8 AS csat_mean,
            var_samp(fb.csat)::float8 AS csat_var
     FROM exposed e
     LEFT JOIN conversations c ON c.session_id = e.session_id
     LEFT JOIN session_feedback fb ON fb.session_id = e.session_id
     GROUP BY e.variant
     ORDER BY e.variant`,
    [experimentId, configVersions],
  );
  return rows.map(toVariantData);
}

/** A variant nobody was exposed to: every sample empty. */
export function emptyVariantData(variant: string): VariantData {
  return toVariantData({
    variant,
    exposures: 0,
    conversations: 0,
    escalated: 0,
    with_no_match: 0,
    quality_mean: null,
    quality_var: null,
    turns_mean: null,
    turns_var: null,
    thumbs_sessions: 0,
    thumbs_up: 0,
    csat_sessions: 0,
    csat_mean: null,
    csat_var: null,
  });
}

function toVariantData(r: VariantRow): VariantData {
  const conversations = Number(r.conversations);
  const escalated = Number(r.escalated);
  const proportion = (successes: number, trials: number): MetricSample => ({ kind: 'proportion', sample: { successes, trials } });
  // var_samp is NULL for a single row and avg for none: n tells the tests what they can do.
  const mean = (n: number, m: number | null, v: number | null): MetricSample => ({
    kind: 'mean',
    sample: { n, mean: m === null ? 0 : Number(m), variance: v === null ? 0 : Number(v) },
  });
  return {
    variant: r.variant,
    exposures: Number(r.exposures),
    conversations,
    metrics: {
      conversation_quality: mean(conversations, r.quality_mean, r.quality_var),
      containment_rate: proportion(conversations - escalated, conversations),
      escalation_rate: proportion(escalated, conversations),
      no_match_rate: proportion(Number(r.with_no_match), conversations),
      // Clamped: a float sum of per-session shares could exceed the count by an ulp.
      thumbs_up_rate: proportion(Math.min(Number(r.thumbs_up), Number(r.thumbs_sessions)), Number(r.thumbs_sessions)),
      csat: mean(Number(r.csat_sessions), r.csat_mean, r.csat_var),
      turns: mean(conversations, r.turns_mean, r.turns_var),
    },
  };
}
