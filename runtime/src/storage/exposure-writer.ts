import { Exposure } from '../experiments/experiment-engine';
import { Database, inTransaction } from './database';
import { insertChunks, valuesList } from './multi-row-insert';
import { lockSessions } from './session-locks';

/**
 * Store first exposures; a session's first exposure to an experiment is kept, repeats are
 * ignored. The session's feedback gets its variants too: exposures are written behind, so a
 * rating may have been committed before them (see feedback-writer.ts and session-locks.ts).
 */
export async function writeExposures(db: Database, batch: Exposure[]): Promise<void> {
  const sessions = batch.map((e) => e.sessionId);
  await inTransaction(db, async (tx) => {
    await lockSessions(tx, sessions, db.dialect);
    for (const chunk of insertChunks(db, batch)) {
      await tx.query(
        `INSERT INTO experiment_exposures (experiment_id, session_id, variant, config_version, exposed_at)
         VALUES ${valuesList(chunk.length, 5)} ON CONFLICT DO NOTHING`,
        chunk.flatMap((e) => [e.experimentId, e.sessionId, e.variant, e.configVersion, e.exposedAt]),
      );
    }
    await tx.query(
      db.dialect === 'sqlite'
        ? `UPDATE feedback AS f SET experiments = e.variants
             FROM (SELECT session_id, json_group_object(experiment_id, variant) AS variants
                     FROM experiment_exposures WHERE session_id IN (SELECT value FROM json_each($1)) GROUP BY session_id) AS e
            WHERE f.session_id = e.session_id AND f.experiments IS NOT e.variants`
        : `UPDATE feedback f SET experiments = e.variants
             FROM (SELECT session_id, jsonb_object_agg(experiment_id, variant) AS variants
                     FROM experiment_exposures WHERE session_id = ANY($1::text[]) GROUP BY session_id) e
            WHERE f.session_id = e.session_id AND f.experiments IS DISTINCT FROM e.variants`,
      [sessions],
    );
  });
}
