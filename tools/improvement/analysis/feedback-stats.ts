/** What every feedback breakdown reports for a group of feedback rows. */
export interface FeedbackStats {
  /** Feedback rows in the group (thumbs and CSAT together). */
  readonly count: number;
  readonly thumbsCount: number;
  /** Share of thumbs feedback that was thumbs-up, 0..1; null without thumbs feedback. */
  readonly thumbsUpShare: number | null;
  readonly csatCount: number;
  /** Mean CSAT on its own 1..5 scale; null without CSAT feedback. */
  readonly meanCsat: number | null;
  /** Mean of `normalized_score` (0..1), the one scale both kinds share. */
  readonly meanNormalizedScore: number;
  /** Rows with `normalized_score` < 0.5 (thumbs-down, CSAT 1 or 2). */
  readonly negativeCount: number;
}

/** Below this normalized score feedback is negative: thumbs-down and CSAT 1-2 (CSAT 3 is 0.5, neutral). */
export const NEGATIVE_BELOW = 0.5;

/**
 * The aggregate columns of `FeedbackStats` over feedback rows aliased `f` (columns kind, score,
 * normalized_score). Quoted aliases give the camelCase keys directly; casts give JS numbers
 * (pg returns bigint and numeric as strings).
 */
export const FEEDBACK_STATS_COLUMNS = `
  count(*)::int AS "count",
  (count(*) FILTER (WHERE f.kind = 'thumbs'))::int AS "thumbsCount",
  (avg(CASE WHEN f.score >= 1 THEN 1 ELSE 0 END) FILTER (WHERE f.kind = 'thumbs'))::float8 AS "thumbsUpShare",
  (count(*) FILTER (WHERE f.kind = 'csat'))::int AS "csatCount",
  (avg(f.score) FILTER (WHERE f.kind = 'csat'))::float8 AS "meanCsat",
  avg(f.normalized_score)::float8 AS "meanNormalizedScore",
  (count(*) FILTER (WHERE f.normalized_score < ${NEGATIVE_BELOW}))::int AS "negativeCount"`;
