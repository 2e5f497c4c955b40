import { GoogleLanguageAnalyzer } from '../../runtime/src/nlp/google-analyzer';
import { EXPERIMENTS_PARAMETER } from '../../runtime/src/experiments/experiment-engine';
import { assignVariant } from '../../runtime/src/experiments/assignment';
import { parseExperiments } from '../../runtime/src/experiments/experiment-config';
import { QUALITY_PARAMETER } from '../../runtime/src/quality/conversation-tracker';
import { DEFAULT_QUALITY_WEIGHTS, weightedScore } from '../../runtime/src/quality/quality-score';
import { Client } from 'pg';
import { feedbackIdOf, feedbackRequestSchema } from '../../runtime/src/feedback/feedback-request';
import { FakeLanguageServer } from './support/fake-language-server';
import { PostgresServer, waitFor } from './support/local-servers';
import { TestRuntime, cxRequest, metricValue, replyParameters, scrape, startRuntime, validReply } from './support/runtime-harness';

const SECRET = 'feedback-test-secret-0123456789';
const FEEDBACK_WRITE_DEADLINE_MS = 1_000;
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
 * variants applied and exposures logged, feedback redacted, analysed, committed before it is
 * answered (503 + Retry-After through a database outage, stored once when retried) and folded
 * into the conversation's score.
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
        FEEDBACK_WRITE_DEADLINE_MS: String(FEEDBACK_WRITE_DEADLINE_MS),
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
    expect(res.status).toBe(200);
    const { id, status } = (await res.json()) as any;
    expect(status).toBe('stored');
    // Committed before the answer: no queue to wait for.
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

  test('database stopped mid-run: 200 only once committed, 503 with Retry-After while down, and each rating stored exactly once after retries', async () => {
    const prefix = `${AGENT}/sessions/outage-${Date.now()}`;
    const ratings = Array.from({ length: 30 }, (_, i) => ({
      session: `${prefix}-${i % 10}`,
      responseId: `turn-${i}`,
      kind: i % 3 === 0 ? 'csat' : 'thumbs',
      value: i % 3 === 0 ? (i % 5) + 1 : i % 2 === 0 ? 'up' : 'down',
    }));
    const refused: object[] = [];
    const post = async (r: object) => {
      const res = await rt.post('/feedback', r, AUTH);
      if (res.status === 503) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        refused.push(r);
      } else expect(res.status).toBe(200);
      return res.status;
    };
    for (const r of ratings.slice(0, 10)) expect(await post(r)).toBe(200);
    await postgres.stop();
    try {
      for (const r of ratings.slice(10)) expect(await post(r)).toBe(503);
    } finally {
      await postgres.resume();
    }
    // The clients retry what was refused, some twice (a retry whose answer was lost).
    for (const r of [...refused, ...refused.slice(0, 5)]) expect(await post(r)).toBe(200);
    const rows = await sql(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM feedback WHERE session_id LIKE $1`, [
      `${prefix}-%`,
    ]);
    expect(rows[0]).toEqual({ n: ratings.length, ids: ratings.length });
    const csat = await sql(`SELECT score FROM feedback WHERE session_id LIKE $1 AND kind = 'csat' ORDER BY response_id`, [`${prefix}-%`]);
    expect(csat).toHaveLength(ratings.filter((r) => r.kind === 'csat').length);
    expect(metricValue(await scrape(rt), 'feedback_write_failures_total', { reason: 'unavailable' })).toBeGreaterThanOrEqual(20);
  });

  test('a commit slower than FEEDBACK_WRITE_DEADLINE_MS is answered 503; its late commit and the retry make one row', async () => {
    const session = `${AGENT}/sessions/slow-${Date.now()}`;
    const rating = { session, feedbackId: 'slow-1', kind: 'thumbs', value: 'up' };
    // Another transaction is inserting the same id: the upsert waits for it to commit or roll back.
    const blocker = new Client({ connectionString: postgres.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO feedback (id, received_at, session_id, kind, score, normalized_score, language_code, region) VALUES ($1, now(), $2, 'thumbs', 0, 0, 'en', 'x')`,
        [feedbackIdOf(feedbackRequestSchema.parse(rating)), session],
      );
      const started = Date.now();
      const res = await rt.post('/feedback', rating, AUTH);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(Date.now() - started).toBeLessThan(FEEDBACK_WRITE_DEADLINE_MS + 1_000);
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    await waitFor(async () => (await sql(`SELECT 1 FROM feedback WHERE session_id = $1`, [session])).length === 1, 'the late commit');
    expect((await rt.post('/feedback', rating, AUTH)).status).toBe(200);
    expect(await sql(`SELECT count(*)::int AS n FROM feedback WHERE session_id = $1`, [session])).toEqual([{ n: 1 }]);
  });

  test('a client retrying the same rating (same feedbackId, or none) never creates a second row', async () => {
    const session = `${AGENT}/sessions/retry-${Date.now()}`;
    const explicit = { session, feedbackId: 'client-id-1', kind: 'csat', value: 4 };
    const natural = { session, responseId: 'turn-1', kind: 'thumbs', value: 'down' };
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => rt.post('/feedback', i % 2 ? explicit : natural, AUTH)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as { id: string }).id))).size).toBe(2);
    expect(await sql(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM feedback WHERE session_id = $1`, [session])).toEqual([
      { n: 2, ids: 2 },
    ]);
  });

  test('a changed rating replaces the earlier one, and the conversation is rescored with it', async () => {
    const session = sessionIn('strict', 'rated');
    await converse(session, ['My card arrived, great', 'Thanks, that was helpful']);
    await flushed();
    const [before] = await sql(`SELECT quality_score, feedback_score, quality_components FROM conversations WHERE session_id = $1`, [
      session,
    ]);
    expect(before.feedback_score).toBeNull();

    expect((await rt.post('/feedback', { session, kind: 'csat', value: 1 }, AUTH)).status).toBe(200);
    expect((await rt.post('/feedback', { session, kind: 'csat', value: 5 }, AUTH)).status).toBe(200);
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
