import { QualityComponents, QualityWeights, weightedScore } from '../quality/quality-score';
import { Queryable } from './database';

/**
 * Recompute the stored score of these conversations from their turn components and their
 * explicit feedback. Both writers call it in their own transaction — the conversation writer
 * after new turns, the feedback writer after new feedback — so whichever commits last has seen
 * both: the rows are locked (FOR UPDATE) before the feedback is read, so a concurrent rescore
 * waits and then reads what this one committed. One formula (quality-score.ts), no SQL copy.
 */
export async function rescoreConversations(
  tx: Queryable,
  sessionIds: string[],
  weights: QualityWeights,
  dialect: 'postgres' | 'sqlite' = 'postgres',
): Promise<void> {
  if (sessionIds.length === 0) return;
  const ids = [...new Set(sessionIds)].sort(); // one lock order for every writer: no deadlocks
  const sqlite = dialect === 'sqlite';
  // SQLite has no row locks and needs none: one connection, one transaction at a time.
  const locked = await tx.query<{ session_id: string; quality_components: QualityComponents | string }>(
    sqlite
      ? `SELECT session_id, quality_components FROM conversations WHERE session_id IN (SELECT value FROM json_each($1)) ORDER BY session_id`
      : `SELECT session_id, quality_components FROM conversations WHERE session_id = ANY($1::text[]) ORDER BY session_id FOR UPDATE`,
    [ids],
  );
  if (locked.rows.length === 0) return;
  const feedback = await tx.query<{ session_id: string; mean: number }>(
    sqlite
      ? `SELECT session_id, avg(normalized_score) AS mean FROM feedback WHERE session_id IN (SELECT value FROM json_each($1)) GROUP BY session_id`
      : `SELECT session_id, avg(normalized_score)::float8 AS mean FROM feedback WHERE session_id = ANY($1::text[]) GROUP BY session_id`,
    [ids],
  );
  const feedbackBySession = new Map(feedback.rows.map((r) => [r.session_id, Number(r.mean)]));
  const sessions: string[] = [];
  const scores: number[] = [];
  const feedbackScores: Array<number | null> = [];
  for (const row of locked.rows) {
    const fb = feedbackBySession.get(row.session_id);
    const components = (
      typeof row.quality_components === 'string' ? JSON.parse(row.quality_components) : row.quality_components
    ) as QualityComponents;
    sessions.push(row.session_id);
    scores.push(weightedScore({ ...components, ...(fb !== undefined && { feedback: fb }) }, weights) ?? 0);
    feedbackScores.push(fb ?? null);
  }
  if (sqlite) {
    for (let i = 0; i < sessions.length; i++)
      await tx.query(`UPDATE conversations SET quality_score = $1, feedback_score = $2 WHERE session_id = $3`, [
        scores[i],
        feedbackScores[i],
        sessions[i],
      ]);
    return;
  }
  await tx.query(
    `UPDATE conversations c SET quality_score = v.score, feedback_score = v.feedback
       FROM unnest($1::text[], $2::real[], $3::real[]) AS v(session_id, score, feedback)
      WHERE c.session_id = v.session_id`,
    [sessions, scores, feedbackScores],
  );
}
