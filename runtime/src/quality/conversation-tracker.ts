import { hash as digest } from 'node:crypto';
import { normalizeText } from '../nlp/skip-policy';
import { environmentOf, flowOf } from '../protocol/resource-names';
import { JsonValue, Turn } from '../protocol/turn';
import { storableText } from '../storage/storable-text';
import {
  ConversationTotals,
  QualityComponents,
  QualityWeights,
  conversationComponents,
  turnComponents,
  weightedScore,
} from './quality-score';

/**
 * The session parameter that carries a conversation's running quality totals from turn to turn.
 * Dialogflow keeps session parameters for the session's life and sends them with every webhook
 * call, so any instance in any region can score the next turn without a database read.
 */
export const QUALITY_PARAMETER = 'convai_quality';

interface ConversationState extends ConversationTotals {
  readonly startedAt: string;
  /** The detect-intent response last counted: CX may call the webhook twice in one user turn. */
  readonly responseId: string;
  readonly firstTag: string;
  readonly sentimentSum: number;
  readonly sentimentCount: number;
  readonly lastTextHash?: string;
  readonly ended: boolean;
}

/** One row of `conversations` (storage/migrations.ts), as of this turn. */
export interface ConversationSnapshot {
  readonly sessionId: string;
  readonly startedAt: Date;
  readonly updatedAt: Date;
  readonly languageCode: string;
  readonly firstTag: string;
  readonly lastTag: string;
  readonly lastIntent?: string;
  readonly lastPage?: string;
  readonly flow?: string;
  readonly environment: string;
  readonly turns: number;
  readonly noMatchTurns: number;
  readonly lowConfidenceTurns: number;
  readonly repeatedTurns: number;
  readonly escalated: boolean;
  readonly ended: boolean;
  readonly sentimentFirst?: number;
  readonly sentimentLast?: number;
  readonly sentimentMean?: number;
  readonly expectedTurns?: number;
  /** Components from the turns alone; explicit feedback is folded in when the row is written. */
  readonly components: QualityComponents;
  readonly experiments: Record<string, string>;
}

export interface ConversationTrackerOptions {
  readonly weights: QualityWeights;
  /** Intent confidence below which a match counts as low-confidence. */
  readonly lowConfidence: number;
  /** Expected turns per CX flow id, `*` for any other flow; absent flows get no length component. */
  readonly expectedTurns: Readonly<Record<string, number>>;
}

/** What the handler's reply did to the conversation. */
export interface TurnOutcome {
  readonly sentiment?: number;
  /** A live-agent handoff was requested. */
  readonly escalated: boolean;
  /** The reply ends the session (CX END_SESSION) or hands it off. */
  readonly ended: boolean;
  readonly experiments: Record<string, string>;
}

export interface ObservedTurn {
  readonly turnScore?: number;
  readonly turnComponents: QualityComponents;
  readonly repeated: boolean;
  readonly lowConfidence: boolean;
  /** Running conversation score from the turns (no explicit feedback at this point). */
  readonly conversationScore?: number;
  readonly conversation: ConversationSnapshot;
  /** The new value of QUALITY_PARAMETER. */
  readonly parameter: JsonValue;
  /** This turn ended the conversation (the first turn to hand off or end the session). */
  readonly endedNow: boolean;
}

/** Scores each turn and keeps the conversation's totals in the session. */
export class ConversationTracker {
  constructor(private readonly o: ConversationTrackerOptions) {}

