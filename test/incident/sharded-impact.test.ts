/**
 * Impact and burn rates over a sharded turn log (DATABASE_SHARD_URLS), on two real PostgreSQL
 * servers: each session's turns on the shard the webhook routes it to (`shardFor`), and the same
 * rows in one unsharded reference database. Sharded figures must equal the reference (sums of
 * counts, never averages of per-shard ratios); a shard that is down gives a result marked partial
 * (lower bounds, named shards), and no shard at all rejects (impact unknown).
 */
import { Diagnostics } from '../../runtime/src/incident/diagnostics';
import { TurnLogImpact, describeImpact } from '../../runtime/src/incident/impact';
import { renderReview } from '../../runtime/src/incident/review';
import { ResponderEnv, responderShardUrls } from '../../runtime/src/incident/responder-env';
import { Database, openDatabase } from '../../runtime/src/storage/database';
import { migrate } from '../../runtime/src/storage/migrations';
import { shardFor } from '../../runtime/src/storage/shard-router';
import { NoShardReadable } from '../../runtime/src/storage/shard-reads';
import { PostgresServer } from '../runtime/support/local-servers';
import { testRules } from './support/test-rules';

const RULES = testRules('acme-convai-test', 'rules');

/** The incident: 10 minutes ending at END; burn rates are read at END. */
const END = new Date('2026-12-04T16:30:00Z');
const START = new Date(END.getTime() - 10 * 60_000);

interface Turn {
  readonly id: string;
  readonly at: Date;
  readonly session: string;
  readonly degraded: boolean;
  readonly latencyMs: number;
  readonly region: string;
}

/**
 * Sessions are skewed by shard so that averaging per-shard ratios would be wrong: shard 0's
 * sessions are long and mostly healthy, shard 1's short and mostly degraded or slow. Older turns
 * (inside the 30-day SLO window, before the incident) make the budget's base.
 */
function turns(): Turn[] {
  const out: Turn[] = [];
  const regions = ['us-central1', 'europe-west1', 'asia-northeast1'];
  for (let s = 0; s < 60; s++) {
    const session = `projects/p/locations/global/agents/a/sessions/s-${s}`;
    const shard = shardFor(session, 2);
    const count = shard === 0 ? 9 : 3;
    for (let t = 0; t < count; t++) {
      const at = new Date(START.getTime() + ((s * 7 + t * 13) % 590) * 1000);
      const bad = shard === 0 ? t === 0 && s % 3 === 0 : t < 2;
      out.push({
        id: `t-${s}-${t}`,
        at,
        session,
        degraded: bad && t % 2 === 0,
        latencyMs: bad && t % 2 === 1 ? 1500 : bad && s % 2 === 0 ? 1200 : 120,
        // Shard 1's sessions only in asia: the union of regions must include it.
        region: shard === 1 ? 'asia-northeast1' : regions[s % 2],
      });
    }
    // History: two healthy turns a day earlier.
    for (let h = 0; h < 2; h++) {
      out.push({
        id: `h-${s}-${h}`,
        at: new Date(START.getTime() - 86_400_000 + h * 1000),
        session,
        degraded: false,
        latencyMs: 100,
        region: 'us-central1',
      });
    }
  }
  return out;
}

