/**
 * Every SQL query in the support knowledge base (and the troubleshooting pages) runs against a real
 * Postgres with the webhook's migrations applied, on tables holding one turn, conversation,
 * rating and exposure — so a renamed column or a typo in an article fails here, not in front of a
 * customer. `\set name 'value'` lines are psql variables: they are substituted as psql would
 * (`:'name'` becomes a quoted literal).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { migrate } from '../../runtime/src/storage/migrations';
import { PostgresServer } from '../runtime/support/local-servers';
import { REPO_ROOT, filesUnder } from './doc-sources';

interface Query {
  readonly file: string;
  readonly sql: string;
}

/** The ```sql blocks of the pages, with psql variables substituted. */
function queries(): Query[] {
  const dirs = ['knowledge-base', 'troubleshooting'].map((d) => path.join(REPO_ROOT, 'docs', d));
  return dirs.flatMap((dir) =>
    filesUnder(dir, '.md').flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/^```sql\n([\s\S]*?)^```/gm)].map((m) => {
        const vars = new Map<string, string>();
        const body = m[1]
          .split('\n')
          .filter((line) => {
            const set = /^\\set (\w+) '(.*)'$/.exec(line.trim());
            if (set) vars.set(set[1], set[2]);
            return !set;
          })
          .join('\n');
        const sql = body.replace(/:'(\w+)'/g, (_, name: string) => {
          if (!vars.has(name)) throw new Error(`${path.relative(REPO_ROOT, file)}: :'${name}' has no \\set line`);
          return `'${vars.get(name)!.replace(/'/g, "''")}'`;
        });
        return { file: path.relative(REPO_ROOT, file), sql: sql.trim().replace(/;$/, '') };
      }),
    ),
  );
}

const SESSION = 'projects/acme-bank/locations/global/agents/banking-assistant/environments/production/sessions/replay-7-180';

describe('knowledge-base SQL', () => {
  let postgres: PostgresServer;
  let db: PostgresDatabase;
  const all = queries();

  beforeAll(async () => {
    postgres = await PostgresServer.start();
    db = new PostgresDatabase({ url: postgres.url });
    await migrate(db);
    // One row in each table, so the queries also run on data (aggregates, unnest, filters).
    await postgres.sql(
      `INSERT INTO turn_events (id, created_at, session_id, response_id, protocol, tag, language_code, intent, page, text_redacted,
         sentiment_score, no_match, degraded, degraded_reasons, nlp_source, latency_ms, region, escalated)
       VALUES ('t1', now(), $1, 'replay-7-180-0', 'cx', 'sentiment-escalation', 'en', 'request_refund', 'Cards',
         'I want a refund', -0.4, false, true, '{nlp-timeout}', 'local', 1200, 'us-central1', false)`,
      [SESSION],
    );
    await postgres.sql(
      `INSERT INTO conversations (session_id, started_at, updated_at, language_code, first_tag, last_tag, environment, turns,
         no_match_turns, low_confidence_turns, repeated_turns, escalated, quality_components, quality_score)
       VALUES ($1, now(), now(), 'en', 'enrich', 'enrich', 'production', 3, 1, 0, 0, true, '{}', 0.5)`,
      [SESSION],
    );
    await postgres.sql(
      `INSERT INTO feedback (id, received_at, session_id, kind, score, normalized_score, language_code, region)
       VALUES ('f1', now(), $1, 'thumbs', 0, 0, 'en', 'us-central1')`,
      [SESSION],
    );
    await postgres.sql(
      `INSERT INTO experiment_exposures (experiment_id, session_id, variant, config_version, exposed_at) VALUES ('e1', $1, 'control', 1, now())`,
      [SESSION],
    );
  });

  afterAll(async () => {
    await db?.close();
    await postgres?.destroy();
  });

  test('the pages hold queries (the extraction works)', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  test.each(queries().map((q, i) => [`${q.file} #${i}`, q] as const))('%s runs', async (_, q) => {
    await expect(postgres.sql(q.sql)).resolves.toBeDefined();
  });

  test('the queries are read-only', () => {
    const writes = all.filter((q) => /\b(INSERT|UPDATE|DELETE|DROP|ALTER|TRUNCATE|CREATE)\b/i.test(q.sql)).map((q) => q.file);
    expect(writes).toEqual([]);
  });
});
