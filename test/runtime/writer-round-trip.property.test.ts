/**
 * What a writer stores is what it was given, exactly: turn events and conversation snapshots with
 * arbitrary (storable) text — quotes, backslashes, braces, commas, the word NULL, any script —
 * through the writers' `unnest` statements into a real Postgres and read back. The statements
 * travel each column as one array literal, so any escaping slip would show up here as a changed
 * or shifted value, not as an error.
 */
import fc from 'fast-check';
import { DEFAULT_QUALITY_WEIGHTS } from '../../runtime/src/quality/quality-score';
import { ConversationSnapshot } from '../../runtime/src/quality/conversation-tracker';
import { writeConversations } from '../../runtime/src/storage/conversation-writer';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { migrate } from '../../runtime/src/storage/migrations';
import { TurnEvent, writeTurnEvents } from '../../runtime/src/storage/turn-event-writer';
import { PostgresServer } from './support/local-servers';

/** Text Postgres stores (no NUL, no unpaired surrogate), biased towards what array literals must escape. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('NULL', 'null', '"', '\\', '{}', '{a,b}', 'a,b', ' padded ', '', "it's", '\\"', '{"k":"v"}', '日本語 🏦'),
);
/** Values a `real` column holds exactly when read back (three decimals, as the runtime's scores). */
const score = fc.integer({ min: -1_000, max: 1_000 }).map((n) => n / 1_000);
const moment = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms));
/** Keys are stamped per run, not generated: a shrunk counterexample is written again and must not meet its earlier row. */
let serial = 0;
const fresh = (prefix: string) => `${prefix}-${process.pid}-${serial++}`;

const turnEvent: fc.Arbitrary<TurnEvent> = fc.record({
  id: fc.constant(''),
  createdAt: moment,
  sessionId: text,
  responseId: text,
  protocol: fc.constantFrom('cx' as const, 'es' as const),
  tag: text,
  languageCode: text,
  intent: fc.option(text, { nil: undefined }),
  page: fc.option(text, { nil: undefined }),
  textRedacted: text,
  sentimentScore: fc.option(score, { nil: undefined }),
  noMatch: fc.boolean(),
  degraded: fc.boolean(),
  degradedReasons: fc.array(text, { maxLength: 4 }),
  nlpSource: text,
  latencyMs: fc.nat(100_000),
  region: text,
  intentConfidence: fc.option(score, { nil: undefined }),
  repeated: fc.boolean(),
  lowConfidence: fc.boolean(),
  escalated: fc.boolean(),
  qualityScore: fc.option(score, { nil: undefined }),
  experiments: fc.dictionary(text, text, { maxKeys: 3 }),
});

const conversation: fc.Arbitrary<ConversationSnapshot> = fc.record({
  sessionId: fc.constant(''),
  startedAt: moment,
  updatedAt: moment,
  languageCode: text,
  firstTag: text,
  lastTag: text,
  lastIntent: fc.option(text, { nil: undefined }),
  lastPage: fc.option(text, { nil: undefined }),
  flow: fc.option(text, { nil: undefined }),
  environment: text,
  turns: fc.integer({ min: 1, max: 500 }),
  noMatchTurns: fc.nat(500),
  lowConfidenceTurns: fc.nat(500),
  repeatedTurns: fc.nat(500),
  escalated: fc.boolean(),
  ended: fc.boolean(),
  sentimentFirst: fc.option(score, { nil: undefined }),
  sentimentLast: fc.option(score, { nil: undefined }),
  sentimentMean: fc.option(score, { nil: undefined }),
  expectedTurns: fc.option(fc.nat(50), { nil: undefined }),
  components: fc.record({ understanding: score, sentiment: score }, { requiredKeys: [] }),
  experiments: fc.dictionary(text, text, { maxKeys: 3 }),
});

const nullable = <T>(v: T | undefined) => v ?? null;

describe('writers store exactly what they are given (real Postgres, property-based)', () => {
  let postgres: PostgresServer;
  let db: PostgresDatabase;
  beforeAll(async () => {
    postgres = await PostgresServer.start();
    db = new PostgresDatabase({ url: postgres.url });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await postgres?.destroy();
  });

  /** The stored rows of `table` whose `key` column is one of `keys`, by key. */
  async function storedRows(table: string, key: string, keys: string[]): Promise<Map<string, Record<string, unknown>>> {
    const { rows } = await db.query(`SELECT * FROM ${table} WHERE ${key} = ANY($1::text[])`, [keys]);
    return new Map(rows.map((r) => [r[key] as string, r]));
  }

  test('turn events: every field of every row of a batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(turnEvent, { minLength: 1, maxLength: 40 }), async (generated) => {
        const batch = generated.map((e) => ({ ...e, id: fresh('rt-turn') }));
        await writeTurnEvents(db, batch);
        const byId = await storedRows(
          'turn_events',
          'id',
          batch.map((e) => e.id),
        );
        expect(byId.size).toBe(batch.length);
        for (const e of batch) {
          expect(byId.get(e.id)).toEqual({
            id: e.id,
            created_at: e.createdAt,
            session_id: e.sessionId,
            response_id: e.responseId,
            protocol: e.protocol,
            tag: e.tag,
            language_code: e.languageCode,
            intent: nullable(e.intent),
            page: nullable(e.page),
            text_redacted: e.textRedacted,
            sentiment_score: nullable(e.sentimentScore),
            no_match: e.noMatch,
            degraded: e.degraded,
            degraded_reasons: e.degradedReasons,
            nlp_source: e.nlpSource,
            latency_ms: e.latencyMs,
            region: e.region,
            intent_confidence: nullable(e.intentConfidence),
            repeated: e.repeated,
            low_confidence: e.lowConfidence,
            escalated: e.escalated,
            quality_score: nullable(e.qualityScore),
            experiments: e.experiments,
          });
        }
      }),
      { numRuns: 25 },
    );
  });

  test('conversations: every stored column of every snapshot of a batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(conversation, { minLength: 1, maxLength: 40 }), async (generated) => {
        const batch = generated.map((s) => ({ ...s, sessionId: fresh('rt-conversation') }));
        await writeConversations(db, batch, DEFAULT_QUALITY_WEIGHTS);
        const bySession = await storedRows(
          'conversations',
          'session_id',
          batch.map((s) => s.sessionId),
        );
        expect(bySession.size).toBe(batch.length);
        for (const s of batch) {
          expect(bySession.get(s.sessionId)).toMatchObject({
            session_id: s.sessionId,
            started_at: s.startedAt,
            updated_at: s.updatedAt,
            language_code: s.languageCode,
            first_tag: s.firstTag,
            last_tag: s.lastTag,
            last_intent: nullable(s.lastIntent),
            last_page: nullable(s.lastPage),
            flow: nullable(s.flow),
            environment: s.environment,
            turns: s.turns,
            no_match_turns: s.noMatchTurns,
            low_confidence_turns: s.lowConfidenceTurns,
            repeated_turns: s.repeatedTurns,
            escalated: s.escalated,
            ended: s.ended,
            sentiment_first: nullable(s.sentimentFirst),
            sentiment_last: nullable(s.sentimentLast),
            sentiment_mean: nullable(s.sentimentMean),
            expected_turns: nullable(s.expectedTurns),
            quality_components: s.components,
            experiments: s.experiments,
          });
        }
      }),
      { numRuns: 25 },
    );
  });
});