  observe(turn: Turn, tag: string, outcome: TurnOutcome, now = new Date()): ObservedTurn {
    const previous = readState(turn.parameters[QUALITY_PARAMETER]);
    const sameTurn = previous !== undefined && turn.responseId !== '' && previous.responseId === turn.responseId;
    const userInput = turn.inputKind === 'text' || turn.inputKind === 'transcript' || turn.inputKind === 'dtmf';
    const hash = userInput && turn.text ? textFingerprint(turn.text) : undefined;
    const repeated = !sameTurn && hash !== undefined && hash === previous?.lastTextHash;
    const confidence = turn.intent?.confidence;
    const lowConfidence = !turn.noMatch && confidence !== undefined && confidence > 0 && confidence < this.o.lowConfidence;
    const counted = userInput && !sameTurn;
    const sentiment = outcome.sentiment;
    const flow = flowOf(turn.page?.name);
    const expectedTurns = (flow ? this.o.expectedTurns[flow] : undefined) ?? this.o.expectedTurns['*'];

    const base: ConversationState = previous ?? {
      startedAt: now.toISOString(),
      responseId: '',
      firstTag: tag,
      turns: 0,
      inputTurns: 0,
      noMatchTurns: 0,
      lowConfidenceTurns: 0,
      repeatedTurns: 0,
      escalated: false,
      ended: false,
      sentimentSum: 0,
      sentimentCount: 0,
    };
    const countSentiment = sentiment !== undefined && !(sameTurn && previous?.sentimentLast !== undefined);
    const state: ConversationState = {
      ...base,
      responseId: turn.responseId,
      turns: base.turns + (sameTurn ? 0 : 1),
      inputTurns: base.inputTurns + (counted ? 1 : 0),
      noMatchTurns: base.noMatchTurns + (counted && turn.noMatch ? 1 : 0),
      lowConfidenceTurns: base.lowConfidenceTurns + (counted && lowConfidence ? 1 : 0),
      repeatedTurns: base.repeatedTurns + (repeated ? 1 : 0),
      escalated: base.escalated || outcome.escalated,
      ended: base.ended || outcome.ended,
      sentimentFirst: base.sentimentFirst ?? sentiment,
      sentimentLast: sentiment ?? base.sentimentLast,
      sentimentSum: base.sentimentSum + (countSentiment ? sentiment : 0),
      sentimentCount: base.sentimentCount + (countSentiment ? 1 : 0),
      lastTextHash: hash ?? base.lastTextHash,
      expectedTurns,
    };

    const turnParts = turnComponents({
      userInput: counted,
      noMatch: turn.noMatch,
      lowConfidence,
      repeated,
      escalated: outcome.escalated,
      sentiment,
    });
    const conversationParts = conversationComponents(state);
    return {
      turnScore: weightedScore(turnParts, this.o.weights),
      turnComponents: turnParts,
      repeated,
      lowConfidence,
      conversationScore: weightedScore(conversationParts, this.o.weights),
      endedNow: state.ended && !base.ended,
      parameter: state as unknown as JsonValue,
      conversation: {
        sessionId: turn.session,
        startedAt: new Date(state.startedAt),
        updatedAt: now,
        languageCode: turn.languageCode,
        firstTag: state.firstTag,
        lastTag: tag,
        lastIntent: turn.intent?.displayName || undefined,
        lastPage: turn.page?.displayName || undefined,
        flow,
        environment: environmentOf(turn.session),
        turns: state.turns,
        noMatchTurns: state.noMatchTurns,
        lowConfidenceTurns: state.lowConfidenceTurns,
        repeatedTurns: state.repeatedTurns,
        escalated: state.escalated,
        ended: state.ended,
        sentimentFirst: state.sentimentFirst,
        sentimentLast: state.sentimentLast,
        sentimentMean: state.sentimentCount > 0 ? state.sentimentSum / state.sentimentCount : undefined,
        expectedTurns,
        components: conversationParts,
        experiments: outcome.experiments,
      },
    };
  }
}

function textFingerprint(text: string): string {
  // Case-folded: "Cancel my card" and "cancel my card" are the same request said twice.
  // One-shot crypto.hash: the same digest as createHash(...).update(...).digest(...), in half the time.
  return digest('sha256', normalizeText(text).toLowerCase(), 'base64url').slice(0, 16);
}

/** Postgres `integer`: a count beyond it is not ours (and the row could not be stored). */
const MAX_COUNT = 2 ** 31 - 1;
/** Dates the `conversations` columns accept and a conversation can plausibly have started at. */
const EARLIEST_START = Date.UTC(2000, 0, 1);
const LATEST_START = Date.UTC(9999, 11, 31);

/**
 * The state from the session, or undefined when absent or not ours (a fresh count starts). The
 * session parameter comes back from Dialogflow as any client may have set it, and its values are
 * stored in `conversations`: counts must be integers in `integer` range, sentiments in -1..1, the
 * start a real date, and strings storable (storable-text.ts) — anything else starts afresh rather
 * than producing a row Postgres refuses.
 */
function readState(value: JsonValue | undefined): ConversationState | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, JsonValue>;
  const count = (k: string) => Number.isSafeInteger(v[k]) && (v[k] as number) >= 0 && (v[k] as number) <= MAX_COUNT;
  const counts = ['turns', 'inputTurns', 'noMatchTurns', 'lowConfidenceTurns', 'repeatedTurns', 'sentimentCount'];
  if (!counts.every(count)) return undefined;
  const sentimentCount = v.sentimentCount as number;
  if (typeof v.sentimentSum !== 'number' || !(Math.abs(v.sentimentSum) <= sentimentCount)) return undefined;
  const started = typeof v.startedAt === 'string' ? Date.parse(v.startedAt) : NaN;
  if (!(started >= EARLIEST_START && started <= LATEST_START)) return undefined;
  const sentiment = (k: string) => (typeof v[k] === 'number' && Math.abs(v[k] as number) <= 1 ? (v[k] as number) : undefined);
  const text = (k: string) => (typeof v[k] === 'string' ? storableText(v[k] as string) : undefined);
  return {
    startedAt: new Date(started).toISOString(),
    responseId: text('responseId') ?? '',
    firstTag: text('firstTag') || 'default',
    turns: v.turns as number,
    inputTurns: v.inputTurns as number,
    noMatchTurns: v.noMatchTurns as number,
    lowConfidenceTurns: v.lowConfidenceTurns as number,
    repeatedTurns: v.repeatedTurns as number,
    escalated: v.escalated === true,
    ended: v.ended === true,
    sentimentFirst: sentiment('sentimentFirst'),
    sentimentLast: sentiment('sentimentLast'),
    sentimentSum: v.sentimentSum,
    sentimentCount,
    lastTextHash: text('lastTextHash'),
  };
}
