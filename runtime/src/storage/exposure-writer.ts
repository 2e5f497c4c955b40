import { Exposure } from '../experiments/experiment-engine';
import { Database } from './database';

/** Store first exposures; a session's first exposure to an experiment is kept, repeats are ignored. */
export async function writeExposures(db: Database, batch: Exposure[]): Promise<void> {
  const params: unknown[] = [];
  const values = batch.map((e, i) => {
    params.push(e.experimentId, e.sessionId, e.variant, e.configVersion, e.exposedAt);
    return `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`;
  });
  await db.query(
    `INSERT INTO experiment_exposures (experiment_id, session_id, variant, config_version, exposed_at)
     VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`,
    params,
  );
}
