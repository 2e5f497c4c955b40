import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { ALERT_DEPENDENCIES, incidentRules } from '../../constructs/incident-response/alert-dependencies';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../constructs/core/runbooks';
import { TurnLogImpact } from '../../runtime/src/incident/impact';
import { Alert, parseNotification } from '../../runtime/src/incident/notification';
import { replayAlerts } from '../../runtime/src/incident/replay';
import { IncidentResponder } from '../../runtime/src/incident/responder';
import { parseRules } from '../../runtime/src/incident/rules';

const USAGE = `npm run incident:replay -- <notifications.jsonl> [--database-url <url>] [--rules <rules.json>] [--verbose]

Feeds Cloud Monitoring Pub/Sub notifications (one JSON per line) through the incident responder on
a virtual clock (each at incident.started_at, or ended_at when closed) and prints one JSON line:
{"alerts":N,"incidents":N,"notifications":N,"inhibited":N,"actions":N}. With --database-url the
turn log gives the impact figures; without, impact is "unknown". Actions run dry. --verbose also
prints every message and each incident's timeline to stderr.`;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { 'database-url': { type: 'string' }, rules: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean' } },
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
  const rules = parseRules(
    values.rules
      ? JSON.parse(readFileSync(values.rules, 'utf8'))
      : // The reference platform's wiring: every kind SloAlerting alerts on, its default SLOs.
        incidentRules({
          kinds: Object.keys(ALERT_DEPENDENCIES),
          project: 'replay',
          runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
          latencyObjective: 95,
          latencyThresholdMs: 800,
          windowDays: 30,
        }),
    values.rules ?? 'default rules',
  );
  const alerts: Alert[] = readFileSync(positionals[0], 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      try {
        return parseNotification(JSON.parse(line));
      } catch (error) {
        throw new Error(`${positionals[0]}:${i + 1}: ${(error as Error).message}`);
      }
    });
  const pool = values['database-url'] ? new Pool({ connectionString: values['database-url'], max: 2 }) : undefined;
  const responder = new IncidentResponder({
    rules,
    dryRun: true,
    impact: pool
      ? new TurnLogImpact({ query: async (sql, params) => ({ rows: (await pool.query(sql, params)).rows }) }, rules.slo)
      : undefined,
    notify: async (m) => {
      if (values.verbose) process.stderr.write(`--- message ${m.incident} ${m.change}\n${m.text}\n`);
    },
  });
  await replayAlerts(responder, alerts);
  if (values.verbose) {
    for (const incident of responder.incidents) {
      process.stderr.write(`--- timeline ${incident.id} ${incident.key} (${incident.state})\n`);
      for (const entry of incident.timeline) process.stderr.write(`${new Date(entry.at * 1000).toISOString()} ${entry.what}\n`);
    }
  }
  await pool?.end();
  console.log(JSON.stringify(responder.counts));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
