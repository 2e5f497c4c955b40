import fc from 'fast-check';
import { FeedbackService } from '../../runtime/src/feedback/feedback-service';
import { Enricher } from '../../runtime/src/nlp/enricher';
import { DEFAULT_QUALITY_WEIGHTS } from '../../runtime/src/quality/quality-score';
import { PiiRedactor } from '../../runtime/src/security/pii-redaction';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { writeFeedback } from '../../runtime/src/storage/feedback-writer';
import { isRefusedByPostgres } from '../../runtime/src/storage/postgres-refusal';
import { createLogger } from '../../runtime/src/telemetry/logger';
import { RuntimeMetrics } from '../../runtime/src/telemetry/metrics';
import { TurnEvent } from '../../runtime/src/storage/turn-event-writer';
import { hostileNumber, hostileText, oversizedText } from './support/hostile-records';
import { PostgresServer, waitFor } from './support/local-servers';
import { TestRuntime, cxRequest, metricValue, scrape, startRuntime } from './support/runtime-harness';

/**
 * The reproduction from the fault run: one record Postgres refuses must not stop the writes
 * queued behind it. Before the fix, one hostile feedback (a NUL in the comment) and one hostile
 * turn (an intent confidence of 1e300, outside `real`) left 0 of the next 200 ratings and 0 of
 * the next 200 turns stored.
 */
