import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseRules } from '../../runtime/src/incident/rules';
import { runReplay } from './replay-run';

const USAGE = `npm run incident:replay -- <notifications.jsonl> [--database-url <url>] [--review-dir <dir>] [--rules <rules.json>] [--verbose]

Feeds Cloud Monitoring Pub/Sub notifications (one JSON per line) through the incident responder on
a virtual clock (each at incident.started_at, or ended_at when closed) and prints one JSON line:
{"alerts":N,"incidents":N,"notifications":N,"inhibited":N,"actions":N}. Actions run dry: each
mitigation is recorded as what it would do. With --database-url the turn log gives the impact
figures and burn rates, and the incidents, their timelines and the action audit are stored there
(the responder's tables are created if missing; use a copy, not the database a live responder
resumes its open incidents from); without, impact is "unknown" and incidents stay in memory. --review-dir writes one post-incident review (Markdown) per announced incident. --verbose
also prints every message and each incident's timeline to stderr.`;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        'database-url': { type: 'string' },
        'review-dir': { type: 'string' },
        rules: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help) return console.log(USAGE);
  if (positionals.length !== 1) {
    console.error(USAGE);
    process.exit(2);
  }
  const result = await runReplay({
    file: positionals[0],
    rules: values.rules ? parseRules(JSON.parse(readFileSync(values.rules, 'utf8')), values.rules) : undefined,
    databaseUrl: values['database-url'],
    reviewDir: values['review-dir'],
  });
  if (values.verbose) {
    for (const m of result.messages) process.stderr.write(`--- message ${m.incident} ${m.change}\n${m.text}\n`);
    for (const incident of result.responder.incidents) {
      process.stderr.write(`--- timeline ${incident.id} ${incident.key} (${incident.state})\n`);
      for (const entry of incident.timeline) process.stderr.write(`${new Date(entry.at * 1000).toISOString()} ${entry.what}\n`);
    }
    for (const file of result.reviews) process.stderr.write(`--- review written: ${file}\n`);
  }
  console.log(JSON.stringify(result.counts));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
