/**
 * The shared feedback and quality queries against a real Postgres holding the fixture in
 * support/improvement-fixture.ts. Every expected number is worked out by hand from that data, in
 * the comments next to it; rows outside the period (28 February, and 8 March 00:00 = the exclusive
 * end) must never count.
 */
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { migrate } from '../../runtime/src/storage/migrations';
import {
  assertPeriod,
  exposuresByVariant,
  feedbackByDimension,
  feedbackByVariant,
  negativeThemes,
  periodSummary,
  qualityByIntent,
  qualityByPage,
  trendBucket,
  trends,
} from '../../tools/improvement/analysis';
import { PostgresServer } from '../runtime/support/local-servers';
import { FIXTURE_PERIOD, REFUNDS_PAGE, SCRIPT_COMMENT, insertImprovementFixture } from './support/improvement-fixture';

/** Round every number so float4 storage (0.9 → 0.899999976) compares with the hand-worked values. */
function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v)));
}

describe('improvement analysis on a real Postgres', () => {
  let postgres: PostgresServer;
  let db: PostgresDatabase;

  beforeAll(async () => {
    postgres = await PostgresServer.start();
    db = new PostgresDatabase({ url: postgres.url });
    await migrate(db);
    await insertImprovementFixture(db);
  });
  afterAll(async () => {
    await db?.close();
    await postgres?.destroy();
  });

  test('feedback stored before its exposure row still counts under the variant its conversation records', async () => {
    // Its own month, so the fixture's hand-worked numbers are untouched.
    const period = { from: new Date('2031-01-01T00:00:00Z'), to: new Date('2031-02-01T00:00:00Z') };
    await db.query(
      `INSERT INTO conversations (session_id, started_at, updated_at, language_code, first_tag, last_tag, environment, turns,
         no_match_turns, low_confidence_turns, repeated_turns, escalated, quality_components, quality_score, experiments)
       VALUES ('late-exposure', '2031-01-05', '2031-01-05', 'en', 't', 't', 'draft', 2, 0, 0, 0, false, '{}', 0.8, '{"greeting": "warm"}')`,
    );
    await db.query(
      `INSERT INTO feedback (id, received_at, session_id, kind, score, normalized_score, language_code, region)
       VALUES ('late-exposure-f', '2031-01-05T00:01:00Z', 'late-exposure', 'thumbs', 1, 1, 'en', 'test')`,
    );
    expect(rounded(await feedbackByVariant(db, period))).toEqual([
      expect.objectContaining({ experiment: 'greeting', variant: 'warm', count: 1, thumbsUpShare: 1 }),
    ]);
  });

  test('feedback by intent: turn feedback takes its turn, conversation feedback the last intent; worst first', async () => {
    // f1 r1b (no intent) thumbs 0; f7 r4b (no intent) thumbs 0        → 2, up 0/2, no CSAT, mean 0
    // f3 r2d agent.handoff thumbs 0                                     → 1, up 0/1, mean 0
    // f4 s2 billing.refund CSAT 1 (0); f6 s4 billing.refund CSAT 2 (.25) → 2, CSAT 1.5, mean .125
    // f2 s1 order.status CSAT 4 (.75); f5 r3b order.status thumbs 1    → 2, up 1/1, CSAT 4, mean .875
    expect(rounded(await feedbackByDimension(db, FIXTURE_PERIOD, 'intent'))).toEqual([
      { key: null, count: 2, thumbsCount: 2, thumbsUpShare: 0, csatCount: 0, meanCsat: null, meanNormalizedScore: 0, negativeCount: 2 },
      {
        key: 'agent.handoff',
        count: 1,
        thumbsCount: 1,
        thumbsUpShare: 0,
        csatCount: 0,
        meanCsat: null,
        meanNormalizedScore: 0,
        negativeCount: 1,
      },
      {
        key: 'billing.refund',
        count: 2,
        thumbsCount: 0,
        thumbsUpShare: null,
        csatCount: 2,
        meanCsat: 1.5,
        meanNormalizedScore: 0.125,
        negativeCount: 2,
      },
      {
        key: 'order.status',
        count: 2,
        thumbsCount: 1,
        thumbsUpShare: 1,
        csatCount: 1,
        meanCsat: 4,
        meanNormalizedScore: 0.875,
        negativeCount: 0,
      },
    ]);
  });

  test('feedback by page, tag and language', async () => {
    // Order Status: f1 (r1b), f2 (s1 last page), f5 (r3b): thumbs 0 and 1, CSAT 4 → mean (0 + .75 + 1) / 3
    // Refunds & Returns: f3 (r2d), f4 (s2), f6 (s4), f7 (r4b) → mean .25 / 4
    const orderStatus = {
      count: 3,
      thumbsCount: 2,
      thumbsUpShare: 0.5,
      csatCount: 1,
      meanCsat: 4,
      meanNormalizedScore: 0.5833,
      negativeCount: 1,
    };
    const refunds = {
      count: 4,
      thumbsCount: 2,
      thumbsUpShare: 0,
      csatCount: 2,
      meanCsat: 1.5,
      meanNormalizedScore: 0.0625,
      negativeCount: 4,
    };
    expect(rounded(await feedbackByDimension(db, FIXTURE_PERIOD, 'page'))).toEqual([
      { key: REFUNDS_PAGE, ...refunds },
      { key: 'Order Status', ...orderStatus },
    ]);
    // The same rows split by tag: billing = the refund conversations, orders = the order ones.
    expect(rounded(await feedbackByDimension(db, FIXTURE_PERIOD, 'tag'))).toEqual([
      { key: 'billing', ...refunds },
      { key: 'orders', ...orderStatus },
    ]);
    // en: f1 f2 f3 f4 f6 f7 → thumbs 0 0 0, CSAT 4 1 2 (7/3), mean (.75 + .25) / 6; de: f5 only.
    expect(rounded(await feedbackByDimension(db, FIXTURE_PERIOD, 'language'))).toEqual([
      {
        key: 'en',
        count: 6,
        thumbsCount: 3,
        thumbsUpShare: 0,
        csatCount: 3,
        meanCsat: 2.3333,
        meanNormalizedScore: 0.1667,
        negativeCount: 5,
      },
      { key: 'de', count: 1, thumbsCount: 1, thumbsUpShare: 1, csatCount: 0, meanCsat: null, meanNormalizedScore: 1, negativeCount: 0 },
    ]);
  });

  test('a dimension that is not a column name is refused, never interpolated', async () => {
    await expect(feedbackByDimension(db, FIXTURE_PERIOD, 'intent; DROP TABLE feedback' as never)).rejects.toThrow(
      /unknown feedback dimension/,
    );
    expect((await db.query('SELECT 1 FROM feedback LIMIT 1')).rows).toHaveLength(1);
  });

  test('feedback by experiment variant counts a row once in each experiment it was in', async () => {
    // fallback_copy control: f1 f2 (s1) f3 f4 (s2) → thumbs 0 0, CSAT 4 1 (2.5), mean .75 / 4
    // fallback_copy short: f5 → thumbs 1
    // greeting control: f1 f2 (s1) f6 f7 (s4) → thumbs 0 0, CSAT 4 2 (3), mean (.75 + .25) / 4
    // greeting warm: f3 f4 (s2) f5 (s3) → thumbs 0 1, CSAT 1, mean 1 / 3
    expect(rounded(await feedbackByVariant(db, FIXTURE_PERIOD))).toEqual([
      {
        experiment: 'fallback_copy',
        variant: 'control',
        count: 4,
        thumbsCount: 2,
        thumbsUpShare: 0,
        csatCount: 2,
        meanCsat: 2.5,
        meanNormalizedScore: 0.1875,
        negativeCount: 3,
      },
      {
        experiment: 'fallback_copy',
        variant: 'short',
        count: 1,
        thumbsCount: 1,
        thumbsUpShare: 1,
        csatCount: 0,
        meanCsat: null,
        meanNormalizedScore: 1,
        negativeCount: 0,
      },
      {
        experiment: 'greeting',
        variant: 'control',
        count: 4,
        thumbsCount: 2,
        thumbsUpShare: 0,
        csatCount: 2,
        meanCsat: 3,
        meanNormalizedScore: 0.25,
        negativeCount: 3,
      },
      {
        experiment: 'greeting',
        variant: 'warm',
        count: 3,
        thumbsCount: 2,
        thumbsUpShare: 0.5,
        csatCount: 1,
        meanCsat: 1,
        meanNormalizedScore: 0.3333,
        negativeCount: 2,
      },
    ]);
  });

  test('daily trend: every day of the period, empty days included', async () => {
    const trend = await trends(db, FIXTURE_PERIOD);
    expect(trend.bucket).toBe('day');
    const empty = (start: string) => ({
      start,
      turns: 0,
      conversations: 0,
      meanQuality: null,
      feedback: 0,
      meanFeedbackScore: null,
      noMatchRate: null,
      escalationRate: null,
    });
    expect(rounded(trend.points)).toEqual([
      empty('2026-03-01'),
      // s1 (3 turns, 1 no-match, .8) and s2 (4 turns, 2 no-match, .3, escalated); feedback f1-f4: 0 .75 0 0
      {
        start: '2026-03-02',
        turns: 7,
        conversations: 2,
        meanQuality: 0.55,
        feedback: 4,
        meanFeedbackScore: 0.1875,
        noMatchRate: 0.4286,
        escalationRate: 0.5,
      },
      // s3; f5
      {
        start: '2026-03-03',
        turns: 2,
        conversations: 1,
        meanQuality: 0.9,
        feedback: 1,
        meanFeedbackScore: 1,
        noMatchRate: 0,
        escalationRate: 0,
      },
      // s4 (1 of 2 turns no-match)
      {
        start: '2026-03-04',
        turns: 2,
        conversations: 1,
        meanQuality: 0.5,
        feedback: 0,
        meanFeedbackScore: null,
        noMatchRate: 0.5,
        escalationRate: 0,
      },
      // f6 (.25) and f7 (0) a day after s4
      { ...empty('2026-03-05'), feedback: 2, meanFeedbackScore: 0.125 },
      empty('2026-03-06'),
      empty('2026-03-07'),
    ]);
  });

  test('weekly trend for a long period: Monday buckets', async () => {
    const period = { from: new Date('2026-01-05T00:00:00Z'), to: new Date('2026-05-04T00:00:00Z') };
    expect(trendBucket(period)).toBe('week');
    const trend = await trends(db, period);
    expect(trend.bucket).toBe('week');
    expect(trend.points).toHaveLength(17); // 5 Jan .. 27 Apr
    const busy = rounded(trend.points.filter((p) => p.turns > 0));
    expect(busy).toEqual([
      // Week of 23 Feb: s0 (1 no-match turn, quality .1) and f8 (thumbs 0)
      {
        start: '2026-02-23',
        turns: 1,
        conversations: 1,
        meanQuality: 0.1,
        feedback: 1,
        meanFeedbackScore: 0,
        noMatchRate: 1,
        escalationRate: 0,
      },
      // Week of 2 Mar runs to Sunday 8 Mar: s1-s4 plus s5 (1 turn, quality 1); f1-f7 plus f9 (thumbs 1)
      // quality (.8 + .3 + .9 + .5 + 1) / 5; feedback (0 + .75 + 0 + 0 + 1 + .25 + 0 + 1) / 8; no-match 4 / 12
      {
        start: '2026-03-02',
        turns: 12,
        conversations: 5,
        meanQuality: 0.7,
        feedback: 8,
        meanFeedbackScore: 0.375,
        noMatchRate: 0.3333,
        escalationRate: 0.2,
      },
    ]);
  });

  test('negative themes: entities of negative comments, once per comment, with the latest example', async () => {
    // Negative with a comment: f1 f3 f4 f6 (f7 is blank, f5 positive, f8 outside) = 4.
    expect(rounded(await negativeThemes(db, FIXTURE_PERIOD))).toEqual({
      negativeComments: 4,
      themes: [
        { entity: 'refund', comments: 3, share: 0.75, example: 'My refund amount was wrong' },
        { entity: 'agent', comments: 1, share: 0.25, example: 'Refund still not processed, agent was rude' },
        { entity: 'amount', comments: 1, share: 0.25, example: 'My refund amount was wrong' },
        { entity: 'order number', comments: 1, share: 0.25, example: "The bot didn't understand my order number [ORDER_ID]" },
        { entity: 'wait', comments: 1, share: 0.25, example: SCRIPT_COMMENT },
      ],
    });
    expect((await negativeThemes(db, FIXTURE_PERIOD, 2)).themes.map((t) => t.entity)).toEqual(['refund', 'agent']);
  });

  test('negative themes of a period without feedback', async () => {
    const period = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-02-01T00:00:00Z') };
    expect(await negativeThemes(db, period)).toEqual({ negativeComments: 0, themes: [] });
  });

  test('quality by intent: turn volume and scores, and the conversations they belong to', async () => {
    expect(rounded(await qualityByIntent(db, FIXTURE_PERIOD))).toEqual([
      // r1b r2b r2c r4b: all no-match, quality (.2 + .1 + .1 + .2) / 4; conversations s1 s2 s4 (.8 .3 .5)
      { key: null, turns: 4, conversations: 3, meanTurnQuality: 0.15, meanConversationQuality: 0.5333, noMatchShare: 1 },
      // r1a r1c r3a r3b, all .9; s1 s3 (.8 .9)
      { key: 'order.status', turns: 4, conversations: 2, meanTurnQuality: 0.9, meanConversationQuality: 0.85, noMatchShare: 0 },
      // r2a r4a (.7 .6); s2 s4
      { key: 'billing.refund', turns: 2, conversations: 2, meanTurnQuality: 0.65, meanConversationQuality: 0.4, noMatchShare: 0 },
      { key: 'agent.handoff', turns: 1, conversations: 1, meanTurnQuality: 0.3, meanConversationQuality: 0.3, noMatchShare: 0 },
    ]);
  });

  test('quality by page', async () => {
    expect(rounded(await qualityByPage(db, FIXTURE_PERIOD))).toEqual([
      // r2b r2c r2d r4b (.1 .1 .3 .2), three no-match; s2 s4
      { key: REFUNDS_PAGE, turns: 4, conversations: 2, meanTurnQuality: 0.175, meanConversationQuality: 0.4, noMatchShare: 0.75 },
      // r1a r2a r3a r4a (.9 .7 .9 .6); all four conversations (.625)
      { key: 'Start', turns: 4, conversations: 4, meanTurnQuality: 0.775, meanConversationQuality: 0.625, noMatchShare: 0 },
      // r1b r1c r3b (.2 .9 .9), one no-match; s1 s3
      { key: 'Order Status', turns: 3, conversations: 2, meanTurnQuality: 0.6667, meanConversationQuality: 0.85, noMatchShare: 0.3333 },
    ]);
  });

  test('exposures and quality per experiment variant', async () => {
    expect(rounded(await exposuresByVariant(db, FIXTURE_PERIOD))).toEqual([
      { experiment: 'fallback_copy', variant: 'control', exposures: 2, conversations: 2, meanQuality: 0.55, escalationRate: 0.5 }, // s1 s2
      { experiment: 'fallback_copy', variant: 'short', exposures: 1, conversations: 1, meanQuality: 0.9, escalationRate: 0 }, // s3
      { experiment: 'greeting', variant: 'control', exposures: 2, conversations: 2, meanQuality: 0.65, escalationRate: 0 }, // s1 s4
      { experiment: 'greeting', variant: 'warm', exposures: 2, conversations: 2, meanQuality: 0.6, escalationRate: 0.5 }, // s2 s3
    ]);
  });

  test('period summary', async () => {
    expect(rounded(await periodSummary(db, FIXTURE_PERIOD))).toEqual({
      turns: 11,
      conversations: 4,
      meanQuality: 0.625,
      noMatchRate: 0.3636, // 4 / 11
      escalationRate: 0.25,
      feedback: 7,
      meanFeedbackScore: 0.2857, // 2 / 7
      negativeComments: 4,
    });
  });

  test('periods must be valid and non-empty', async () => {
    const day = new Date('2026-03-01T00:00:00Z');
    expect(() => assertPeriod({ from: day, to: day })).toThrow(/must be after/);
    expect(() => assertPeriod({ from: new Date('nope'), to: day })).toThrow(/valid dates/);
    await expect(trends(db, { from: day, to: day })).rejects.toThrow(/must be after/);
    expect(trendBucket({ from: day, to: new Date('2026-06-01T00:00:00Z') })).toBe('day'); // exactly 92 days
    expect(trendBucket({ from: day, to: new Date('2026-06-01T00:00:01Z') })).toBe('week');
  });
});
