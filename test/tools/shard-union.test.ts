import { collectAnalytics } from '../../tools/analytics/collect';
import { parseArgs } from '../../tools/analytics/options';
import { variantData } from '../../tools/experiments/experiment-data';
import { readOnlySnapshot } from '../../tools/improvement/read-only-snapshot';
import { ShardUnion, openReportDatabase } from '../../tools/improvement/shard-union';
import { DEFAULT_QUALITY_WEIGHTS } from '../../runtime/src/quality/quality-score';
import { ConversationSnapshot } from '../../runtime/src/quality/conversation-tracker';
import { Database, PostgresDatabase } from '../../runtime/src/storage/database';
import { writeConversations } from '../../runtime/src/storage/conversation-writer';
import { writeExposures } from '../../runtime/src/storage/exposure-writer';
import { writeFeedback } from '../../runtime/src/storage/feedback-writer';
import { migrate } from '../../runtime/src/storage/migrations';
import { shardFor } from '../../runtime/src/storage/shard-router';
import { writeTurnEvents } from '../../runtime/src/storage/turn-event-writer';
import { TurnEvent } from '../../runtime/src/storage/turn-event-writer';
import { PostgresServer } from '../runtime/support/local-servers';

/**
 * The improvement tools on a sharded turn log, against three real PostgreSQL servers: two shards
 * written as the runtime routes sessions, and one database holding all the same rows. Every
 * report must read the same on the union of the shards as on the single database.
 */
const weights = DEFAULT_QUALITY_WEIGHTS;
const DAY = Date.UTC(2026, 10, 10);
const period = { from: new Date(DAY - 3 * 86_400_000), to: new Date(DAY + 86_400_000) };

function rows(i: number) {
  const session = `projects/p/locations/global/agents/a/sessions/u-${i}`;
  const at = new Date(DAY - (i % 3) * 86_400_000 + i * 1000);
  const turns = 1 + (i % 4);
  const events: TurnEvent[] = Array.from({ length: turns }, (_, t) => ({
    id: `${i}-${t}`,
    createdAt: new Date(at.getTime() + t * 1000),
    sessionId: session,
    responseId: `r-${i}-${t}`,
    protocol: 'cx',
    tag: 'enrich',
    languageCode: 'en',
    intent: ['card_lost', 'refund', 'top_up'][i % 3],
    page: 'Start',
    textRedacted: 'text',
    noMatch: t === 1 && i % 2 === 0,
    degraded: false,
    degradedReasons: [],
    nlpSource: 'local',
    latencyMs: 10,
    region: 'local',
    repeated: false,
    lowConfidence: i % 5 === 0,
    escalated: false,
    qualityScore: 0.5,
    experiments: { greeting: i % 2 ? 'a' : 'b' },
  }));
  const conversation: ConversationSnapshot = {
    sessionId: session,
    startedAt: at,
    updatedAt: new Date(at.getTime() + turns * 1000),
    languageCode: 'en',
    firstTag: 'enrich',
    lastTag: 'enrich',
    lastIntent: events[turns - 1].intent,
    environment: 'draft',
    turns,
    noMatchTurns: events.filter((e) => e.noMatch).length,
    lowConfidenceTurns: 0,
    repeatedTurns: 0,
    escalated: i % 7 === 0,
    ended: true,
    components: { noMatch: 0.8, sentiment: 0.4 } as ConversationSnapshot['components'],
    experiments: { greeting: i % 2 ? 'a' : 'b' },
  };
  const feedback = {
    id: `f-${i}`,
    receivedAt: new Date(at.getTime() + 60_000),
    sessionId: session,
    responseId: `r-${i}-0`,
    kind: (i % 3 === 0 ? 'csat' : 'thumbs') as 'csat' | 'thumbs',
    score: i % 3 === 0 ? (i % 5) + 1 : i % 2,
    normalizedScore: i % 3 === 0 ? (i % 5) / 4 : i % 2,
    commentRedacted: i % 2 ? undefined : 'the card is blocked',
    commentEntities: i % 2 ? [] : ['card'],
    languageCode: 'en',
    region: 'local',
  };
  const exposure = { experimentId: 'greeting', sessionId: session, variant: i % 2 ? 'a' : 'b', configVersion: 1, exposedAt: at };
  return { session, events, conversation, feedback, exposure };
}

