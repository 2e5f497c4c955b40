/**
 * A month of realistic traffic for the prioritization tests, from a seeded PRNG: the intents'
 * quality levels and volumes are chosen so the expected ranking is known, and everything the
 * generator wrote is returned so the tests can work out the expected numbers on their own.
 */
import { Database } from '../../../runtime/src/storage/database';
import { rng } from '../../../tools/corpus/banking77';

export const FROM = new Date('2026-10-01T00:00:00Z');
export const TO = new Date('2026-10-31T00:00:00Z'); // 30 days
const DAY = 86_400_000;

type Signal = 'low_confidence' | 'repeated' | 'escalated';

/** Each conversation is about one intent on its page, after the welcome turn on the start page. */
export interface IntentSpec {
  readonly intent: string;
  readonly page: string;
  readonly conversations: number;
  /** Design mean of the conversation quality; each conversation adds uniform noise of ±0.15. */
  readonly quality: number;
  /** The turn signal that goes with this intent's problem, and how often its turns show it. */
  readonly signal?: { readonly kind: Signal; readonly rate: number };
  /** Share of conversations where the user twice says something the page has no route for (two no-match turns). */
  readonly noMatch?: number;
  /** The entity unhappy users name in their feedback comments. */
  readonly complaint?: string;
}

export const INTENTS: readonly IntentSpec[] = [
  { intent: 'order.status', page: 'Order Lookup', conversations: 2000, quality: 0.8 },
  {
    intent: 'billing.dispute',
    page: 'Billing',
    conversations: 1200,
    quality: 0.63,
    signal: { kind: 'repeated', rate: 0.3 },
    complaint: 'invoice',
  },
  {
    intent: 'refund.request',
    page: 'Refund Details',
    conversations: 300,
    quality: 0.45,
    signal: { kind: 'low_confidence', rate: 0.4 },
    noMatch: 0.9,
    complaint: 'refund',
  },
  {
    intent: 'account.close',
    page: 'Account Settings',
    conversations: 60,
    quality: 0.3,
    signal: { kind: 'escalated', rate: 0.5 },
    complaint: 'password',
  },
  { intent: 'store.hours', page: 'Store Info', conversations: 12, quality: 0.2 },
];

export const WELCOME = { intent: 'Default Welcome Intent', page: 'Start Page' };

/** Conversations the period must not see: September, terrible, all on store.hours. */
export const BEFORE_PERIOD = { intent: 'store.hours', page: 'Store Info', conversations: 200, quality: 0.05 };

export interface SeededConversation {
  readonly sessionId: string;
  readonly startedAt: Date;
  readonly intent: string;
  readonly page: string;
  readonly quality: number;
  readonly inPeriod: boolean;
}

export interface SeededFeedback {
  readonly sessionId: string;
  readonly normalizedScore: number;
  readonly entities: readonly string[];
  readonly inPeriod: boolean;
}

export interface Seeded {
  readonly conversations: readonly SeededConversation[];
  readonly feedback: readonly SeededFeedback[];
  readonly exposures: ReadonlyArray<{ experimentId: string; variant: string; sessionId: string }>;
}

/** Experiments with traffic in the period: sessions per variant. */
export const EXPOSURES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'greeting-v2': { control: 500, friendly: 500 },
  'short-prompts': { control: 400, short: 400 },
  'new-router': { a: 400, b: 200 },
  'tone-test': { control: 150, warm: 150 },
  'tiny-test': { control: 5, bold: 5 },
};

