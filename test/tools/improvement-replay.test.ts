import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresServer } from '../runtime/support/local-servers';
import { REPLAY_UTTERANCES } from './support/replay-utterances';
import { replay } from '../../tools/improvement-replay/replay';

const REPO = join(__dirname, '..', '..');

/**
 * The replay plays BANKING77 through the real runtime process into a real Postgres; what it
 * stores is what the improvement reports read, so check it is there and plausible.
 */
describe('improvement:replay', () => {
  let postgres: PostgresServer;
  let rows: <T = any>(sql: string) => Promise<T[]>;

  beforeAll(async () => {
    postgres = await PostgresServer.start();
    rows = async (sql) => {
      const client = new Client({ connectionString: postgres.url });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
  });
  afterAll(() => postgres.destroy());

  test('stores turns, scored conversations, exposures and feedback written by the runtime, spread over the days asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const experiments = join(dir, 'experiments.json');
    writeFileSync(
      experiments,
      JSON.stringify({
        version: 1,
        experiments: [
          {
            id: 'escalation-threshold',
            variants: [
              { name: 'control', weight: 1 },
              { name: 'strict', weight: 1, settings: { negativeThreshold: -0.9 } },
            ],
            metrics: { primary: 'containment_rate', guardrails: ['csat'] },
          },
        ],
      }),
    );
    const summary = await replay({
      databaseUrl: postgres.url,
      repoRoot: REPO,
      utterances: REPLAY_UTTERANCES,
      conversations: 120,
      days: 10,
      seed: 3,
      experimentsFile: experiments,
    });
    expect(summary.conversations).toBe(120);

    const [counts] = await rows(`SELECT
        (SELECT count(*)::int FROM conversations) AS conversations,
        (SELECT count(*)::int FROM turn_events) AS turns,
        (SELECT count(*)::int FROM feedback) AS feedback,
        (SELECT count(*)::int FROM experiment_exposures) AS exposures,
        (SELECT count(*)::int FROM conversations WHERE escalated) AS escalated,
        (SELECT count(*)::int FROM conversations WHERE quality_score < 0 OR quality_score > 1) AS out_of_range,
        (SELECT count(DISTINCT date_trunc('day', started_at))::int FROM conversations) AS days,
        (SELECT count(*)::int FROM conversations WHERE started_at < now() - interval '10 days') AS too_old`);
    expect(counts).toMatchObject({
      conversations: 120,
      turns: summary.turns,
      feedback: summary.feedback,
      exposures: 120,
      escalated: summary.escalated,
      out_of_range: 0,
      too_old: 0,
    });
    expect(counts.days).toBeGreaterThanOrEqual(8);
    // ~35% of users rate; with 120 conversations that is 42 ± a few standard deviations.
    expect(summary.feedback).toBeGreaterThan(20);
    expect(summary.feedback).toBeLessThan(65);

    // The runtime's signals made it into the rows: misses on poorly trained intents, repeats, feedback folded in.
    const [signals] = await rows(`SELECT
        (SELECT count(*)::int FROM turn_events WHERE no_match) AS no_match,
        (SELECT count(*)::int FROM conversations WHERE feedback_score IS NOT NULL) AS rated,
        (SELECT count(*)::int FROM feedback WHERE experiments ? 'escalation-threshold') AS feedback_with_variant,
        (SELECT count(DISTINCT variant)::int FROM experiment_exposures) AS variants`);
    expect(signals.no_match).toBeGreaterThan(0);
    expect(signals.rated).toBeGreaterThan(0);
    expect(signals.feedback_with_variant).toBe(summary.feedback);
    expect(signals.variants).toBe(2);
  });
});