async function write(db: Database, data: Array<ReturnType<typeof rows>>): Promise<void> {
  if (data.length === 0) return;
  await writeTurnEvents(
    db,
    data.flatMap((d) => d.events),
  );
  await writeConversations(
    db,
    data.map((d) => d.conversation),
    weights,
  );
  await writeExposures(
    db,
    data.map((d) => d.exposure),
  );
  await writeFeedback(
    db,
    data.map((d) => d.feedback),
    weights,
  );
}

/** Numbers to 12 significant digits: a variance summed in another row order differs in the last bits. */
function rounded(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v));
}

describe('improvement tools across shards', () => {
  let servers: PostgresServer[];
  let shards: PostgresDatabase[];
  let single: PostgresDatabase;

  beforeAll(async () => {
    servers = await Promise.all([PostgresServer.start(), PostgresServer.start(), PostgresServer.start()]);
    shards = [new PostgresDatabase({ url: servers[0].url }), new PostgresDatabase({ url: servers[1].url })];
    single = new PostgresDatabase({ url: servers[2].url });
    await Promise.all([...shards, single].map((db) => migrate(db)));
    const data = Array.from({ length: 60 }, (_, i) => rows(i));
    await write(single, data);
    for (const s of [0, 1])
      await write(
        shards[s],
        data.filter((d) => shardFor(d.session, 2) === s),
      );
    // Both shards hold data: otherwise the comparison would prove nothing.
    for (const s of [0, 1])
      expect(Number((await shards[s].query('SELECT count(*)::int AS n FROM conversations')).rows[0].n)).toBeGreaterThan(10);
  });
  afterAll(async () => {
    await Promise.all([...(shards ?? []), single].filter(Boolean).map((db) => db.close()));
    await Promise.all((servers ?? []).map((s) => s.destroy()));
  });

  test('the analytics report reads the same on the union of two shards as on one database', async () => {
    const union = new ShardUnion(shards, { period });
    const sharded = await collectAnalytics(union, period);
    const whole = await collectAnalytics(single, period);
    expect(sharded.summary.turns).toBeGreaterThan(0);
    expect(sharded).toEqual(whole);
    // Nothing was left behind on the coordinator: its real tables only hold its own sessions.
    expect(Number((await shards[0].query('SELECT count(*)::int AS n FROM turn_events')).rows[0].n)).toBeLessThan(sharded.summary.turns);
  });

  test('the experiment report reads every exposed session, whichever shard holds it', async () => {
    const union = new ShardUnion(shards, { experiments: ['greeting'] });
    const read = async (db: Database) => rounded(await readOnlySnapshot(db, '1min', (q) => variantData(q, 'greeting', [1])));
    const sharded = await read(union);
    expect(JSON.stringify(sharded)).toContain('"exposures":');
    expect(sharded).toEqual(await read(single));
  });

  test('a session split by a shard addition counts once: the conversation with the most turns wins', async () => {
    const moved = rows(1003); // four turns: one written before the shard was added, three after
    await write(shards[0], [{ ...moved, events: moved.events.slice(0, 1), conversation: { ...moved.conversation, turns: 1 } }]);
    await write(shards[1], [{ ...moved, events: moved.events.slice(1) }]);
    const union = new ShardUnion(shards, { period });
    const conversations = await union.withSession((q) =>
      q.query<{ turns: number }>('SELECT turns FROM conversations WHERE session_id = $1', [moved.session]),
    );
    expect(conversations.rows).toEqual([{ turns: moved.conversation.turns }]);
    const turns = await union.withSession((q) =>
      q.query<{ n: number }>('SELECT count(*)::int AS n FROM turn_events WHERE session_id = $1', [moved.session]),
    );
    expect(turns.rows[0].n).toBe(moved.events.length);
  });

  test('options: --shard-urls or DATABASE_SHARD_URLS name the shards; one URL reads that database directly', () => {
    const urls = [servers[0].url, servers[1].url];
    expect(parseArgs([], { DATABASE_SHARD_URLS: JSON.stringify(urls) }).databaseUrls).toEqual(urls);
    expect(parseArgs(['--shard-urls', JSON.stringify(urls)], {}).databaseUrls).toEqual(urls);
    expect(parseArgs(['--database-url', urls[0]], { DATABASE_SHARD_URLS: JSON.stringify(urls) }).databaseUrls).toEqual([urls[0]]);
    expect(() => parseArgs(['--shard-urls', '[]'], {})).toThrow(/must be a non-empty JSON array of postgres:\/\/ URLs/);
    expect(() => parseArgs(['--shard-urls', 'nope'], {})).toThrow(/is not JSON/);
    const one = openReportDatabase([urls[0]], { period });
    expect(one).toBeInstanceOf(PostgresDatabase);
    return one.close();
  });
});