/** What `npm run experiments:report` writes for those experiments (two comparison layouts, one broken entry, extra fields). */
/** In the shape `npm run experiments:report` writes (tools/experiments/report-model.ts), trimmed to what matters here. */
export const EXPERIMENTS_REPORT = {
  generatedAt: '2026-11-01T00:00:00.000Z',
  configVersion: 3,
  experiments: [
    {
      experimentId: 'greeting-v2',
      configVersion: 3,
      verdict: {
        kind: 'ship',
        variant: 'friendly',
        text: '"friendly" improves conversation_quality by 6.0% (p = 0.002) with no guardrail harmed',
      },
      exposures: [
        { variant: 'control', sessions: 500, share: 0.5, expectedShare: 0.5 },
        { variant: 'friendly', sessions: 500, share: 0.5, expectedShare: 0.5 },
      ],
      comparisons: [
        { metric: 'conversation_quality', variant: 'friendly', relativeDifference: 0.06, pValue: 0.002, significant: true },
        { metric: 'escalation_rate', variant: 'friendly', relativeDifference: -0.01, pValue: 0.7, significant: false },
      ],
    },
    {
      experimentId: 'short-prompts',
      verdict: { kind: 'do-not-ship', variant: 'short', text: 'guardrail escalation_rate worse by 15.0% in "short" (p < 0.001)' },
      comparisons: [
        { metric: 'conversation_quality', variant: 'short', relativeDifference: 0.01, pValue: 0.4, significant: false },
        { metric: 'escalation_rate', variant: 'short', relativeDifference: 0.15, pValue: 0.0004, significant: true },
        { metric: 'csat', variant: 'short', relativeDifference: null, pValue: null, significant: false },
      ],
    },
    {
      experimentId: 'new-router',
      verdict: { kind: 'srm', variant: null, text: 'observed split 400/200 against a configured 50/50 (p < 0.0001)' },
      comparisons: [],
    },
    { experimentId: 'tone-test', verdict: { kind: 'no-difference', variant: null, text: 'no significant difference' }, comparisons: [] },
    {
      experimentId: 'tiny-test',
      verdict: { kind: 'ship', variant: 'bold', text: '"bold" improves csat' },
      comparisons: [{ metric: 'csat', variant: 'bold', relativeDifference: 0.3, pValue: 0.01, significant: true }],
    },
    { experimentId: 'broken', verdict: { kind: 'maybe' } },
  ],
};

const clamp = (x: number): number => Math.min(1, Math.max(0, x));

async function insertRows(db: Database, table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
  const perChunk = Math.floor(60_000 / columns.length);
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const params: unknown[] = [];
    const values = chunk.map((row) => {
      const base = params.length;
      params.push(...row);
      return `(${row.map((_, j) => `$${base + j + 1}`).join(', ')})`;
    });
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
  }
}

