import { GoogleLanguageAnalyzer } from '../../runtime/src/nlp/google-analyzer';
import { EXPERIMENTS_PARAMETER } from '../../runtime/src/experiments/experiment-engine';
import { assignVariant } from '../../runtime/src/experiments/assignment';
import { parseExperiments } from '../../runtime/src/experiments/experiment-config';
import { QUALITY_PARAMETER } from '../../runtime/src/quality/conversation-tracker';
import { DEFAULT_QUALITY_WEIGHTS, weightedScore } from '../../runtime/src/quality/quality-score';
import { FeedbackService } from '../../runtime/src/feedback/feedback-service';
import { Enricher } from '../../runtime/src/nlp/enricher';
import { WriteBehindQueue } from '../../runtime/src/resilience/write-behind-queue';
import { PiiRedactor } from '../../runtime/src/security/pii-redaction';
import { FeedbackRecord } from '../../runtime/src/storage/feedback-writer';
import { createLogger } from '../../runtime/src/telemetry/logger';
import { RuntimeMetrics } from '../../runtime/src/telemetry/metrics';
import { FakeLanguageServer } from './support/fake-language-server';
import { PostgresServer, waitFor } from './support/local-servers';
import { TestRuntime, cxRequest, metricValue, replyParameters, scrape, startRuntime, validReply } from './support/runtime-harness';

const SECRET = 'feedback-test-secret-0123456789';
const AUTH = { 'x-webhook-secret': SECRET };
const AGENT = 'projects/acme/locations/global/agents/a1';

const EXPERIMENTS = {
  version: 2,
  experiments: [
    {
      id: 'escalation-threshold',
      variants: [
        { name: 'control', weight: 1 },
        { name: 'strict', weight: 1, settings: { negativeThreshold: -0.95 }, parameters: { prompt_variant: 'short' } },
      ],
      targeting: { tags: ['sentiment-escalation'] },
      metrics: { primary: 'containment_rate', guardrails: ['csat'] },
    },
  ],
};

/**
 * The improvement loop end to end on a real Postgres: conversations scored and stored, experiment
 * variants applied and exposures logged, feedback accepted, redacted, analysed, stored once
 * through a database outage and folded into the conversation's score.
 */
