import { QualityWeights } from '../quality/quality-score';
import { rescoreConversations } from './conversation-rescore';
import { Database, inTransaction } from './database';
import { insertChunks, valuesList } from './multi-row-insert';
import { lockSessions } from './session-locks';

/** One row of `feedback` (storage/migrations.ts); the comment is redacted before it gets here. */
export interface FeedbackRecord {
  readonly id: string;
  readonly receivedAt: Date;
  readonly sessionId: string;
  readonly responseId?: string;
  readonly kind: 'thumbs' | 'csat';
  readonly score: number;
  readonly normalizedScore: number;
  readonly commentRedacted?: string;
  readonly commentSentiment?: number;
  /** Lower-cased entity names Natural Language found in the comment: the themes of the analysis. */
  readonly commentEntities: string[];
  readonly languageCode: string;
  readonly region: string;
}

const COLUMNS = [
  'id',
  'received_at',
  'session_id',
  'response_id',
  'kind',
  'score',
  'normalized_score',
  'comment_redacted',
  'comment_sentiment',
  'comment_entities',
  'language_code',
  'region',
] as const;

/**
 * Store feedback exactly once per id, rescore the conversations it rates, and copy the
 * session's experiment variants onto it — in one transaction. A retried batch (a commit whose
 * reply was lost, a client retry after a timeout) stores nothing twice; a later rating with the
 * same id (thumbs changed from down to up) replaces the earlier one, an older one never does.
 */
export async function writeFeedback(db: Database, batch: FeedbackRecord[], weights: QualityWeights): Promise<void> {
  const latest = new Map<string, FeedbackRecord>();
  for (const f of batch) if (!latest.has(f.id) || latest.get(f.id)!.receivedAt <= f.receivedAt) latest.set(f.id, f);
  const rows = [...latest.values()];
  const sessions = rows.map((r) => r.sessionId);
  await inTransaction(db, async (tx) => {
    await lockSessions(tx, sessions, db.dialect);
    for (const chunk of insertChunks(db, rows)) {
      await tx.query(
        `INSERT INTO feedback AS f (${COLUMNS.join(', ')}) VALUES ${valuesList(chunk.length, COLUMNS.length)}
         ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'id')
           .map((c) => `${c} = EXCLUDED.${c}`)
           .join(', ')}
         WHERE f.received_at < EXCLUDED.received_at`,
        chunk.flatMap(feedbackParams),
      );
    }
    // The variants the session was exposed to, for feedback-by-variant analysis (exposures written
    // later copy theirs onto this row: exposure-writer.ts).
    await tx.query(
      db.dialect === 'sqlite'
        ? `UPDATE feedback AS f SET experiments = e.variants
             FROM (SELECT session_id, json_group_object(experiment_id, variant) AS variants
                     FROM experiment_exposures WHERE session_id IN (SELECT value FROM json_each($1)) GROUP BY session_id) AS e
            WHERE f.session_id = e.session_id AND f.id IN (SELECT value FROM json_each($2))`
        : `UPDATE feedback f SET experiments = e.variants
             FROM (SELECT session_id, jsonb_object_agg(experiment_id, variant) AS variants
                     FROM experiment_exposures WHERE session_id = ANY($1::text[]) GROUP BY session_id) e
            WHERE f.session_id = e.session_id AND f.id = ANY($2::text[])`,
      [sessions, rows.map((r) => r.id)],
    );
    await rescoreConversations(tx, sessions, weights, db.dialect);
  });
}

/** One rating's values, in COLUMNS order. */
function feedbackParams(f: FeedbackRecord): unknown[] {
  return [
    f.id,
    f.receivedAt,
    f.sessionId,
    f.responseId ?? null,
    f.kind,
    f.score,
    f.normalizedScore,
    f.commentRedacted ?? null,
    f.commentSentiment ?? null,
    f.commentEntities,
    f.languageCode,
    f.region,
  ];
}