export async function seed(db: Database, seedValue = 20261001): Promise<Seeded> {
  const random = rng(seedValue);
  const conversations: SeededConversation[] = [];
  const turns: unknown[][] = [];
  const convRows: unknown[][] = [];
  const feedback: SeededFeedback[] = [];
  const feedbackRows: unknown[][] = [];
  let n = 0;

  const addConversation = (spec: IntentSpec, from: Date, days: number, inPeriod: boolean): void => {
    const sessionId = `projects/acme/locations/global/agents/support/sessions/s-${String(++n).padStart(5, '0')}`;
    const startedAt = new Date(from.getTime() + random() * (days * DAY - 3_600_000));
    const quality = clamp(spec.quality + (random() - 0.5) * 0.3);
    conversations.push({ sessionId, startedAt, intent: spec.intent, page: spec.page, quality, inPeriod });
    const turn = (i: number, intent: string | null, page: string, flags: Partial<Record<Signal | 'no_match', boolean>>): void => {
      turns.push([
        `${sessionId}#${i}`,
        new Date(startedAt.getTime() + i * 20_000),
        sessionId,
        `r-${n}-${i}`,
        'cx',
        intent === null ? 'fallback' : intent.replace(/[^a-z]/gi, '-'),
        'en',
        intent,
        page,
        '[redacted]',
        flags.no_match ?? false,
        false,
        'google',
        120,
        'europe-west1',
        flags.low_confidence ?? false,
        flags.repeated ?? false,
        flags.escalated ?? false,
      ]);
    };
    turn(0, WELCOME.intent, WELCOME.page, {});
    const own = 2 + Math.floor(random() * 3);
    let escalated = false;
    for (let i = 1; i <= own; i++) {
      const hit = spec.signal !== undefined && random() < spec.signal.rate;
      if (hit && spec.signal!.kind === 'escalated') escalated = true;
      turn(i, spec.intent, spec.page, hit ? { [spec.signal!.kind]: true } : {});
    }
    const noMatch = spec.noMatch !== undefined && random() < spec.noMatch;
    if (noMatch) {
      turn(own + 1, null, spec.page, { no_match: true });
      turn(own + 2, null, spec.page, { no_match: true });
    }
    const count = own + 1 + (noMatch ? 2 : 0);
    convRows.push([
      sessionId,
      startedAt,
      new Date(startedAt.getTime() + count * 20_000),
      'en',
      'welcome',
      spec.intent,
      spec.intent,
      spec.page,
      'Default Start Flow',
      'production',
      count,
      noMatch ? 2 : 0,
      0,
      0,
      escalated,
      JSON.stringify({ seeded: true }),
      quality,
    ]);
    // A quarter of conversations leave feedback; unhappy ones (quality under 0.6) thumbs down or CSAT 1-2.
    if (random() < 0.25) {
      const csat = random() < 0.3;
      const negative = quality < 0.6;
      const score = csat ? (negative ? 1 + Math.floor(random() * 2) : 4 + Math.floor(random() * 2)) : negative ? 0 : 1;
      const normalizedScore = csat ? (score - 1) / 4 : score;
      const entities = negative ? (spec.complaint ? [spec.complaint, 'wait'] : ['wait']) : ['agent'];
      feedback.push({ sessionId, normalizedScore, entities, inPeriod });
      feedbackRows.push([
        `fb-${n}`,
        new Date(startedAt.getTime() + 300_000),
        sessionId,
        `r-${n}-1`,
        csat ? 'csat' : 'thumbs',
        score,
        normalizedScore,
        negative
          ? `Had to wait${spec.complaint ? ` and the ${spec.complaint} part did not work` : ''}, [PERSON] could not help`
          : 'Quick answer from the agent, thanks',
        entities,
        'en',
        'europe-west1',
      ]);
    }
  };

  for (const spec of INTENTS) for (let i = 0; i < spec.conversations; i++) addConversation(spec, FROM, 30, true);
  const september = new Date('2026-09-01T00:00:00Z');
  for (let i = 0; i < BEFORE_PERIOD.conversations; i++) addConversation({ ...BEFORE_PERIOD, complaint: 'hours' }, september, 30, false);

  const exposures: Array<{ experimentId: string; variant: string; sessionId: string }> = [];
  const exposureRows: unknown[][] = [];
  const inPeriod = conversations.filter((c) => c.inPeriod);
  for (const [experimentId, variants] of Object.entries(EXPOSURES)) {
    let i = 0;
    for (const [variant, sessions] of Object.entries(variants)) {
      for (let k = 0; k < sessions; k++, i++) {
        const c = inPeriod[i];
        exposures.push({ experimentId, variant, sessionId: c.sessionId });
        exposureRows.push([experimentId, c.sessionId, variant, 1, c.startedAt]);
      }
    }
  }
  // And last month's run of an experiment, outside the period.
  for (const c of conversations.filter((x) => !x.inPeriod)) exposureRows.push(['short-prompts', c.sessionId, 'short', 1, c.startedAt]);

  await insertRows(
    db,
    'turn_events',
    [
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
      'no_match',
      'degraded',
      'nlp_source',
      'latency_ms',
      'region',
      'low_confidence',
      'repeated',
      'escalated',
    ],
    turns,
  );
  await insertRows(
    db,
    'conversations',
    [
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
      'quality_components',
      'quality_score',
    ],
    convRows,
  );
  await insertRows(
    db,
    'feedback',
    [
      'id',
      'received_at',
      'session_id',
      'response_id',
      'kind',
      'score',
      'normalized_score',
      'comment_redacted',
      'comment_entities',
      'language_code',
      'region',
    ],
    feedbackRows,
  );
  await insertRows(db, 'experiment_exposures', ['experiment_id', 'session_id', 'variant', 'config_version', 'exposed_at'], exposureRows);
  return { conversations, feedback, exposures };
}
