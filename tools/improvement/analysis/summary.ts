import { Queryable } from '../../../runtime/src/storage/database';
import { NEGATIVE_BELOW } from './feedback-stats';
import { Period, assertPeriod } from './period';

/** The period in one line: the same definitions as the trend, over the whole period. */
export interface PeriodSummary {
  readonly turns: number;
  readonly conversations: number;
  readonly meanQuality: number | null;
  readonly noMatchRate: number | null;
  readonly escalationRate: number | null;
  readonly feedback: number;
  readonly meanFeedbackScore: number | null;
  /** Negative feedback (normalized score < 0.5) with a non-blank comment. */
  readonly negativeComments: number;
}

export async function periodSummary(db: Queryable, period: Period): Promise<PeriodSummary> {
  assertPeriod(period);
  const { rows } = await db.query<PeriodSummary & Record<string, unknown>>(
    `WITH t AS (
       SELECT count(*)::int AS turns, avg(no_match::int)::float8 AS no_match_rate
       FROM turn_events WHERE created_at >= $1 AND created_at < $2
     ), c AS (
       SELECT count(*)::int AS conversations, avg(quality_score)::float8 AS mean_quality, avg(escalated::int)::float8 AS escalation_rate
       FROM conversations WHERE started_at >= $1 AND started_at < $2
     ), f AS (
       SELECT count(*)::int AS feedback, avg(normalized_score)::float8 AS mean_score,
         (count(*) FILTER (WHERE normalized_score < ${NEGATIVE_BELOW} AND btrim(coalesce(comment_redacted, '')) <> ''))::int AS negative_comments
       FROM feedback WHERE received_at >= $1 AND received_at < $2
     )
     SELECT t.turns AS "turns", c.conversations AS "conversations", c.mean_quality AS "meanQuality",
       t.no_match_rate AS "noMatchRate", c.escalation_rate AS "escalationRate", f.feedback AS "feedback",
       f.mean_score AS "meanFeedbackScore", f.negative_comments AS "negativeComments"
     FROM t, c, f`,
    [period.from, period.to],
  );
  return rows[0];
}
