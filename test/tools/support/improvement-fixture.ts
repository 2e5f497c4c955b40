import { Queryable } from '../../../runtime/src/storage/database';
import { Period } from '../../../tools/improvement/analysis';

/**
 * A week of a small support bot's stored improvement data (migration 3 tables), small enough that
 * every aggregate the analysis and report tests expect is worked out by hand in those tests.
 *
 * In the period (1-8 March 2026): four conversations on 2, 3 and 4 March, eleven turns, seven
 * feedback rows (one of them a comment carrying markup), exposures to two experiments. Outside it:
 * a conversation on 28 February and one starting exactly at the period's exclusive end, with their
 * turns, feedback and exposures, which every query must leave out.
 */
export const FIXTURE_PERIOD: Period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-08T00:00:00Z') };

/** The page name carries `&` so escaping shows in every table that lists pages. */
export const REFUNDS_PAGE = 'Refunds & Returns';
export const SCRIPT_COMMENT = 'Waited too long for a refund <script>alert(1)</script>';

interface Conversation {
  readonly id: string;
  readonly startedAt: string;
  readonly language: string;
  readonly tag: string;
  readonly lastIntent: string | null;
  readonly lastPage: string | null;
  readonly escalated: boolean;
  readonly quality: number;
  readonly experiments: Record<string, string>;
}

interface Turn {
  readonly response: string;
  readonly at: string;
  readonly intent: string | null;
  readonly page: string;
  readonly quality: number;
  readonly noMatch?: boolean;
  readonly escalated?: boolean;
  readonly text: string;
}

interface Feedback {
  readonly id: string;
  readonly at: string;
  readonly session: string;
  readonly response: string | null;
  readonly kind: 'thumbs' | 'csat';
  readonly score: number;
  readonly comment?: string;
  readonly entities?: string[];
}

const GREETING_CONTROL = { greeting: 'control', fallback_copy: 'control' };

