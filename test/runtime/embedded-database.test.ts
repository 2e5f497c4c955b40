import { PostgresTier } from '../../runtime/src/cache/postgres-tier';
import { DEFAULT_QUALITY_WEIGHTS } from '../../runtime/src/quality/quality-score';
import { ConversationSnapshot } from '../../runtime/src/quality/conversation-tracker';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { writeConversations } from '../../runtime/src/storage/conversation-writer';
import { writeExposures } from '../../runtime/src/storage/exposure-writer';
import { writeFeedback } from '../../runtime/src/storage/feedback-writer';
import { runMaintenance } from '../../runtime/src/storage/maintenance';
import { MIGRATIONS, SQLITE_MIGRATIONS, migrate } from '../../runtime/src/storage/migrations';
import { isRefusedByPostgres } from '../../runtime/src/storage/postgres-refusal';
import { SqliteDatabase } from '../../runtime/src/storage/sqlite-database';
import { writeTurnEvents } from '../../runtime/src/storage/turn-event-writer';
import { TurnEvent } from '../../runtime/src/storage/turn-event-writer';
import { PostgresServer } from './support/local-servers';
import { cxRequest, startRuntime } from './support/runtime-harness';

/**
 * The embedded default database (SQLite, `node:sqlite`): the same migrations, tables and columns
 * as Postgres, and the same writer semantics (idempotent retries, newer-wins upserts, feedback
 * rescoring the conversation and carrying the session's variants).
 */
const weights = DEFAULT_QUALITY_WEIGHTS;

function turnEvent(id: string, sessionId: string, createdAt = new Date()): TurnEvent {
  return {
    id,
    createdAt,
    sessionId,
    responseId: `r-${id}`,
    protocol: 'cx',
    tag: 'enrich',
    languageCode: 'en',
    intent: 'card_lost',
    textRedacted: 'I lost my card',
    sentimentScore: -0.4,
    noMatch: false,
    degraded: false,
    degradedReasons: ['nlp-timeout'],
    nlpSource: 'local',
    latencyMs: 12,
    region: 'local',
    repeated: false,
    lowConfidence: false,
    escalated: false,
    qualityScore: 0.7,
    experiments: { greeting: 'b' },
  } as TurnEvent;
}

function snapshot(sessionId: string, turns: number, experiments: Record<string, string>): ConversationSnapshot {
  const at = new Date(Date.UTC(2026, 10, 1, 12, 0, turns));
  return {
    sessionId,
    startedAt: new Date(Date.UTC(2026, 10, 1, 12)),
    updatedAt: at,
    languageCode: 'en',
    firstTag: 'enrich',
    lastTag: 'enrich',
    environment: 'draft',
    turns,
    noMatchTurns: 0,
    lowConfidenceTurns: 0,
    repeatedTurns: 0,
    escalated: false,
    ended: false,
    components: { noMatch: 1, sentiment: 0.5 } as ConversationSnapshot['components'],
    experiments,
  };
}