async function insert(db: Database, rows: readonly Turn[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map(
    (r) =>
      `('${r.id}', '${r.at.toISOString()}', '${r.session}', 'r-${r.id}', 'cx', 'enrich', 'en', '', false, ${r.degraded}, 'api', ${r.latencyMs}, '${r.region}')`,
  );
  await db.query(
    `INSERT INTO turn_events (id, created_at, session_id, response_id, protocol, tag, language_code, text_redacted, no_match, degraded, nlp_source, latency_ms, region) VALUES ${values.join(',')}`,
  );
}

describe('impact over a sharded turn log (two real Postgres servers)', () => {
  let servers: PostgresServer[] = [];
  let shards: Database[] = [];
  let reference: Database;
  const all = turns();

  beforeAll(async () => {
    servers = await Promise.all([PostgresServer.start(), PostgresServer.start()]);
    await servers[0].sql('CREATE DATABASE reference');
    shards = await Promise.all(servers.map((s) => openDatabase({ url: s.url, maxConnections: 2 })));
    reference = await openDatabase({ url: servers[0].url.replace(/\/postgres$/, '/reference'), maxConnections: 2 });
    for (const db of [...shards, reference]) await migrate(db);
    await insert(reference, all);
    for (let shard = 0; shard < 2; shard++)
      await insert(
        shards[shard],
        all.filter((t) => shardFor(t.session, 2) === shard),
      );
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...shards, reference].map((db) => db?.close().catch(() => undefined)));
    await Promise.all(servers.map((s) => s.destroy()));
  });

  test('the data really is split over both shards, skewed', async () => {
    const counts = await Promise.all(
      shards.map(async (db) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM turn_events')).rows[0].n)),
    );
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(counts[0] + counts[1]).toBe(all.length);
  });

  test('measure over both shards equals one database holding every row, and the sum of the shards’ counts', async () => {
    const sharded = await new TurnLogImpact(shards, RULES.slo).measure(START, END);
    const single = await new TurnLogImpact(reference, RULES.slo).measure(START, END);
    const parts = await Promise.all(shards.map((db) => new TurnLogImpact(db, RULES.slo).measure(START, END)));

    expect(sharded).toEqual({ ...single, shards: 2 });
    expect(sharded.unreadShards).toBeUndefined();
    for (const key of ['affectedTurns', 'affectedSessions', 'totalTurns'] as const) {
      expect(sharded[key]).toBe(parts[0][key] + parts[1][key]);
    }
    expect(sharded.regions).toEqual([...new Set([...parts[0].regions, ...parts[1].regions])].sort());
    // A ratio of sums, not an average of the shards' ratios (the data is skewed so the two differ).
    expect(sharded.shareOfTraffic).toBeCloseTo(sharded.affectedTurns / sharded.totalTurns, 12);
    expect(Math.abs(sharded.shareOfTraffic - (parts[0].shareOfTraffic + parts[1].shareOfTraffic) / 2)).toBeGreaterThan(0.05);
    expect(sharded.affectedTurns).toBeGreaterThan(0);
    expect(describeImpact(sharded)).toBe(describeImpact(single));
  });

  test('burn rates over both shards equal the single database’s', async () => {
    const sharded = await new TurnLogImpact(shards, RULES.slo).burnRates(END);
    const single = await new TurnLogImpact(reference, RULES.slo).burnRates(END);
    expect(sharded).toEqual(single);
    expect(sharded.turns['3600']).toBe(all.filter((t) => t.at > new Date(END.getTime() - 3_600_000) && t.at <= END).length);
  });

  describe('one shard down', () => {
    beforeAll(() => servers[1].stop(), 60_000);

    test('impact is marked partial, names the shard, and counts only what was read (lower bounds)', async () => {
      const partial = await new TurnLogImpact(shards, RULES.slo).measure(START, END);
      const shard0 = await new TurnLogImpact(shards[0], RULES.slo).measure(START, END);
      expect(partial).toEqual({ ...shard0, shards: 2, unreadShards: [1] });
      const text = describeImpact(partial);
      expect(text).toMatch(
        /^User impact: PARTIAL, 1 of 2 turn-log shards unreadable \(shard 1: their conversations are not counted\)\. At least \d+ conversations/,
      );
      expect(text).toContain('on the readable shards');
    });

    test('burn rates and the diagnostics snapshot say partial; the review says which shards were measured', async () => {
      const turnLog = new TurnLogImpact(shards, RULES.slo);
      const burn = await turnLog.burnRates(END);
      expect(burn.unreadShards).toEqual([1]);
      const snapshot = await new Diagnostics({ rules: RULES, turnLog }).snapshot({
        incidentId: 'inc-x',
        alerts: [],
        openedAt: START.getTime() / 1000,
        now: END.getTime() / 1000,
      });
      expect(snapshot.summary).toMatch(/burn now: partial, shard 1 unreadable \(rates of the other shards\): latency /);

      const impact = await turnLog.measure(START, END);
      const review = renderReview(
        {
          id: 'inc-x',
          key: 'webhook-nlp',
          severity: 'page',
          state: 'resolved',
          openedAt: START.getTime() / 1000,
          announcedAt: START.getTime() / 1000,
          resolvedAt: END.getTime() / 1000,
          alerts: [],
          timeline: [],
          actions: [],
          impact,
        } as never,
        { runbookBaseUrl: 'https://example.invalid/runbooks' },
      );
      expect(review).toContain('| Measured on | 1 of 2 shards (shard 1 unreadable: counts are lower bounds) |');
    });

    test('no shard readable: measure and burn rates reject (impact unknown), the snapshot still renders', async () => {
      const downOnly = new TurnLogImpact([shards[1]], RULES.slo);
      await expect(new TurnLogImpact([shards[1], shards[1]], RULES.slo).measure(START, END)).rejects.toBeInstanceOf(NoShardReadable);
      await expect(new TurnLogImpact([shards[1], shards[1]], RULES.slo).burnRates(END)).rejects.toThrow(
        /turn log burn rates: no shard could be read \(shard 0: .*; shard 1: /,
      );
      const snapshot = await new Diagnostics({ rules: RULES, turnLog: downOnly }).snapshot({
        incidentId: 'inc-x',
        alerts: [],
        openedAt: START.getTime() / 1000,
        now: END.getTime() / 1000,
      });
      expect(snapshot.summary).toMatch(/burn now: unknown \(turn log burn rates: no shard could be read/);
    });
  });
});

describe('the responder’s database env', () => {
  const base = {
    INCIDENT_RULES_JSON: '{}',
    CHAT_WEBHOOK_URL: 'https://chat.example.invalid/hook',
    PUSH_AUDIENCE: 'aud',
    PUSH_SERVICE_ACCOUNT: 'push@acme.iam.gserviceaccount.com',
  };
  const s0 = 'postgres://responder%40acme.iam@10.0.0.4:5432/webhook?sslmode=verify-full';
  const s1 = 'postgres://responder%40acme.iam@10.0.0.5:5432/webhook?sslmode=verify-full';
  const issues = (env: Record<string, string>) => {
    const parsed = ResponderEnv.safeParse({ ...base, ...env });
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  test('DATABASE_SHARD_URLS gives every shard; DATABASE_URL alone is one shard; neither is no database', () => {
    const sharded = ResponderEnv.parse({ ...base, DATABASE_URL: s0, DATABASE_SHARD_URLS: JSON.stringify([s0, s1]) });
    expect(responderShardUrls(sharded)).toEqual([s0, s1]);
    expect(responderShardUrls(ResponderEnv.parse({ ...base, DATABASE_SHARD_URLS: JSON.stringify([s0, s1]) }))).toEqual([s0, s1]);
    expect(responderShardUrls(ResponderEnv.parse({ ...base, DATABASE_URL: s0 }))).toEqual([s0]);
    expect(responderShardUrls(ResponderEnv.parse(base))).toEqual([]);
  });

  test('a bad DATABASE_SHARD_URLS is refused, naming the variable', () => {
    expect(issues({ DATABASE_URL: s1, DATABASE_SHARD_URLS: JSON.stringify([s0, s1]) })).toEqual([
      'DATABASE_SHARD_URLS: must start with DATABASE_URL when both are set (DATABASE_URL is shard 0)',
    ]);
    expect(issues({ DATABASE_SHARD_URLS: 'not json' })).toEqual([
      'DATABASE_SHARD_URLS: must be a JSON array of postgres:// URLs, in shard order',
    ]);
    expect(issues({ DATABASE_SHARD_URLS: '["mysql://x"]' })).toEqual(['DATABASE_SHARD_URLS.0: each shard is a postgres:// URL']);
    expect(issues({ DATABASE_SHARD_URLS: JSON.stringify([s0, s0]) })).toEqual([
      'DATABASE_SHARD_URLS: lists a shard twice: each URL is one shard',
    ]);
  });
});