const CONVERSATIONS: Array<Conversation & { turns: Turn[] }> = [
  {
    id: 's0',
    startedAt: '2026-02-28T23:00:00Z',
    language: 'en',
    tag: 'billing',
    lastIntent: 'billing.refund',
    lastPage: REFUNDS_PAGE,
    escalated: false,
    quality: 0.1,
    experiments: { greeting: 'warm' },
    turns: [{ response: 'r0a', at: '2026-02-28T23:00:00Z', intent: null, page: REFUNDS_PAGE, quality: 0, noMatch: true, text: 'refund??' }],
  },
  {
    id: 's1',
    startedAt: '2026-03-02T09:00:00Z',
    language: 'en',
    tag: 'orders',
    lastIntent: 'order.status',
    lastPage: 'Order Status',
    escalated: false,
    quality: 0.8,
    experiments: GREETING_CONTROL,
    turns: [
      { response: 'r1a', at: '2026-03-02T09:00:00Z', intent: 'order.status', page: 'Start', quality: 0.9, text: 'where is my order' },
      {
        response: 'r1b',
        at: '2026-03-02T09:01:00Z',
        intent: null,
        page: 'Order Status',
        quality: 0.2,
        noMatch: true,
        text: 'its [ORDER_ID]',
      },
      { response: 'r1c', at: '2026-03-02T09:02:00Z', intent: 'order.status', page: 'Order Status', quality: 0.9, text: 'order [ORDER_ID]' },
    ],
  },
  {
    id: 's2',
    startedAt: '2026-03-02T10:00:00Z',
    language: 'en',
    tag: 'billing',
    lastIntent: 'billing.refund',
    lastPage: REFUNDS_PAGE,
    escalated: true,
    quality: 0.3,
    experiments: { greeting: 'warm', fallback_copy: 'control' },
    turns: [
      { response: 'r2a', at: '2026-03-02T10:00:00Z', intent: 'billing.refund', page: 'Start', quality: 0.7, text: 'I want a refund' },
      {
        response: 'r2b',
        at: '2026-03-02T10:01:00Z',
        intent: null,
        page: REFUNDS_PAGE,
        quality: 0.1,
        noMatch: true,
        text: 'for the blender',
      },
      { response: 'r2c', at: '2026-03-02T10:02:00Z', intent: null, page: REFUNDS_PAGE, quality: 0.1, noMatch: true, text: 'the BLENDER' },
      {
        response: 'r2d',
        at: '2026-03-02T10:03:00Z',
        intent: 'agent.handoff',
        page: REFUNDS_PAGE,
        quality: 0.3,
        escalated: true,
        text: 'let me talk to a human',
      },
    ],
  },
  {
    id: 's3',
    startedAt: '2026-03-03T08:00:00Z',
    language: 'de',
    tag: 'orders',
    lastIntent: 'order.status',
    lastPage: 'Order Status',
    escalated: false,
    quality: 0.9,
    experiments: { greeting: 'warm', fallback_copy: 'short' },
    turns: [
      { response: 'r3a', at: '2026-03-03T08:00:00Z', intent: 'order.status', page: 'Start', quality: 0.9, text: 'wo ist meine Bestellung' },
      { response: 'r3b', at: '2026-03-03T08:01:00Z', intent: 'order.status', page: 'Order Status', quality: 0.9, text: '[ORDER_ID]' },
    ],
  },
  {
    id: 's4',
    startedAt: '2026-03-04T12:00:00Z',
    language: 'en',
    tag: 'billing',
    lastIntent: 'billing.refund',
    lastPage: REFUNDS_PAGE,
    escalated: false,
    quality: 0.5,
    experiments: { greeting: 'control' },
    turns: [
      { response: 'r4a', at: '2026-03-04T12:00:00Z', intent: 'billing.refund', page: 'Start', quality: 0.6, text: 'refund status' },
      {
        response: 'r4b',
        at: '2026-03-04T12:01:00Z',
        intent: null,
        page: REFUNDS_PAGE,
        quality: 0.2,
        noMatch: true,
        text: 'amount is wrong',
      },
    ],
  },
  {
    id: 's5',
    startedAt: '2026-03-08T00:00:00Z',
    language: 'en',
    tag: 'orders',
    lastIntent: 'order.status',
    lastPage: 'Start',
    escalated: false,
    quality: 1,
    experiments: { greeting: 'control' },
    turns: [{ response: 'r5a', at: '2026-03-08T00:00:00Z', intent: 'order.status', page: 'Start', quality: 1, text: 'order status' }],
  },
];

const FEEDBACK: Feedback[] = [
  {
    id: 'f8',
    at: '2026-02-28T23:05:00Z',
    session: 's0',
    response: null,
    kind: 'thumbs',
    score: 0,
    comment: 'refund never came',
    entities: ['refund'],
  },
  {
    id: 'f1',
    at: '2026-03-02T09:05:00Z',
    session: 's1',
    response: 'r1b',
    kind: 'thumbs',
    score: 0,
    comment: "The bot didn't understand my order number [ORDER_ID]",
    entities: ['order number'],
  },
  { id: 'f2', at: '2026-03-02T09:06:00Z', session: 's1', response: null, kind: 'csat', score: 4 },
  {
    id: 'f3',
    at: '2026-03-02T10:10:00Z',
    session: 's2',
    response: 'r2d',
    kind: 'thumbs',
    score: 0,
    comment: SCRIPT_COMMENT,
    entities: ['refund', 'wait'],
  },
  {
    id: 'f4',
    at: '2026-03-02T10:11:00Z',
    session: 's2',
    response: null,
    kind: 'csat',
    score: 1,
    comment: 'Refund still not processed, agent was rude',
    // Natural Language can name the same entity twice in one comment: it counts once.
    entities: ['refund', 'agent', 'refund'],
  },
  {
    id: 'f5',
    at: '2026-03-03T08:05:00Z',
    session: 's3',
    response: 'r3b',
    kind: 'thumbs',
    score: 1,
    comment: 'Schnell und einfach',
    entities: [],
  },
  {
    id: 'f6',
    at: '2026-03-05T12:00:00Z',
    session: 's4',
    response: null,
    kind: 'csat',
    score: 2,
    comment: 'My refund amount was wrong',
    entities: ['refund', 'amount'],
  },
  // Negative without a comment: counts as feedback, not as a negative comment.
  { id: 'f7', at: '2026-03-05T13:00:00Z', session: 's4', response: 'r4b', kind: 'thumbs', score: 0, comment: '   ' },
  { id: 'f9', at: '2026-03-08T00:00:00Z', session: 's5', response: 'r5a', kind: 'thumbs', score: 1 },
];

