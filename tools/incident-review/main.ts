import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../constructs/core/runbooks';
import { renderReview } from '../../runtime/src/incident/review';
import { PostgresIncidentStore } from '../../runtime/src/incident/store';
import { openDatabase } from '../../runtime/src/storage/database';

const USAGE = `npm run incident:review -- --incident <id> --database-url <url> [--out <file.md>] [--runbook-base-url <url>] [--iam-auth]
npm run incident:review -- --list --database-url <url>

Renders the post-incident review (Markdown) of a stored incident from its timeline, alerts, impact
figures and action audit, as the responder stored them in Postgres. Without --out it prints it.
--list prints the announced incidents, newest first. --iam-auth sends a Cloud SQL IAM token as the
password (your gcloud application-default credentials).`;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        incident: { type: 'string' },
        list: { type: 'boolean' },
        'database-url': { type: 'string' },
        out: { type: 'string' },
        'runbook-base-url': { type: 'string' },
        'iam-auth': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const { values } = parsed;
  if (values.help) return console.log(USAGE);
  const url = values['database-url'];
  if (!url || (!values.incident && !values.list)) {
    console.error(USAGE);
    process.exit(2);
  }
  const db = await openDatabase({ url, iamAuth: values['iam-auth'], maxConnections: 2 });
  try {
    const store = new PostgresIncidentStore(db);
    if (values.list) {
      for (const i of await store.list())
        console.log(`${i.id}\t${i.state}\t${i.severity}\t${new Date(i.openedAt * 1000).toISOString()}\t${i.key}`);
      return;
    }
    const incident = await store.load(values.incident!);
    if (!incident) {
      console.error(`no incident ${values.incident} in that database (npm run incident:review -- --list)`);
      process.exitCode = 1;
      return;
    }
    const review = renderReview(incident, { runbookBaseUrl: values['runbook-base-url'] ?? DEFAULT_RUNBOOK_BASE_URL });
    if (values.out) writeFileSync(values.out, review);
    else process.stdout.write(review);
  } finally {
    await db.close();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
