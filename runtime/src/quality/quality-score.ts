/**
 * Conversation quality, scored from signals the platform sees without asking anyone: whether
 * Dialogflow understood the user, how the user felt and where that went, whether they had to
 * repeat themselves, whether a human had to take over, whether the conversation ran long for
 * its flow — and, when they gave it, what they said about it.
 *
 * Every signal becomes a component in [0, 1] (1 is good). The score is the weighted mean of
 * the components that apply: a turn without text has no sentiment, a conversation without
 * feedback has no feedback component, and absent components do not count as 0 — their weight
 * is left out, so sparse signals neither punish nor flatter. docs/improvement/quality-score.md
 * gives the formulas and why the default weights are what they are.
 */

export const QUALITY_COMPONENTS = ['understanding', 'sentiment', 'repetition', 'escalation', 'length', 'feedback'] as const;
export type QualityComponent = (typeof QUALITY_COMPONENTS)[number];
export type QualityWeights = Readonly<Record<QualityComponent, number>>;
export type QualityComponents = Partial<Record<QualityComponent, number>>;

/**
 * Defaults, summing to 1. Understanding weighs most: a no-match is the failure users notice
 * first and the one the agent team can fix directly. Sentiment and explicit feedback are the
 * user's own verdict but noisy (sentiment) or sparse and skewed to extremes (feedback).
 * Repetition and escalation are strong but rarer. Length is the weakest: long is sometimes
 * right (a complex case), so it only nudges.
 */
export const DEFAULT_QUALITY_WEIGHTS: QualityWeights = {
  understanding: 0.25,
  sentiment: 0.2,
  repetition: 0.15,
  escalation: 0.15,
  length: 0.1,
  feedback: 0.15,
};

/** Intent matches below this confidence count as half an understanding failure. @default 0.5 */
export const DEFAULT_LOW_CONFIDENCE = 0.5;

/** Weighted mean of the components present; undefined when none is. */
export function weightedScore(components: QualityComponents, weights: QualityWeights): number | undefined {
  let sum = 0;
  let weight = 0;
  for (const name of QUALITY_COMPONENTS) {
    const value = components[name];
    if (value === undefined || !Number.isFinite(value) || weights[name] <= 0) continue;
    sum += weights[name] * clamp01(value);
    weight += weights[name];
  }
  return weight === 0 ? undefined : round4(sum / weight);
}

/** What one turn showed. */
export interface TurnSignals {
  /** The user typed or spoke (text/transcript/DTMF): only then can NLU fail or a repeat happen. */
  readonly userInput: boolean;
  readonly noMatch: boolean;
  readonly lowConfidence: boolean;
  readonly repeated: boolean;
  readonly escalated: boolean;
  /** -1..1, when the turn was analysed. */
  readonly sentiment?: number;
}

export function turnComponents(s: TurnSignals): QualityComponents {
  return {
    ...(s.userInput && { understanding: s.noMatch ? 0 : s.lowConfidence ? 0.5 : 1, repetition: s.repeated ? 0 : 1 }),
    ...(s.sentiment !== undefined && { sentiment: (s.sentiment + 1) / 2 }),
    escalation: s.escalated ? 0 : 1,
  };
}

/** The running totals of one conversation. */
export interface ConversationTotals {
  readonly turns: number;
  /** Turns with user input (the denominator of understanding and repetition). */
  readonly inputTurns: number;
  readonly noMatchTurns: number;
  readonly lowConfidenceTurns: number;
  readonly repeatedTurns: number;
  readonly escalated: boolean;
  readonly sentimentFirst?: number;
  readonly sentimentLast?: number;
  /** Turns the flow is expected to take; absent when not configured. */
  readonly expectedTurns?: number;
}

export function conversationComponents(t: ConversationTotals, feedback?: number): QualityComponents {
  const c: { -readonly [K in QualityComponent]?: number } = { escalation: t.escalated ? 0 : 1 };
  if (t.inputTurns > 0) {
    c.understanding = 1 - (t.noMatchTurns + 0.5 * t.lowConfidenceTurns) / t.inputTurns;
    // Repeating once in a long conversation is normal; every other turn repeated is a failure.
    c.repetition = 1 - Math.min(1, (2 * t.repeatedTurns) / t.inputTurns);
  }
  if (t.sentimentLast !== undefined) {
    // Where the user ended up, moved by the direction they went: ending neutral after starting
    // angry is better than ending neutral after starting happy.
    const first = t.sentimentFirst ?? t.sentimentLast;
    c.sentiment = clamp01((t.sentimentLast + 1) / 2 + 0.25 * (t.sentimentLast - first));
  }
  if (t.expectedTurns !== undefined && t.expectedTurns > 0) {
    // Full marks up to the expected length, falling linearly to 0 at twice that.
    c.length = clamp01(1 - Math.max(0, t.turns - t.expectedTurns) / t.expectedTurns);
  }
  if (feedback !== undefined) c.feedback = feedback;
  for (const name of QUALITY_COMPONENTS) if (c[name] !== undefined) c[name] = round4(clamp01(c[name]));
  return c;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