const normalized = (f: Feedback): number => (f.kind === 'thumbs' ? f.score : (f.score - 1) / 4);

/** Insert the fixture through plain SQL, as the runtime's writers would have stored it. */
export async function insertImprovementFixture(db: Queryable): Promise<void> {
  for (const c of CONVERSATIONS) {
    let previous = c.startedAt;
    for (const t of c.turns) {
      await db.query(
        `INSERT INTO turn_events (id, created_at, session_id, response_id, protocol, tag, language_code, intent, page, text_redacted,
           sentiment_score, no_match, degraded, nlp_source, latency_ms, region, intent_confidence, repeated, low_confidence, escalated,
           quality_score, experiments)
         VALUES ($1, $2, $3, $4, 'cx', $5, $6, $7, $8, $9, 0.1, $10, false, 'google', 120, 'europe-west1', $11, false, $10, $12, $13, $14)`,
        [
          `${c.id}-${t.response}`,
          t.at,
          c.id,
          t.response,
          c.tag,
          c.language,
          t.intent,
          t.page,
          t.text,
          t.noMatch ?? false,
          t.noMatch ? 0.2 : 0.9,
          t.escalated ?? false,
          t.quality,
          JSON.stringify(c.experiments),
        ],
      );
      previous = t.at;
    }
    const noMatch = c.turns.filter((t) => t.noMatch).length;
    await db.query(
      `INSERT INTO conversations (session_id, started_at, updated_at, language_code, first_tag, last_tag, last_intent, last_page, flow,
         environment, turns, no_match_turns, low_confidence_turns, repeated_turns, escalated, ended, sentiment_first, sentiment_last,
         sentiment_mean, quality_components, quality_score, experiments)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, 'Default Start Flow', 'production', $8, $9, $9, 0, $10, true, 0.1, 0.1, 0.1, '{}', $11, $12)`,
      [
        c.id,
        c.startedAt,
        previous,
        c.language,
        c.tag,
        c.lastIntent,
        c.lastPage,
        c.turns.length,
        noMatch,
        c.escalated,
        c.quality,
        JSON.stringify(c.experiments),
      ],
    );
    for (const [experiment, variant] of Object.entries(c.experiments)) {
      await db.query(
        `INSERT INTO experiment_exposures (experiment_id, session_id, variant, config_version, exposed_at) VALUES ($1, $2, $3, 1, $4)`,
        [experiment, c.id, variant, c.startedAt],
      );
    }
  }
  for (const f of FEEDBACK) {
    const c = CONVERSATIONS.find((x) => x.id === f.session)!;
    await db.query(
      `INSERT INTO feedback (id, received_at, session_id, response_id, kind, score, normalized_score, comment_redacted, comment_sentiment,
         comment_entities, language_code, experiments, region)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'europe-west1')`,
      [
        f.id,
        f.at,
        f.session,
        f.response,
        f.kind,
        f.score,
        normalized(f),
        f.comment ?? null,
        f.comment ? (normalized(f) < 0.5 ? -0.6 : 0.7) : null,
        f.entities ?? [],
        c.language,
        JSON.stringify(c.experiments),
      ],
    );
  }
}
