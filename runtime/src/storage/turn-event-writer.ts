import type { Protocol } from '../protocol/turn';
import { Database, inTransaction } from './database';
import { columnArrays, insertChunks, unnestRows, valuesList } from './multi-row-insert';

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
] as const;

const DEGRADED_REASONS = COLUMNS.indexOf('degraded_reasons');

/** Each column's Postgres type, for `unnest`'s typed arrays (COLUMNS order). */
const POSTGRES_TYPES: Record<(typeof COLUMNS)[number], string> = {
  id: 'text',
  created_at: 'timestamptz',
  session_id: 'text',
  response_id: 'text',
  protocol: 'text',
  tag: 'text',
  language_code: 'text',
  intent: 'text',
  page: 'text',
  text_redacted: 'text',
  sentiment_score: 'real',
  no_match: 'boolean',
  degraded: 'boolean',
  // A column of arrays cannot be one Postgres array (they must be rectangular): each row's list
  // travels as JSON and is turned back into text[] in the SELECT.
  degraded_reasons: 'jsonb',
  nlp_source: 'text',
  latency_ms: 'integer',
  region: 'text',
  intent_confidence: 'real',
  repeated: 'boolean',
  low_confidence: 'boolean',
  escalated: 'boolean',
  quality_score: 'real',
  experiments: 'jsonb',
};

/** Postgres reads each row's `degraded_reasons` back from JSON (see POSTGRES_TYPES). */
const POSTGRES_INSERT = `INSERT INTO turn_events (${COLUMNS.join(', ')})
  ${unnestRows(COLUMNS, POSTGRES_TYPES, { degraded_reasons: 'ARRAY(SELECT jsonb_array_elements_text(r.degraded_reasons))' })}
  ON CONFLICT DO NOTHING`;

/**
 * Insert a batch of turn events: one `unnest` statement on Postgres, one transaction of
 * fixed-size multi-row statements on SQLite (multi-row-insert.ts). Idempotent on (id,
 * created_at): a batch that is retried after a commit whose reply was lost inserts nothing twice.
 */
export async function writeTurnEvents(db: Database, batch: TurnEvent[]): Promise<void> {
  if (batch.length === 0) return;
  if (db.dialect === 'postgres') {
    const params = (e: TurnEvent) => {
      const values = turnEventParams(e);
      values[DEGRADED_REASONS] = JSON.stringify(values[DEGRADED_REASONS]);
      return values;
    };
    return void (await db.query(POSTGRES_INSERT, columnArrays(batch, params)));
  }
  const chunks = insertChunks(db, batch);
  const insert = (q: Pick<Database, 'query'>, rows: TurnEvent[]) =>
    q.query(
      `INSERT INTO turn_events (${COLUMNS.join(', ')}) VALUES ${valuesList(rows.length, COLUMNS.length)} ON CONFLICT DO NOTHING`,
      rows.flatMap(turnEventParams),
    );
  if (chunks.length === 1) return void (await insert(db, chunks[0]));
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
