import { loadConfig } from '../../runtime/src/config';
import { ConversationTracker, QUALITY_PARAMETER } from '../../runtime/src/quality/conversation-tracker';
import { DEFAULT_QUALITY_WEIGHTS, conversationComponents, turnComponents, weightedScore } from '../../runtime/src/quality/quality-score';
import { InputKind, JsonValue, Turn } from '../../runtime/src/protocol/turn';

const SESSION = 'projects/p/locations/global/agents/a/environments/prod/sessions/s-1';
const PAGE = 'projects/p/locations/global/agents/a/flows/billing/pages/start';

function turn(i: number, text: string, parameters: Record<string, JsonValue>, extra: Partial<Turn> = {}): Turn {
  return {
    protocol: 'cx',
    tag: 'enrich',
    session: SESSION,
    responseId: `r-${i}`,
    text,
    inputKind: 'text' as InputKind,
    languageCode: 'en',
    intent: { name: 'i', displayName: 'card_arrival', confidence: 0.9 },
    page: { name: PAGE, displayName: 'Start' },
    parameters,
    noMatch: false,
    ...extra,
  };
}

describe('quality score', () => {
  test('weighted mean over the components present; absent components do not count as 0', () => {
    expect(weightedScore({ understanding: 1, sentiment: 0 }, DEFAULT_QUALITY_WEIGHTS)).toBeCloseTo((0.25 * 1 + 0.2 * 0) / 0.45, 4);
    expect(weightedScore({ understanding: 1 }, DEFAULT_QUALITY_WEIGHTS)).toBe(1);
    expect(weightedScore({}, DEFAULT_QUALITY_WEIGHTS)).toBeUndefined();
    // A weight of 0 switches a component off.
    expect(weightedScore({ understanding: 1, feedback: 0 }, { ...DEFAULT_QUALITY_WEIGHTS, feedback: 0 })).toBe(1);
  });

  test('turn components: a no-match is 0 understanding, low confidence half, a repeat 0 repetition', () => {
    const base = { userInput: true, noMatch: false, lowConfidence: false, repeated: false, escalated: false };
    expect(turnComponents(base)).toEqual({ understanding: 1, repetition: 1, escalation: 1 });
    expect(turnComponents({ ...base, noMatch: true, lowConfidence: true }).understanding).toBe(0);
    expect(turnComponents({ ...base, lowConfidence: true }).understanding).toBe(0.5);
    expect(turnComponents({ ...base, repeated: true, sentiment: -1 })).toMatchObject({ repetition: 0, sentiment: 0 });
    // An event turn (no user input) has nothing to misunderstand.
    expect(turnComponents({ ...base, userInput: false })).toEqual({ escalation: 1 });
  });

  test('conversation components follow the documented formulas', () => {
    const c = conversationComponents(
      {
        turns: 12,
        inputTurns: 10,
        noMatchTurns: 2,
        lowConfidenceTurns: 2,
        repeatedTurns: 1,
        escalated: false,
        sentimentFirst: -0.6,
        sentimentLast: 0.2,
        expectedTurns: 8,
      },
      0.75,
    );
    expect(c.understanding).toBeCloseTo(1 - (2 + 0.5 * 2) / 10, 4); // 0.7
    expect(c.repetition).toBeCloseTo(1 - (2 * 1) / 10, 4); // 0.8
    expect(c.sentiment).toBeCloseTo((0.2 + 1) / 2 + 0.25 * (0.2 - -0.6), 4); // 0.8
    expect(c.length).toBeCloseTo(1 - (12 - 8) / 8, 4); // 0.5
    expect(c.escalation).toBe(1);
    expect(c.feedback).toBe(0.75);
    // Twice the expected length or more scores 0, never negative; sentiment is clamped to 1.
    const long = conversationComponents({
      turns: 30,
      inputTurns: 30,
      noMatchTurns: 0,
      lowConfidenceTurns: 0,
      repeatedTurns: 20,
      escalated: true,
      sentimentFirst: -1,
      sentimentLast: 1,
      expectedTurns: 10,
    });
    expect(long).toMatchObject({ length: 0, repetition: 0, sentiment: 1, escalation: 0 });
  });

  test('the tracker carries totals in the session and scores a conversation turn by turn', () => {
    const tracker = new ConversationTracker({
      weights: DEFAULT_QUALITY_WEIGHTS,
      lowConfidence: 0.5,
      expectedTurns: { billing: 3, '*': 10 },
    });
    const outcome = (sentiment?: number, extra = {}) => ({ sentiment, escalated: false, ended: false, experiments: {}, ...extra });
    let params: Record<string, JsonValue> = {};
    const step = (i: number, text: string, sentiment: number | undefined, extra: Partial<Turn> = {}, out = {}) => {
      const observed = tracker.observe(turn(i, text, params, extra), 'enrich', outcome(sentiment, out));
      params = { ...params, [QUALITY_PARAMETER]: JSON.parse(JSON.stringify(observed.parameter)) };
      return observed;
    };

    const first = step(1, 'My card has not arrived', -0.5);
    expect(first.conversation).toMatchObject({ turns: 1, environment: 'prod', flow: 'billing', expectedTurns: 3, firstTag: 'enrich' });
    expect(first.turnScore).toBeCloseTo((0.25 + 0.2 * 0.25 + 0.15 + 0.15) / 0.75, 4);

    const noMatch = step(2, 'blorp', undefined, { noMatch: true, intent: undefined });
    expect(noMatch.turnComponents.understanding).toBe(0);
    const repeat = step(3, '  BLORP ', undefined, { noMatch: true, intent: undefined });
    expect(repeat.repeated).toBe(true);
    // CX calls the webhook again in the same user turn (same response id): nothing is counted twice.
    const again = step(3, '  BLORP ', undefined, { noMatch: true, intent: undefined });
    expect(again.conversation.turns).toBe(3);
    expect(again.conversation.repeatedTurns).toBe(1);
    const low = step(4, 'maybe cancel it', 0.1, { intent: { name: 'i', displayName: 'cancel', confidence: 0.31 } });
    expect(low.lowConfidence).toBe(true);
    const handoff = step(5, 'I want a human', -0.8, {}, { escalated: true, ended: true });
    expect(handoff.endedNow).toBe(true);

    const c = handoff.conversation;
    expect(c).toMatchObject({ turns: 5, noMatchTurns: 2, lowConfidenceTurns: 1, repeatedTurns: 1, escalated: true, ended: true });
    expect(c.sentimentFirst).toBe(-0.5);
    expect(c.sentimentLast).toBe(-0.8);
    expect(c.sentimentMean).toBeCloseTo((-0.5 + 0.1 - 0.8) / 3, 5);
    expect(c.components).toEqual(
      conversationComponents({
        turns: 5,
        inputTurns: 5,
        noMatchTurns: 2,
        lowConfidenceTurns: 1,
        repeatedTurns: 1,
        escalated: true,
        sentimentFirst: -0.5,
        sentimentLast: -0.8,
        expectedTurns: 3,
      }),
    );
    expect(handoff.conversationScore).toBe(weightedScore(c.components, DEFAULT_QUALITY_WEIGHTS));
    expect(handoff.conversationScore!).toBeLessThan(0.4);
    // Ending twice is still one end.
    expect(step(6, 'hello?', 0, {}, { escalated: true, ended: true }).endedNow).toBe(false);
  });

  test('a tampered or foreign session parameter starts a fresh count instead of failing', () => {
    const tracker = new ConversationTracker({ weights: DEFAULT_QUALITY_WEIGHTS, lowConfidence: 0.5, expectedTurns: {} });
    for (const junk of ['x', 42, null, [], { turns: 'many' }, { turns: 1, startedAt: 'yesterday' }] as JsonValue[]) {
      const observed = tracker.observe(turn(1, 'hello there', { [QUALITY_PARAMETER]: junk }), 'enrich', {
        escalated: false,
        ended: false,
        experiments: {},
      });
      expect(observed.conversation.turns).toBe(1);
      expect(observed.conversation.expectedTurns).toBeUndefined();
    }
  });

  test('weights and expectations are configurable, with errors that name the variable', () => {
    const config = loadConfig({ QUALITY_WEIGHTS: '{"feedback":0.5,"length":0}', QUALITY_EXPECTED_TURNS: '{"*":6,"billing":4}' });
    expect(config.quality.weights).toEqual({ ...DEFAULT_QUALITY_WEIGHTS, feedback: 0.5, length: 0 });
    expect(config.quality.expectedTurns).toEqual({ '*': 6, billing: 4 });
    expect(() => loadConfig({ QUALITY_WEIGHTS: '{"speed":1}' })).toThrow(/QUALITY_WEIGHTS: keys must be quality components/);
    expect(() => loadConfig({ QUALITY_WEIGHTS: '{oops' })).toThrow(/QUALITY_WEIGHTS: is not valid JSON/);
    expect(() =>
      loadConfig({ QUALITY_WEIGHTS: '{"understanding":0,"sentiment":0,"repetition":0,"escalation":0,"length":0,"feedback":0}' }),
    ).toThrow(/QUALITY_WEIGHTS: gives every component weight 0/);
    expect(() => loadConfig({ QUALITY_EXPECTED_TURNS: '{"billing":0}' })).toThrow(/QUALITY_EXPECTED_TURNS/);
  });
});
