import { Queryable } from '../../../runtime/src/storage/database';
import { FEEDBACK_STATS_COLUMNS, FeedbackStats } from './feedback-stats';
import { Period, assertPeriod } from './period';

/** What feedback can be broken down by, besides experiment variant (see feedback-by-variant.ts). */
export type FeedbackDimension = 'intent' | 'page' | 'tag' | 'language';
export const FEEDBACK_DIMENSIONS: readonly FeedbackDimension[] = ['intent', 'page', 'tag', 'language'];

export interface DimensionFeedback extends FeedbackStats {
  /**
   * The intent, page, tag or language the feedback is attributed to. Null when the turn had none
   * (no intent matched) or the row it is attributed to is gone (turn partitions past retention).
   */
  readonly key: string | null;
}

/**
 * Feedback attributed to where it was given: a rated turn (`response_id` set) takes the intent,
 * page, tag and language of its `turn_events` row; feedback on the whole conversation takes the
 * conversation's last intent and page (where it ended), its first tag (what it came for) and its
 * language. The language falls back to the one on the feedback itself, which is always recorded.
 * The turn lookup uses the `turn_events_response` index; a retried turn may be stored twice, so
 * the first row is taken.
 */
const ATTRIBUTED_FEEDBACK = `
  SELECT f.kind, f.score, f.normalized_score,
    CASE WHEN f.response_id IS NULL THEN c.last_intent ELSE t.intent END AS intent,
    CASE WHEN f.response_id IS NULL THEN c.last_page ELSE t.page END AS page,
    CASE WHEN f.response_id IS NULL THEN c.first_tag ELSE t.tag END AS tag,
    coalesce(CASE WHEN f.response_id IS NULL THEN c.language_code ELSE t.language_code END, f.language_code) AS language
  FROM feedback f
  LEFT JOIN conversations c ON f.response_id IS NULL AND c.session_id = f.session_id
  LEFT JOIN LATERAL (
    SELECT te.intent, te.page, te.tag, te.language_code FROM turn_events te
    WHERE te.response_id = f.response_id AND te.session_id = f.session_id
    ORDER BY te.created_at LIMIT 1
  ) t ON f.response_id IS NOT NULL
  WHERE f.received_at >= $1 AND f.received_at < $2`;

// Column names come from this map only, never from the caller's string.
const COLUMN: Record<FeedbackDimension, string> = { intent: 'intent', page: 'page', tag: 'tag', language: 'language' };

/**
 * Feedback received in the period grouped by one dimension, worst first: lowest mean normalized
 * score, then the most feedback (a bad score on more feedback is the surer signal).
 */
export async function feedbackByDimension(db: Queryable, period: Period, dimension: FeedbackDimension): Promise<DimensionFeedback[]> {
  assertPeriod(period);
  const column = COLUMN[dimension];
  if (!column) throw new Error(`unknown feedback dimension "${dimension}"`);
  const { rows } = await db.query<DimensionFeedback & Record<string, unknown>>(
    `SELECT f.${column} AS "key", ${FEEDBACK_STATS_COLUMNS}
     FROM (${ATTRIBUTED_FEEDBACK}) f
     GROUP BY f.${column}
     ORDER BY "meanNormalizedScore" ASC, "count" DESC, "key" ASC NULLS FIRST`,
    [period.from, period.to],
  );
  return rows;
}
