import type { Protocol } from '../protocol/turn';
import { Database } from './database';

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
 * Insert a batch of turn events in one statement. Idempotent on (id, created_at): a batch that
 * is retried after a commit whose reply was lost inserts nothing twice.
 */
export async function writeTurnEvents(db: Database, batch: TurnEvent[]): Promise<void> {
  const params: unknown[] = [];
  const rows = batch.map((e, i) => {
    params.push(
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
    );
    return `(${COLUMNS.map((_, j) => `$${i * COLUMNS.length + j + 1}`).join(', ')})`;
  });
  await db.query(`INSERT INTO turn_events (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`, params);
}