describe('unstorable records among good ones (real Postgres)', () => {
  let postgres: PostgresServer;
  let rt: TestRuntime;
  beforeAll(async () => {
    postgres = await PostgresServer.start();
    rt = await startRuntime({ DATABASE_URL: postgres.url, RATE_LIMIT_PER_MINUTE: '1000000' });
  });
  afterAll(async () => {
    await rt?.close(2_000);
    await postgres.destroy();
  });

  const count = async (sql: string, params: unknown[]) => (await postgres.sql<{ n: number }>(sql, params))[0].n;
  const flushed = () => waitFor(() => rt.queues.every((q) => q.pending === 0), 'write queues to empty', 15_000);

  test('a NUL in a comment is refused at the edge, a confidence of 1e300 is dropped, and 200 + 200 good writes are stored', async () => {
    const prefix = `edge-${Date.now()}`;
    const poisonFeedback = await rt.post('/feedback', {
      session: `${prefix}-fb-poison`,
      kind: 'thumbs',
      value: 'down',
      comment: 'bad\u0000card',
    });
    expect(poisonFeedback.status).toBe(400);
    expect(((await poisonFeedback.json()) as { problems: string[] }).problems).toEqual([
      expect.stringMatching(/^comment: contains U\+0000/),
    ]);
    const poisonTurn = await rt.post(
      '/webhook/cx',
      cxRequest('my card was charged twice', 'enrich', {
        sessionInfo: { session: `${prefix}-turn-poison`, parameters: {} },
        intentInfo: { lastMatchedIntent: 'projects/p/locations/global/agents/a/intents/i1', displayName: 'charge', confidence: 1e300 },
      }),
    );
    expect(poisonTurn.status).toBe(200);
    for (let i = 0; i < 200; i++) {
      const res = await rt.post('/feedback', { session: `${prefix}-fb-${i}`, kind: 'csat', value: (i % 5) + 1 });
      expect(res.status).toBe(200);
      const turn = await rt.post(
        '/webhook/cx',
        cxRequest(`card question number ${i}`, 'enrich', { sessionInfo: { session: `${prefix}-turn-${i}` } }),
      );
      expect(turn.status).toBe(200);
    }
    await flushed();
    const feedback = await count(`SELECT count(*)::int AS n FROM feedback WHERE session_id LIKE $1`, [`${prefix}-fb-%`]);
    const turns = await count(`SELECT count(*)::int AS n FROM turn_events WHERE session_id LIKE $1`, [`${prefix}-turn-%`]);
    expect({ feedback, turns }).toEqual({ feedback: 200, turns: 201 });
    expect(await postgres.sql(`SELECT intent_confidence FROM turn_events WHERE session_id = $1`, [`${prefix}-turn-poison`])).toEqual([
      { intent_confidence: null },
    ]);
  });

  test('records that get past the edge are dead-lettered with the reason, and the 200 turns behind them are stored', async () => {
    const prefix = `queue-${Date.now()}`;
    const events = rt.queues.find((q) => q.name === 'turn-events')!;
    const poison = (id: string, changes: Partial<TurnEvent>): TurnEvent => ({
      id,
      createdAt: new Date(),
      sessionId: `${prefix}-poison`,
      responseId: id,
      protocol: 'cx',
      tag: 'enrich',
      languageCode: 'en',
      textRedacted: 'fine',
      noMatch: false,
      degraded: false,
      degradedReasons: [],
      nlpSource: 'local',
      latencyMs: 1,
      region: 'test',
      repeated: false,
      lowConfidence: false,
      escalated: false,
      experiments: {},
      ...changes,
    });
    events.enqueue(poison(`${prefix}-confidence`, { intentConfidence: 1e300 }));
    events.enqueue(poison(`${prefix}-nul`, { textRedacted: 'bad\u0000card' }));
    for (let i = 0; i < 200; i++) {
      await rt.post('/webhook/cx', cxRequest(`card question number ${i}`, 'enrich', { sessionInfo: { session: `${prefix}-turn-${i}` } }));
    }
    await flushed();
    expect(await count(`SELECT count(*)::int AS n FROM turn_events WHERE session_id LIKE $1`, [`${prefix}-turn-%`])).toBe(200);
    const letters = await postgres.sql(
      `SELECT error_code, error_message, substring(record from '"id":"([^"]*)"') AS id FROM write_dead_letters WHERE queue = 'turn-events' AND record LIKE $1 ORDER BY id`,
      [`%${prefix}%`],
    );
    expect(letters).toEqual([
      { error_code: '22003', error_message: expect.stringMatching(/out of range for type real/), id: `${prefix}-confidence` },
      { error_code: '22021', error_message: expect.stringMatching(/invalid byte sequence/), id: `${prefix}-nul` },
    ]);
    expect(metricValue(await scrape(rt), 'write_queue_dead_lettered_total', { queue: 'turn-events' })).toBe(2);
    expect(rt.logs.events('write.dead_lettered').map((l) => [l.queue, l.code])).toEqual([
      ['turn-events', '22003'],
      ['turn-events', '22021'],
    ]);
  });

  test('property: hostile webhook requests are all answered, and every turn is stored (cleaned at the edge) or dead-lettered while the queues keep flowing', async () => {
    const hostileSession = fc.oneof({ weight: 10, arbitrary: hostileText }, { weight: 1, arbitrary: oversizedText });
    const quality = fc.record(
      {
        turns: hostileNumber,
        inputTurns: hostileNumber,
        noMatchTurns: hostileNumber,
        lowConfidenceTurns: hostileNumber,
        repeatedTurns: hostileNumber,
        sentimentSum: hostileNumber,
        sentimentCount: hostileNumber,
        sentimentFirst: hostileNumber,
        startedAt: fc.oneof(hostileText, fc.constantFrom('-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z', '1970-01-01')),
        firstTag: hostileText,
        responseId: hostileText,
      },
      { requiredKeys: [] },
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            session: hostileSession,
            text: hostileText,
            tag: hostileText,
            language: hostileText,
            confidence: hostileNumber,
            intent: hostileText,
            quality,
            experiments: fc.dictionary(hostileText, hostileText, { maxKeys: 2 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (turns) => {
          const prefix = `hostile-${Date.now()}-${run++}`;
          for (const [i, t] of turns.entries()) {
            const res = await rt.post(
              '/webhook/cx',
              cxRequest(t.text, t.tag, {
                languageCode: t.language,
                intentInfo: {
                  lastMatchedIntent: 'projects/p/locations/global/agents/a/intents/i1',
                  displayName: t.intent,
                  confidence: t.confidence,
                },
                sessionInfo: {
                  session: `${prefix}-${i}-${t.session}`,
                  parameters: { convai_quality: t.quality, convai_experiments: t.experiments },
                },
              }),
            );
            expect(res.status).toBe(200);
          }
          await flushed();
          const stored = await count(`SELECT count(*)::int AS n FROM turn_events WHERE session_id LIKE $1`, [`${prefix}-%`]);
          const deadLettered = await count(
            `SELECT count(*)::int AS n FROM write_dead_letters WHERE queue = 'turn-events' AND record LIKE $1`,
            [`%"sessionId":"${prefix}-%`],
          );
          // The edge cleans every value Dialogflow may send; only a session name too long for an
          // index entry (no real Dialogflow session is) gets as far as the dead letters.
          const oversized = turns.filter((t) => t.session.length > 1_000).length;
          expect({ stored, deadLettered }).toEqual({ stored: turns.length - oversized, deadLettered: oversized });
        },
      ),
      { numRuns: 40 },
    );
  });

  test('a rating Postgres refuses past the edge is answered "refused" (422), never "unavailable" (which clients retry forever)', async () => {
    const db = new PostgresDatabase({ url: postgres.url });
    const service = new FeedbackService({
      enricher: undefined as unknown as Enricher, // no comment: never called
      redactor: new PiiRedactor(),
      store: (record) => writeFeedback(db, [record], DEFAULT_QUALITY_WEIGHTS),
      isRefusal: isRefusedByPostgres,
      metrics: new RuntimeMetrics({ processMetrics: false }),
      logger: createLogger({ level: 'silent' }),
      region: 'test',
      analysisBudgetMs: 100,
      writeDeadlineMs: 2_000,
    });
    try {
      // The schema refuses this at the edge; the service must still answer it honestly.
      const outcome = await service.submit({ session: 'refused-1', kind: 'thumbs', value: 'up', languageCode: 'e\u0000n' });
      expect(outcome).toEqual({ status: 'refused', reason: expect.stringMatching(/invalid byte sequence/) });
    } finally {
      await db.close();
    }
  });
});
