import { Queryable } from '../../../runtime/src/storage/database';
import { FEEDBACK_STATS_COLUMNS, FeedbackStats } from './feedback-stats';
import { Period, assertPeriod } from './period';

export interface VariantFeedback extends FeedbackStats {
  readonly experiment: string;
  readonly variant: string;
}

/**
 * Feedback received in the period per experiment variant: the variants recorded on the feedback
 * row (the session's exposures when it was written), completed by the conversation's own — the
 * exposure and feedback queues flush independently, so a rating given right after the first
 * exposure may be stored before its exposure row. Feedback from a session in several experiments
 * counts once in each. Descriptive only: significance is tools/experiments'.
 */
export async function feedbackByVariant(db: Queryable, period: Period): Promise<VariantFeedback[]> {
  assertPeriod(period);
  const { rows } = await db.query<VariantFeedback & Record<string, unknown>>(
    `SELECT x.key AS "experiment", x.value AS "variant", ${FEEDBACK_STATS_COLUMNS}
     FROM feedback f
     LEFT JOIN conversations c ON c.session_id = f.session_id
     -- jsonb_each_text raises on anything but an object; a malformed row must not break the report.
     CROSS JOIN LATERAL jsonb_each_text(
       (CASE WHEN jsonb_typeof(c.experiments) = 'object' THEN c.experiments ELSE '{}'::jsonb END) ||
       (CASE WHEN jsonb_typeof(f.experiments) = 'object' THEN f.experiments ELSE '{}'::jsonb END)
     ) x
     WHERE f.received_at >= $1 AND f.received_at < $2
     GROUP BY x.key, x.value
     ORDER BY x.key, x.value`,
    [period.from, period.to],
  );
  return rows;
}