describe('the embedded SQLite database', () => {
  let db: SqliteDatabase;
  beforeEach(async () => {
    db = SqliteDatabase.open();
    expect(await migrate(db)).toEqual(SQLITE_MIGRATIONS.map((m) => m.id));
  });
  afterEach(() => db.close());

  test('the migrations are the Postgres ones, one for one (same ids and names), and run once', async () => {
    expect(SQLITE_MIGRATIONS.map((m) => [m.id, m.name])).toEqual(MIGRATIONS.map((m) => [m.id, m.name]));
    expect(await migrate(db)).toEqual([]);
    expect((await db.query('SELECT id, name FROM schema_migrations ORDER BY id')).rows).toEqual(
      MIGRATIONS.map((m) => ({ id: m.id, name: m.name })),
    );
  });

  test('turn events: a retried batch stores nothing twice; arrays and objects round-trip as JSON', async () => {
    const batch = [turnEvent('t1', 's1'), turnEvent('t2', 's1')];
    await writeTurnEvents(db, batch);
    await writeTurnEvents(db, batch);
    const { rows } = await db.query<{ n: number; reasons: string; experiments: string; no_match: number }>(
      `SELECT count(*) AS n, max(degraded_reasons) AS reasons, max(experiments) AS experiments, max(no_match) AS no_match FROM turn_events`,
    );
    expect(rows[0].n).toBe(2);
    expect(JSON.parse(rows[0].reasons)).toEqual(['nlp-timeout']);
    expect(JSON.parse(rows[0].experiments)).toEqual({ greeting: 'b' });
    expect(rows[0].no_match).toBe(0);
  });

  test('conversations: a newer snapshot wins, an older never overwrites it, variants only accumulate', async () => {
    await writeConversations(db, [snapshot('s1', 2, { greeting: 'b' })], weights);
    await writeConversations(db, [snapshot('s1', 1, { other: 'x' })], weights); // older: ignored
    await writeConversations(db, [snapshot('s1', 3, { tone: 'warm' })], weights);
    const { rows } = await db.query<{ turns: number; experiments: string; quality_score: number }>(
      `SELECT turns, experiments, quality_score FROM conversations WHERE session_id = 's1'`,
    );
    expect(rows[0].turns).toBe(3);
    expect(JSON.parse(rows[0].experiments)).toEqual({ greeting: 'b', tone: 'warm' });
    expect(rows[0].quality_score).toBeGreaterThan(0);
  });

  test('feedback: stored once per id, rescores its conversation, and carries the variants whichever is written first', async () => {
    await writeConversations(db, [snapshot('s1', 2, {})], weights);
    const before = (await db.query<{ q: number }>(`SELECT quality_score AS q FROM conversations`)).rows[0].q;
    const record = {
      id: 'f1',
      receivedAt: new Date(),
      sessionId: 's1',
      kind: 'thumbs' as const,
      score: 0,
      normalizedScore: 0,
      commentEntities: ['card'],
      languageCode: 'en',
      region: 'local',
    };
    await writeFeedback(db, [record], weights);
    await writeFeedback(db, [record], weights);
    await writeExposures(db, [{ experimentId: 'greeting', sessionId: 's1', variant: 'b', configVersion: 1, exposedAt: new Date() }]);
    await writeExposures(db, [{ experimentId: 'greeting', sessionId: 's1', variant: 'a', configVersion: 2, exposedAt: new Date() }]);
    const fb = (
      await db.query<{ n: number; experiments: string; entities: string }>(
        `SELECT count(*) AS n, max(experiments) AS experiments, max(comment_entities) AS entities FROM feedback`,
      )
    ).rows[0];
    expect(fb.n).toBe(1);
    expect(JSON.parse(fb.experiments)).toEqual({ greeting: 'b' }); // the first exposure is kept
    expect(JSON.parse(fb.entities)).toEqual(['card']);
    const conv = (await db.query<{ q: number; f: number }>(`SELECT quality_score AS q, feedback_score AS f FROM conversations`)).rows[0];
    expect(conv.f).toBe(0);
    expect(conv.q).toBeLessThan(before);
  });

  test('however batch sizes vary, the writers prepare a bounded set of statements (native memory V8 does not see), and every row lands', async () => {
    // One statement text per batch size held ~200 MB of compiled statements in a soak; SQLite
    // batches are now cut into power-of-two chunks (multi-row-insert.ts).
    const tier = new PostgresTier(db, { refused: { isRefusal: () => false, deadLetter: async () => undefined } });
    let n = 0;
    const round = async (sizes: number[]) => {
      for (const size of sizes) {
        const ids = Array.from({ length: size }, () => `x${n++}`);
        await writeTurnEvents(
          db,
          ids.map((id) => turnEvent(id, `s-${id}`)),
        );
        await writeConversations(
          db,
          ids.map((id) => snapshot(`s-${id}`, 1, {})),
          weights,
        );
        await writeExposures(
          db,
          ids.map((id) => ({ experimentId: 'greeting', sessionId: `s-${id}`, variant: 'a', configVersion: 1, exposedAt: new Date() })),
        );
        await writeFeedback(
          db,
          ids.map((id) => ({
            id: `f-${id}`,
            receivedAt: new Date(),
            sessionId: `s-${id}`,
            kind: 'thumbs' as const,
            score: 1,
            normalizedScore: 1,
            commentEntities: [],
            languageCode: 'en',
            region: 'local',
          })),
          weights,
        );
        for (const id of ids) await tier.set(`k-${id}`, { analyzer: 'local' }, 60);
        expect(await tier.queue.drain(5_000)).toBe(0);
      }
    };
    await round(Array.from({ length: 130 }, (_, i) => i + 1));
    const afterFirst = db.statementCacheUsage().entries;
    await round(Array.from({ length: 130 }, (_, i) => 131 + i * 3));
    expect(db.statementCacheUsage().entries).toBe(afterFirst);
    tier.queue.stop();
    expect(afterFirst).toBeLessThan(db.statementCacheUsage().maxEntries / 2);
    for (const table of ['turn_events', 'conversations', 'experiment_exposures', 'feedback', 'nlp_cache_entries']) {
      expect((await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n).toBe(n);
    }
  });

  test('a value of the wrong type is refused as the fault of the record (dead-lettered, not retried forever)', async () => {
    const bad = { ...turnEvent('t9', 's9'), latencyMs: 1.5 };
    const error = await writeTurnEvents(db, [bad]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/cannot store REAL value in INTEGER column turn_events.latency_ms/);
    expect(isRefusedByPostgres(error)).toBe(true);
    expect(isRefusedByPostgres(new Error('connection reset'))).toBe(false);
  });

  test('L3 entries expire; maintenance purges expired entries and turn events past retention', async () => {
    const tier = new PostgresTier(db, { refused: { isRefusal: () => false, deadLetter: async () => undefined } });
    await tier.set('k1', { analyzer: 'local', sentiment: { score: 0.5, magnitude: 0.5 } }, 3600);
    await tier.set('k2', { analyzer: 'local' }, 1);
    expect(await tier.queue.drain(2_000)).toBe(0);
    tier.queue.stop();
    expect(await tier.get('k1')).toEqual({ analyzer: 'local', sentiment: { score: 0.5, magnitude: 0.5 } });
    await writeTurnEvents(db, [turnEvent('old', 's1', new Date(Date.UTC(2020, 0, 1))), turnEvent('new', 's1')]);
    const later = new Date(Date.now() + 5_000);
    const result = await runMaintenance(db, { turnEventsRetentionMonths: 13 }, later);
    expect(result.cacheRowsPurged).toBe(1);
    expect(await tier.get('k2')).toBeUndefined();
    expect((await db.query<{ id: string }>(`SELECT id FROM turn_events`)).rows.map((r) => r.id)).toEqual(['new']);
  });

  test('transactions never interleave on the one connection', async () => {
    const order: string[] = [];
    await Promise.all([
      db.withSession(async (s) => {
        await s.query('BEGIN');
        order.push('a-begin');
        await new Promise((r) => setTimeout(r, 30));
        await s.query('COMMIT');
        order.push('a-commit');
      }),
      db.withSession(async (s) => {
        await s.query('BEGIN');
        order.push('b-begin');
        await s.query('COMMIT');
        order.push('b-commit');
      }),
      db.query('SELECT 1 AS one').then(() => order.push('query')),
    ]);
    expect(order).toEqual(['a-begin', 'a-commit', 'b-begin', 'b-commit', 'query']);
  });

  test('the runtime on embedded defaults writes its turn log and conversations there', async () => {
    const rt = await startRuntime({ DATABASE_MODE: 'embedded' });
    try {
      expect(rt.database?.kind).toBe('sqlite');
      expect(rt.readiness.report().degradations).toContain('database-embedded');
      const session = 'projects/p/locations/global/agents/a/sessions/embedded-1';
      const res = await rt.post('/webhook/cx', cxRequest('I lost my card', 'enrich', { sessionInfo: { session, parameters: {} } }));
      expect(res.status).toBe(200);
      await Promise.all(rt.queues.map((q) => q.drain(5_000)));
      expect((await rt.database!.query(`SELECT count(*) AS n FROM turn_events WHERE session_id = $1`, [session])).rows[0]).toEqual({
        n: 1,
      });
      expect((await rt.database!.query(`SELECT turns FROM conversations WHERE session_id = $1`, [session])).rows[0]).toEqual({ turns: 1 });
    } finally {
      await rt.close(2_000);
    }
  });

  test('runtime flags are not polled from the embedded database: the responder writes them to Postgres only', async () => {
    // Polled every 20 ms here: against SQLite each read failed (no runtime_flags table, Postgres SQL)
    // and logged "runtime flags not read" on every poll.
    const rt = await startRuntime({ DATABASE_MODE: 'embedded' }, { flagsPollMs: 20 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(rt.logs.lines.filter((l) => String(l.message).startsWith('runtime flags not read'))).toEqual([]);
      expect(rt.readiness.report().degradations).not.toContain('nlp-forced-local');
    } finally {
      await rt.close(2_000);
    }
  });
});

describe('schema parity with Postgres', () => {
  let postgres: PostgresServer;
  beforeAll(async () => {
    postgres = await PostgresServer.start();
  });
  afterAll(async () => postgres?.destroy());

  test('every table has the same columns, in the same order, on both', async () => {
    const pg = new PostgresDatabase({ url: postgres.url });
    const lite = SqliteDatabase.open();
    try {
      await migrate(pg);
      await migrate(lite);
      const tables = [
        'schema_migrations',
        'nlp_cache_entries',
        'turn_events',
        'conversations',
        'feedback',
        'experiment_exposures',
        'write_dead_letters',
      ];
      for (const table of tables) {
        const pgColumns = (
          await pg.query<{ column_name: string }>(
            `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
            [table],
          )
        ).rows.map((r) => r.column_name);
        const liteColumns = (await lite.query<{ name: string }>(`SELECT name FROM pragma_table_info($1)`, [table])).rows.map((r) => r.name);
        expect({ table, columns: liteColumns }).toEqual({ table, columns: pgColumns });
        expect(pgColumns.length).toBeGreaterThan(0);
      }
    } finally {
      await pg.close();
      await lite.close();
    }
  });
});
