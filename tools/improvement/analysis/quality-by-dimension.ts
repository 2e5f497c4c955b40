import { Queryable } from '../../../runtime/src/storage/database';
import { Period, assertPeriod } from './period';

export type QualityDimension = 'intent' | 'page';

export interface DimensionQuality {
  /** Intent or page of the turns; null when none matched (intent) or none was reported (page). */
  readonly key: string | null;
  readonly turns: number;
  /** Distinct conversations with at least one such turn in the period. */
  readonly conversations: number;
  /** Mean per-turn quality score (0..1) of those turns; null when none was scored. */
  readonly meanTurnQuality: number | null;
  /** Mean quality score (0..1) of the conversations those turns belong to. */
  readonly meanConversationQuality: number | null;
  /** Share of those turns that matched no intent. */
  readonly noMatchShare: number;
}

// Column names come from this map only, never from the caller's string.
const COLUMN: Record<QualityDimension, string> = { intent: 'intent', page: 'page' };

/**
 * Quality where it happens: turns answered in the period grouped by their intent or page, with
 * both the turns' own scores and the score of the conversations passing through (a page can
 * answer each turn well and still sit in conversations that fail). Most turns first.
 */
export async function qualityBy(db: Queryable, period: Period, dimension: QualityDimension): Promise<DimensionQuality[]> {
  assertPeriod(period);
  const column = COLUMN[dimension];
  if (!column) throw new Error(`unknown quality dimension "${dimension}"`);
  // Grouped per (key, session) first so each conversation's score counts once per key.
  const { rows } = await db.query<DimensionQuality & Record<string, unknown>>(
    `WITH per_session AS (
       SELECT ${column} AS key, session_id, count(*) AS turns, count(*) FILTER (WHERE no_match) AS no_match,
         sum(quality_score) AS quality_sum, count(quality_score) AS quality_n
       FROM turn_events WHERE created_at >= $1 AND created_at < $2
       GROUP BY ${column}, session_id
     )
     SELECT s.key AS "key", sum(s.turns)::int AS "turns", count(*)::int AS "conversations",
       (sum(s.quality_sum) / nullif(sum(s.quality_n), 0))::float8 AS "meanTurnQuality",
       avg(c.quality_score)::float8 AS "meanConversationQuality",
       (sum(s.no_match)::float8 / sum(s.turns)) AS "noMatchShare"
     FROM per_session s LEFT JOIN conversations c ON c.session_id = s.session_id
     GROUP BY s.key
     ORDER BY "turns" DESC, "key" ASC NULLS FIRST`,
    [period.from, period.to],
  );
  return rows;
}

export const qualityByIntent = (db: Queryable, period: Period): Promise<DimensionQuality[]> => qualityBy(db, period, 'intent');
export const qualityByPage = (db: Queryable, period: Period): Promise<DimensionQuality[]> => qualityBy(db, period, 'page');
