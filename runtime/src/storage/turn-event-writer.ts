import type { Protocol } from '../protocol/turn';
import { Database, inTransaction } from './database';
import { insertChunks, valuesList } from './multi-row-insert';

/** One row of `turn_events` (see storage/migrations.ts); text is redacted before it gets here. */
export interface TurnEvent {
  readonly id: string;
  readonly createdAt: Date;
  readonly sessionId: string;
  readonly responseId: string;
  readonly protocol: Protocol;
  readonly tag: string;
  readonly languageCode: string;
  readonly intent?: string;
  readonly page?: string;
  readonly textRedacted: string;
  readonly sentimentScore?: number;
  readonly noMatch: boolean;
  readonly degraded: boolean;
  readonly degradedReasons: string[];
  readonly nlpSource: string;
  readonly latencyMs: number;
  readonly region: string;
  readonly intentConfidence?: number;
  readonly repeated: boolean;
  readonly lowConfidence: boolean;
  readonly escalated: boolean;
  readonly qualityScore?: number;
  /** Experiments the session is in: `{"<experiment>": "<variant>"}`. */
  readonly experiments: Record<string, string>;
}

const COLUMNS = [
  'id',
  'created_at',
  'session_id',
  'response_id',
  'protocol',
  'tag',
  'language_code',
  'intent',
  'page',
  'text_redacted',
  'sentiment_score',
  'no_match',
  'degraded',
  'degraded_reasons',
  'nlp_source',
  'latency_ms',
  'region',
  'intent_confidence',
  'repeated',
  'low_confidence',
  'escalated',
  'quality_score',
  'experiments',
];

/**
 * Insert a batch of turn events: one statement on Postgres, one transaction of fixed-size
 * statements on SQLite (multi-row-insert.ts). Idempotent on (id, created_at): a batch that is
 * retried after a commit whose reply was lost inserts nothing twice.
 */
export async function writeTurnEvents(db: Database, batch: TurnEvent[]): Promise<void> {
  const chunks = insertChunks(db, batch);
  const insert = (q: Pick<Database, 'query'>, rows: TurnEvent[]) =>
    q.query(
      `INSERT INTO turn_events (${COLUMNS.join(', ')}) VALUES ${valuesList(rows.length, COLUMNS.length)} ON CONFLICT DO NOTHING`,
      rows.flatMap(turnEventParams),
    );
  if (chunks.length <= 1) return void (chunks[0] && (await insert(db, chunks[0])));
  await inTransaction(db, async (tx) => {
    for (const rows of chunks) await insert(tx, rows);
  });
}

/** One row's values, in COLUMNS order. */
function turnEventParams(e: TurnEvent): unknown[] {
  return [
    e.id,
    e.createdAt,
    e.sessionId,
    e.responseId,
    e.protocol,
    e.tag,
    e.languageCode,
    e.intent ?? null,
    e.page ?? null,
    e.textRedacted,
    e.sentimentScore ?? null,
    e.noMatch,
    e.degraded,
    e.degradedReasons,
    e.nlpSource,
    e.latencyMs,
    e.region,
    e.intentConfidence ?? null,
    e.repeated,
    e.lowConfidence,
    e.escalated,
    e.qualityScore ?? null,
    JSON.stringify(e.experiments),
  ];
}
