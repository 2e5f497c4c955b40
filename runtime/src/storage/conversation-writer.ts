import { QualityWeights } from '../quality/quality-score';
import { ConversationSnapshot } from '../quality/conversation-tracker';
import { rescoreConversations } from './conversation-rescore';
import { Database, inTransaction } from './database';
import { columnArrays, insertChunks, unnestRows, valuesList } from './multi-row-insert';

const COLUMNS = [
  'session_id',
  'started_at',
  'updated_at',
  'language_code',
  'first_tag',
  'last_tag',
  'last_intent',
  'last_page',
  'flow',
  'environment',
  'turns',
  'no_match_turns',
  'low_confidence_turns',
  'repeated_turns',
  'escalated',
  'ended',
  'sentiment_first',
  'sentiment_last',
  'sentiment_mean',
  'expected_turns',
  'quality_components',
  'quality_score',
  'experiments',
] as const;

/** Each column's Postgres type, for `unnest`'s typed arrays. */
const POSTGRES_TYPES: Record<(typeof COLUMNS)[number], string> = {
  session_id: 'text',
  started_at: 'timestamptz',
  updated_at: 'timestamptz',
  language_code: 'text',
  first_tag: 'text',
  last_tag: 'text',
  last_intent: 'text',
  last_page: 'text',
  flow: 'text',
  environment: 'text',
  turns: 'integer',
  no_match_turns: 'integer',
  low_confidence_turns: 'integer',
  repeated_turns: 'integer',
  escalated: 'boolean',
  ended: 'boolean',
  sentiment_first: 'real',
  sentiment_last: 'real',
  sentiment_mean: 'real',
  expected_turns: 'integer',
  quality_components: 'jsonb',
  quality_score: 'real',
  experiments: 'jsonb',
};

/** Columns a later snapshot of the same conversation replaces (everything but the key and the start). */
const UPDATED = COLUMNS.filter((c) => c !== 'session_id' && c !== 'started_at' && c !== 'first_tag');

/** The recorded variants and the new ones, merged (a key once set keeps its variant's latest value). */
function mergeJson(db: Database): string {
  return db.dialect === 'sqlite' ? 'json_patch(c.experiments, EXCLUDED.experiments)' : 'c.experiments || EXCLUDED.experiments';
}

/**
 * Upsert conversation snapshots and rescore them with their feedback, in one transaction.
 * Snapshots of one session in a batch collapse to the latest; an older snapshot never
 * overwrites a newer one (a retried batch, or two instances serving one session), and
 * `experiments` only grows, so a variant once recorded stays recorded.
 */
export async function writeConversations(db: Database, batch: ConversationSnapshot[], weights: QualityWeights): Promise<void> {
  const latest = new Map<string, ConversationSnapshot>();
  for (const s of batch) {
    const seen = latest.get(s.sessionId);
    if (!seen || s.turns > seen.turns || (s.turns === seen.turns && s.updatedAt >= seen.updatedAt)) latest.set(s.sessionId, s);
  }
  const rows = [...latest.values()];
  if (rows.length === 0) return;
  const upsert = (rowsSql: string) =>
    `INSERT INTO conversations AS c (${COLUMNS.join(', ')}) ${rowsSql}
     ON CONFLICT (session_id) DO UPDATE SET
       ${UPDATED.map((c) => (c === 'experiments' ? `experiments = ${mergeJson(db)}` : `${c} = EXCLUDED.${c}`)).join(',\n       ')}
     WHERE c.turns < EXCLUDED.turns OR (c.turns = EXCLUDED.turns AND c.updated_at <= EXCLUDED.updated_at)`;
  await inTransaction(db, async (tx) => {
    // One statement per batch on Postgres (multi-row-insert.ts says why), fixed-size chunks on SQLite.
    if (db.dialect === 'postgres') await tx.query(upsert(unnestRows(COLUMNS, POSTGRES_TYPES)), columnArrays(rows, snapshotParams));
    else
      for (const chunk of insertChunks(db, rows))
        await tx.query(upsert(`VALUES ${valuesList(chunk.length, COLUMNS.length)}`), chunk.flatMap(snapshotParams));
    await rescoreConversations(
      tx,
      rows.map((r) => r.sessionId),
      weights,
      db.dialect,
    );
  });
}

/** One snapshot's values, in COLUMNS order. */
function snapshotParams(s: ConversationSnapshot): unknown[] {
  return [
    s.sessionId,
    s.startedAt,
    s.updatedAt,
    s.languageCode,
    s.firstTag,
    s.lastTag,
    s.lastIntent ?? null,
    s.lastPage ?? null,
    s.flow ?? null,
    s.environment,
    s.turns,
    s.noMatchTurns,
    s.lowConfidenceTurns,
    s.repeatedTurns,
    s.escalated,
    s.ended,
    s.sentimentFirst ?? null,
    s.sentimentLast ?? null,
    s.sentimentMean ?? null,
    s.expectedTurns ?? null,
    JSON.stringify(s.components),
    0, // the real score is set by the rescore, with feedback
    JSON.stringify(s.experiments),
  ];
}