describe('continuous improvement: quality, experiments and feedback on a real Postgres', () => {
  let fake: FakeLanguageServer;
  let postgres: PostgresServer;
  let rt: TestRuntime;

  beforeAll(async () => {
    [fake, postgres] = await Promise.all([FakeLanguageServer.start(), PostgresServer.start()]);
    rt = await startRuntime(
      {
        AUTH_MODE: 'shared-secret',
        WEBHOOK_SHARED_SECRET: SECRET,
        DATABASE_URL: postgres.url,
        EXPERIMENTS_JSON: JSON.stringify(EXPERIMENTS),
        NEGATIVE_SENTIMENT_THRESHOLD: '-0.25',
        ESCALATE_AFTER_NEGATIVE_TURNS: '2',
        RATE_LIMIT_PER_MINUTE: '100000',
        QUALITY_EXPECTED_TURNS: '{"*":4}',
      },
      { analyzer: new GoogleLanguageAnalyzer(fake.clientOptions()) },
    );
  });
  afterAll(async () => {
    await rt?.close(2_000);
    await Promise.all([fake.stop(), postgres.destroy()]);
  });

  const sql = <T = any>(query: string, params: unknown[] = []) => postgres.sql<T>(query, params);
  const flushed = () => waitFor(() => rt.queues.every((q) => q.pending === 0), 'write queues flushed', 20_000);

  /** Play a conversation the way Dialogflow does: each turn sends the parameters the last reply set. */
  async function converse(session: string, texts: string[], tag = 'sentiment-escalation') {
    let parameters: Record<string, unknown> = {};
    const replies: Record<string, any>[] = [];
    for (const text of texts) {
      const body = cxRequest(text, tag, { sessionInfo: { session, parameters } });
      const reply = await validReply(await rt.post('/webhook/cx', body, AUTH), 'cx');
      parameters = { ...parameters, ...replyParameters(reply) };
      replies.push(reply);
    }
    return { replies, parameters };
  }

  /** A session name whose variant in the escalation experiment is `variant`. */
  function sessionIn(variant: string, prefix: string): string {
    const experiment = parseExperiments(EXPERIMENTS).experiments[0];
    for (let i = 0; ; i++) {
      const name = `${AGENT}/sessions/${prefix}-${i}`;
      if (assignVariant(experiment, name).name === variant) return name;
    }
  }

  test('each conversation is scored per turn and stored once, with its experiment variant applied to the reply', async () => {
    const angry = ['This is terrible, my card is blocked', 'Awful service, I hate this', 'Still terrible and useless'];
    const control = sessionIn('control', 'ctl');
    const strict = sessionIn('strict', 'str');
    const a = await converse(control, angry);
    const b = await converse(strict, angry);

    // Control escalates after two negative turns; the strict variant's threshold (-0.95) never trips.
    expect(a.replies.some((r) => r.fulfillmentResponse.messages.some((m: any) => m.liveAgentHandoff))).toBe(true);
    expect(b.replies.some((r) => r.fulfillmentResponse.messages.some((m: any) => m.liveAgentHandoff))).toBe(false);
    expect(b.parameters.prompt_variant).toBe('short');
    expect(a.parameters.prompt_variant).toBeUndefined();
    expect(b.parameters[EXPERIMENTS_PARAMETER]).toEqual({ 'escalation-threshold': 'strict' });
    expect((a.parameters[QUALITY_PARAMETER] as any).turns).toBe(3);

    await flushed();
    const rows = await sql(
      `SELECT session_id, turns, escalated, ended, quality_score, quality_components, experiments, environment, expected_turns
         FROM conversations WHERE session_id = ANY($1) ORDER BY session_id`,
      [[control, strict]],
    );
    expect(rows).toHaveLength(2);
    const byId = Object.fromEntries(rows.map((r) => [r.session_id, r]));
    expect(byId[control]).toMatchObject({ turns: 3, escalated: true, ended: true, experiments: { 'escalation-threshold': 'control' } });
    expect(byId[strict]).toMatchObject({ turns: 3, escalated: false, ended: false, experiments: { 'escalation-threshold': 'strict' } });
    expect(byId[control].expected_turns).toBe(4);
    for (const r of rows) expect(r.quality_score).toBeCloseTo(weightedScore(r.quality_components, DEFAULT_QUALITY_WEIGHTS)!, 5);
    expect(byId[control].quality_score).toBeLessThan(byId[strict].quality_score);

    const exposures = await sql(`SELECT session_id, variant, config_version FROM experiment_exposures WHERE session_id = ANY($1)`, [
      [control, strict],
    ]);
    expect(exposures).toHaveLength(2); // once per session, not once per turn
    expect(exposures.every((e) => e.config_version === 2)).toBe(true);
    const turns = await sql(`SELECT quality_score, escalated, experiments FROM turn_events WHERE session_id = $1 ORDER BY created_at`, [
      control,
    ]);
    expect(turns.map((t) => t.escalated)).toEqual([false, true, false]);
    expect(turns.every((t) => t.quality_score !== null && t.experiments['escalation-threshold'] === 'control')).toBe(true);

    const metrics = await scrape(rt);
    expect(metricValue(metrics, 'experiment_exposures_total', { experiment: 'escalation-threshold' })).toBeGreaterThanOrEqual(2);
    expect(metricValue(metrics, 'conversation_quality_signals_total', { signal: 'escalated' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(metrics, 'conversation_turn_quality_score_count', { tag: 'sentiment-escalation' })).toBeGreaterThanOrEqual(6);
    expect(metricValue(metrics, 'conversation_quality_score_count')).toBeGreaterThanOrEqual(1);
    expect(rt.logs.events('conversation.ended').some((e) => e.escalated === true && typeof e.qualityScore === 'number')).toBe(true);
    expect(rt.logs.events('experiment.exposure')).toEqual(
      expect.arrayContaining([expect.objectContaining({ experiment: 'escalation-threshold', variant: 'strict' })]),
    );
    expect(rt.logs.events('webhook.turn').at(-1)).toMatchObject({
      qualityScore: expect.any(Number),
      conversationQualityScore: expect.any(Number),
      experiments: { 'escalation-threshold': 'strict' },
    });
  });

  test('feedback is authenticated like the webhook and validated with every problem named', async () => {
    const session = `${AGENT}/sessions/validation`;
    expect((await rt.post('/feedback', { session, kind: 'thumbs', value: 'up' })).status).toBe(401);
    expect(
      (await rt.post('/feedback', { session, kind: 'thumbs', value: 'up' }, { 'x-webhook-secret': 'wrong-secret-0123456789' })).status,
    ).toBe(401);

    const bad = await rt.post('/feedback', { session: '', kind: 'csat', value: 7, comment: 'x'.repeat(2_001) }, AUTH);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as any;
    expect(body.error).toBe('invalid feedback');
    expect(body.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^session:/), expect.stringMatching(/^value:/), expect.stringMatching(/^comment:/)]),
    );
    expect((await rt.post('/feedback', '{"session": ', AUTH)).status).toBe(400);
    expect((await rt.post('/feedback', { session, kind: 'stars', value: 3 }, AUTH)).status).toBe(400);
    expect((await rt.post('/feedback', { session, kind: 'thumbs', value: 'up', comment: 'y'.repeat(20_000) }, AUTH)).status).toBe(413);
  });

  test('a comment is redacted before analysis and storage; its sentiment and entities are stored as themes', async () => {
    const session = `${AGENT}/sessions/themes`;
    const res = await rt.post(
      '/feedback',
      {
        session,
        responseId: 'resp-themes-1',
        kind: 'thumbs',
        value: 'down',
        comment: 'Terrible: my card was declined at Acme Corp. Email me at jane.doe@example.com or call +44 20 7946 0958',
      },
      AUTH,
    );
    expect(res.status).toBe(202);
    const { id, status } = (await res.json()) as any;
    expect(status).toBe('accepted');
    await flushed();
    const [row] = await sql(`SELECT * FROM feedback WHERE id = $1`, [id]);
    expect(row).toMatchObject({ session_id: session, response_id: 'resp-themes-1', kind: 'thumbs', score: 0, normalized_score: 0 });
    expect(row.comment_redacted).not.toMatch(/jane|example\.com|7946/);
    expect(row.comment_redacted).toContain('my card was declined');
    expect(row.comment_sentiment).toBeLessThan(0);
    expect(row.comment_entities).toEqual(expect.arrayContaining(['card', 'acme corp']));
    expect(row.comment_entities.join(' ')).not.toMatch(/jane|example|7946/);
    expect(rt.logs.events('feedback.received').at(-1)).toMatchObject({ kind: 'thumbs', score: 0, normalizedScore: 0, hasComment: true });
    expect(JSON.stringify(rt.logs.lines)).not.toContain('jane.doe@example.com');
  });

  test('database stopped mid-run: every rating is accepted, queued, and stored exactly once when it returns', async () => {
    const prefix = `${AGENT}/sessions/outage-${Date.now()}`;
    const ratings = Array.from({ length: 30 }, (_, i) => ({
      session: `${prefix}-${i % 10}`,
      responseId: `turn-${i}`,
      kind: i % 3 === 0 ? 'csat' : 'thumbs',
      value: i % 3 === 0 ? (i % 5) + 1 : i % 2 === 0 ? 'up' : 'down',
    }));
    const post = async (r: object) => {
      const res = await rt.post('/feedback', r, AUTH);
      expect(res.status).toBe(202);
    };
    await flushed();
    for (const r of ratings.slice(0, 10)) await post(r);
    await postgres.stop();
    try {
      for (const r of ratings.slice(10)) await post(r);
      // Clients retry on timeouts: the same ratings again, during the outage.
      for (const r of ratings.slice(5, 15)) await post(r);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(rt.queues.find((q) => q.name === 'feedback')!.pending).toBeGreaterThan(0);
    } finally {
      await postgres.resume();
    }
    // And once more after it is back.
    for (const r of ratings.slice(25)) await post(r);
    await flushed();
    const rows = await sql(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM feedback WHERE session_id LIKE $1`, [
      `${prefix}-%`,
    ]);
    expect(rows[0]).toEqual({ n: ratings.length, ids: ratings.length });
    const csat = await sql(`SELECT score FROM feedback WHERE session_id LIKE $1 AND kind = 'csat' ORDER BY response_id`, [`${prefix}-%`]);
    expect(csat).toHaveLength(ratings.filter((r) => r.kind === 'csat').length);
  });

  test('a changed rating replaces the earlier one, and the conversation is rescored with it', async () => {
    const session = sessionIn('strict', 'rated');
    await converse(session, ['My card arrived, great', 'Thanks, that was helpful']);
    await flushed();
    const [before] = await sql(`SELECT quality_score, feedback_score, quality_components FROM conversations WHERE session_id = $1`, [
      session,
    ]);
    expect(before.feedback_score).toBeNull();

    expect((await rt.post('/feedback', { session, kind: 'csat', value: 1 }, AUTH)).status).toBe(202);
    await flushed();
    expect((await rt.post('/feedback', { session, kind: 'csat', value: 5 }, AUTH)).status).toBe(202);
    await flushed();
    const stored = await sql(`SELECT score, experiments FROM feedback WHERE session_id = $1`, [session]);
    expect(stored).toEqual([{ score: 5, experiments: { 'escalation-threshold': 'strict' } }]);
    const [after] = await sql(`SELECT quality_score, feedback_score FROM conversations WHERE session_id = $1`, [session]);
    expect(after.feedback_score).toBe(1);
    expect(after.quality_score).toBeCloseTo(weightedScore({ ...before.quality_components, feedback: 1 }, DEFAULT_QUALITY_WEIGHTS)!, 5);
    expect(after.quality_score).not.toBeCloseTo(before.quality_score, 5);
  });
});

describe('feedback without a database', () => {
  test('is refused with 503 and Retry-After, never accepted and lost', async () => {
    const rt = await startRuntime({});
    try {
      const res = await rt.post('/feedback', { session: 's', kind: 'thumbs', value: 'up' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('3600');
      expect(((await res.json()) as any).detail).toMatch(/DATABASE_MODE=off/);
    } finally {
      await rt.close(500);
    }
  });
});

describe('feedback while the queue is full', () => {
  test('a rating the queue cannot hold is refused (503, retry) instead of pushing an accepted one out', async () => {
    const queue = new WriteBehindQueue<FeedbackRecord>({
      name: 'feedback',
      capacity: 2,
      flush: () => Promise.reject(new Error('database down')),
    });
    const service = new FeedbackService({
      // No comment is sent, so the enricher is never called.
      enricher: undefined as unknown as Enricher,
      redactor: new PiiRedactor(),
      queue,
      metrics: new RuntimeMetrics({ processMetrics: false }),
      logger: createLogger({ level: 'silent' }),
      region: 'test',
      analysisBudgetMs: 100,
    });
    try {
      const outcomes = [];
      for (const value of ['up', 'down', 'up'] as const) {
        outcomes.push(await service.submit({ session: `s-${value}-${outcomes.length}`, kind: 'thumbs', value, languageCode: 'en' }));
      }
      expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'unavailable']);
      expect(queue.pending).toBe(2);
      expect(queue.droppedTotal).toBe(0);
    } finally {
      queue.stop();
    }
  });
});
