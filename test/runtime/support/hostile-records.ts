import fc from 'fast-check';
import { Exposure } from '../../../runtime/src/experiments/experiment-engine';
import { Analysis } from '../../../runtime/src/nlp/enrichment-types';
import { ConversationSnapshot } from '../../../runtime/src/quality/conversation-tracker';
import { FeedbackRecord } from '../../../runtime/src/storage/feedback-writer';
import { TurnEvent } from '../../../runtime/src/storage/turn-event-writer';

/**
 * Records for every durable writer, each field either ordinary or one of the values Postgres
 * refuses or that JavaScript lets through unchecked: NUL and unpaired surrogates in text, numbers
 * outside `real`/`integer` (1e300, 1e-300, NaN, Infinity, 2^31), impossible dates, and text too long for
 * a B-tree index entry. Each field is hostile about one time in thirty, so a sample holds both
 * records that must be stored and records that must be refused. Every record has a unique key
 * so a test can look it up.
 */

let serial = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now()}-${serial++}`;

export const hostileText = fc.oneof(
  { weight: 30, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', 'card\u0000declined', '\ud800', 'x\udc00y', '🏦\u0000', '\ud83c') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);
/** Random non-ASCII text over the 2,704-byte B-tree limit even after compression (SQLSTATE 54000 in an indexed column). */
export const oversizedText = fc
  .constant(null)
  .map(() => Array.from({ length: 4_000 }, () => String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 20_000))).join(''));
export const hostileNumber = fc.oneof(
  { weight: 30, arbitrary: fc.integer({ min: -1_000, max: 1_000 }).map((n) => n / 1_000) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(1e300, -1e300, 1e-300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 31, -0, 5e-324),
  },
  { weight: 1, arbitrary: fc.double() },
);
const hostileCount = fc.oneof({ weight: 30, arbitrary: fc.nat(1_000) }, { weight: 1, arbitrary: hostileNumber });
export const hostileDate = fc.oneof(
  { weight: 40, arbitrary: fc.constant(null).map(() => new Date()) },
  { weight: 1, arbitrary: fc.constantFrom(new Date(Number.NaN), new Date(-8.64e15), new Date(8.64e15)) },
);
const hostileKey = (prefix: string) =>
  fc
    .oneof(
      { weight: 30, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud800') },
      { weight: 1, arbitrary: oversizedText },
    )
    .map((suffix) => unique(prefix) + suffix);

export const turnEvents: fc.Arbitrary<TurnEvent> = fc.record({
  id: hostileKey('turn'),
  createdAt: hostileDate,
  sessionId: hostileKey('session'),
  responseId: hostileText,
  protocol: fc.constantFrom('cx' as const, 'es' as const),
  tag: hostileText,
  languageCode: hostileText,
  intent: fc.option(hostileText, { nil: undefined }),
  page: fc.option(hostileText, { nil: undefined }),
  textRedacted: hostileText,
  sentimentScore: fc.option(hostileNumber, { nil: undefined }),
  noMatch: fc.boolean(),
  degraded: fc.boolean(),
  degradedReasons: fc.array(hostileText, { maxLength: 3 }),
  nlpSource: hostileText,
  latencyMs: hostileCount,
  region: hostileText,
  intentConfidence: fc.option(hostileNumber, { nil: undefined }),
  repeated: fc.boolean(),
  lowConfidence: fc.boolean(),
  escalated: fc.boolean(),
  qualityScore: fc.option(hostileNumber, { nil: undefined }),
  experiments: fc.dictionary(hostileText, hostileText, { maxKeys: 2 }),
});

export const conversations: fc.Arbitrary<ConversationSnapshot> = fc.record({
  sessionId: hostileKey('conversation'),
  startedAt: hostileDate,
  updatedAt: hostileDate,
  languageCode: hostileText,
  firstTag: hostileText,
  lastTag: hostileText,
  lastIntent: fc.option(hostileText, { nil: undefined }),
  lastPage: fc.option(hostileText, { nil: undefined }),
  flow: fc.option(hostileText, { nil: undefined }),
  environment: hostileText,
  turns: hostileCount,
  noMatchTurns: hostileCount,
  lowConfidenceTurns: hostileCount,
  repeatedTurns: hostileCount,
  escalated: fc.boolean(),
  ended: fc.boolean(),
  sentimentFirst: fc.option(hostileNumber, { nil: undefined }),
  sentimentLast: fc.option(hostileNumber, { nil: undefined }),
  sentimentMean: fc.option(hostileNumber, { nil: undefined }),
  expectedTurns: fc.option(hostileCount, { nil: undefined }),
  components: fc.record({ understanding: hostileNumber, sentiment: hostileNumber }, { requiredKeys: [] }),
  experiments: fc.dictionary(hostileText, hostileText, { maxKeys: 2 }),
});

export const exposures: fc.Arbitrary<Exposure> = fc.record({
  experimentId: hostileText,
  sessionId: hostileKey('exposure'),
  variant: hostileText,
  configVersion: hostileCount,
  exposedAt: hostileDate,
});

export interface CacheEntry {
  readonly key: string;
  readonly value: Analysis;
  readonly expiresAt: Date;
}

export const cacheEntries: fc.Arbitrary<CacheEntry> = fc.record({
  key: hostileKey('cache'),
  value: fc.record({
    analyzer: hostileText,
    sentiment: fc.record({ score: hostileNumber, magnitude: hostileNumber }),
    entities: fc.array(fc.record({ name: hostileText, type: hostileText }), { maxLength: 3 }),
  }),
  expiresAt: hostileDate,
});

export const feedbackRecords: fc.Arbitrary<FeedbackRecord> = fc.record({
  id: hostileKey('feedback'),
  receivedAt: hostileDate,
  sessionId: hostileText.map((t) => unique('fb-session') + t),
  responseId: fc.option(hostileText, { nil: undefined }),
  kind: fc.constantFrom('thumbs' as const, 'csat' as const),
  score: hostileNumber,
  normalizedScore: hostileNumber,
  commentRedacted: fc.option(hostileText, { nil: undefined }),
  commentSentiment: fc.option(hostileNumber, { nil: undefined }),
  commentEntities: fc.array(hostileText, { maxLength: 3 }),
  languageCode: hostileText,
  region: hostileText,
});
