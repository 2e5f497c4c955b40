import * as fs from 'node:fs';
import * as path from 'node:path';
import { BurnRate, humanDuration } from '../../../constructs/slo-alerting/burn-rate';
import { DatabaseFingerprint, compareFingerprints } from '../../dr-drill/fingerprint';
import { Exercise, edit, json, readLearnerJson, result, sameSet, writeFiles } from '../exercise';
import { synthLearnerStack } from '../learner-stack';
import { cloudRunStack } from './cloud-run-stack';
import { replayNotifications, rootCauseKinds } from './incident-replay';
import { notificationLines } from './notifications';

const brokenStack: Exercise = {
  id: 'ops-broken-stack',
  role: 'operations',
  title: 'A production stack the policy gate refuses',
  task: `stack.ts defines the production webhook service, and synth refuses it. \`npm run training -- check
ops-broken-stack\` synthesizes it and runs the policy pack as synth does: read which checks fail and why,
and fix the configuration (no suppressions: these defaults protect production). The service must stay
a production service named "webhook".`,
  docs: ['docs/troubleshooting/policy-checks.md', 'docs/troubleshooting/policy-gate.md', 'policies/README.md'],
  start: (dir) =>
    writeFiles(dir, { 'stack.ts': cloudRunStack({ serviceName: 'webhook', ingress: 'INGRESS_TRAFFIC_ALL', minInstances: 0 }) }),
  solve: (dir) => {
    edit(dir, 'stack.ts', "ingress: 'INGRESS_TRAFFIC_ALL'", "ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER'");
    edit(dir, 'stack.ts', 'minInstanceCount: 0', 'minInstanceCount: 1');
  },
  check: async (dir) => {
    const hints = [
      'Each violation names its check id: look it up in docs/troubleshooting/policy-checks.md for the fix.',
      'CKV_CONVAI_1 is about who can reach the service; CKV_CONVAI_2 about cold starts against the Dialogflow timeout.',
    ];
    const { stack, problem } = synthLearnerStack(dir);
    if (!stack) return result([problem!], hints);
    const problems = [...stack.violations];
    const service = stack.resources.google_cloud_run_v2_service?.webhook;
    if (!service || service.name !== 'webhook') problems.push('the Cloud Run service "webhook" is gone: fix it, do not remove it');
    else if (service.labels?.env !== 'prod')
      problems.push(`labels.env is ${service.labels?.env}: the service is production, keep env: 'prod'`);
    if (stack.suppressions.length > 0)
      problems.push(`suppressions recorded (${stack.suppressions.map((s) => s.check_id).join(', ')}): fix the configuration instead`);
    return result(problems, hints);
  },
};

const OBJECTIVE = 0.995;
const WINDOW_DAYS = 28;

const burnRateAlert: Exercise = {
  id: 'ops-burn-rate-alert',
  role: 'operations',
  title: 'A misconfigured burn-rate alert',
  task: `alerts.json was copied from a 30-day, 99.9% SLO onto a 28-day, 99.5% SLO and never adjusted.
For each alert, correct \`burnRateThreshold\`, \`errorRateThreshold\` (as a fraction) and the two
windows ("1h", "5m", "3d"...) so the alerts page and ticket at the SRE Workbook's budget shares
(2% of the budget in 1 h, 5% in 6 h, 10% in 3 days; short window 1/12 of the long one).`,
  docs: ['docs/monitoring/incident-response.md', 'docs/monitoring/runbooks/slo-availability-burn.md'],
  start: (dir) =>
    writeFiles(dir, {
      'alerts.json': json({
        slo: { objective: OBJECTIVE, windowDays: WINDOW_DAYS },
        alerts: [
          {
            severity: 'page',
            budgetConsumed: 0.02,
            longWindow: '1h',
            shortWindow: '5m',
            burnRateThreshold: 14.4,
            errorRateThreshold: 0.0144,
          },
          { severity: 'page', budgetConsumed: 0.05, longWindow: '6h', shortWindow: '30m', burnRateThreshold: 6, errorRateThreshold: 0.006 },
          { severity: 'ticket', budgetConsumed: 0.1, longWindow: '3d', shortWindow: '5m', burnRateThreshold: 1, errorRateThreshold: 0.001 },
        ],
      }),
    }),
  solve: (dir) => {
    const file = path.join(dir, 'alerts.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    doc.alerts = BurnRate.alerts(OBJECTIVE, WINDOW_DAYS).map((a) => ({
      severity: a.severity,
      budgetConsumed: a.budgetConsumed,
      longWindow: humanDuration(a.longWindowSeconds),
      shortWindow: humanDuration(a.shortWindowSeconds),
      burnRateThreshold: Number(a.burnRate.toFixed(3)),
      errorRateThreshold: Number(a.errorRateThreshold.toFixed(5)),
    }));
    fs.writeFileSync(file, json(doc));
  },
  check: async (dir) => {
    const hints = [
      'burn rate = budget share × period / long window; error rate = burn rate × (1 − objective).',
      'Compare with BurnRate.alerts in constructs/slo-alerting/burn-rate.ts once you have done it by hand.',
    ];
    const { value, problem } = readLearnerJson(dir, 'alerts.json');
    if (problem) return result([problem], hints);
    const problems: string[] = [];
    if (value.slo?.objective !== OBJECTIVE || value.slo?.windowDays !== WINDOW_DAYS)
      problems.push(`slo must stay ${OBJECTIVE} over ${WINDOW_DAYS} days: fix the alerts, not the objective`);
    const expected = BurnRate.alerts(OBJECTIVE, WINDOW_DAYS);
    const got: any[] = Array.isArray(value.alerts) ? value.alerts : [];
    if (got.length !== expected.length) problems.push(`alerts has ${got.length} entries; the multi-window scheme has ${expected.length}`);
    expected.forEach((e, i) => {
      const a = got[i] ?? {};
      const name = `alerts[${i}] (${e.severity}, ${e.budgetConsumed * 100}% of the budget)`;
      if (a.longWindow !== humanDuration(e.longWindowSeconds) || a.shortWindow !== humanDuration(e.shortWindowSeconds))
        problems.push(`${name}: windows ${a.longWindow}/${a.shortWindow} are wrong`);
      if (!(Math.abs(Number(a.burnRateThreshold) - e.burnRate) <= 0.01))
        problems.push(`${name}: burnRateThreshold ${a.burnRateThreshold} is wrong`);
      if (!(Math.abs(Number(a.errorRateThreshold) - e.errorRateThreshold) <= 0.0001))
        problems.push(`${name}: errorRateThreshold ${a.errorRateThreshold} is wrong`);
    });
    return result(problems, hints);
  },
};

const TRIAGE_SCENARIO = notificationLines([
  {
    id: 'deg-ew1',
    kind: 'webhook-degraded-replies',
    policy: 'webhook: more than 5% of turns degraded',
    severity: 'ticket',
    region: 'europe-west1',
    at: 0,
    closedAt: 1500,
  },
  {
    id: 'brk-ew1',
    kind: 'nlp-breaker-open',
    policy: 'webhook: Natural Language breaker open',
    severity: 'page',
    region: 'europe-west1',
    at: 40,
    closedAt: 1400,
  },
  {
    id: 'deg-uc1',
    kind: 'webhook-degraded-replies',
    policy: 'webhook: more than 5% of turns degraded',
    severity: 'ticket',
    region: 'us-central1',
    at: 60,
    closedAt: 1500,
  },
  {
    id: 'brk-uc1',
    kind: 'nlp-breaker-open',
    policy: 'webhook: Natural Language breaker open',
    severity: 'page',
    region: 'us-central1',
    at: 70,
    closedAt: 1400,
  },
  { id: 'lat', kind: 'slo-latency-burn', policy: 'webhook: latency SLO burn 1h', severity: 'page', at: 90, closedAt: 1600 },
  {
    id: 'sql',
    kind: 'cloud-sql-saturation',
    policy: 'Cloud SQL: CPU above 80%',
    severity: 'ticket',
    service: 'webhook',
    at: 100,
    closedAt: 1700,
  },
]);

const incidentTriage: Exercise = {
  id: 'ops-incident-triage',
  role: 'operations',
  title: 'Triage an alert storm with the incident replay',
  task: `notifications.jsonl holds the alerts of one busy morning. Replay them
(\`npm run incident:replay -- .training/ops-incident-triage/notifications.jsonl --verbose\`), read the
runbooks the alerts link, and fill triage.json: how many incidents the responder opens, how many
alerts it inhibits as explained by another, and the alert kinds to start from (the causes no other
firing alert explains).`,
  docs: [
    'docs/monitoring/incident-response.md',
    'docs/monitoring/runbooks/nlp-breaker-open.md',
    'docs/monitoring/runbooks/cloud-sql-saturation.md',
  ],
  start: (dir) =>
    writeFiles(dir, { 'notifications.jsonl': TRIAGE_SCENARIO, 'triage.json': json({ incidents: null, inhibited: null, rootCauses: [] }) }),
  solve: async (dir) => {
    const { counts, alerts } = await replayNotifications(fs.readFileSync(path.join(dir, 'notifications.jsonl'), 'utf8'));
    writeFiles(dir, {
      'triage.json': json({ incidents: counts.incidents, inhibited: counts.inhibited, rootCauses: rootCauseKinds(alerts) }),
    });
  },
  check: async (dir) => {
    const hints = [
      'Run the replay with --verbose: each incident prints its timeline, inhibited alerts say which alert explains them.',
      'The inhibition rules come from ALERT_DEPENDENCIES in constructs/incident-response/alert-dependencies.ts.',
    ];
    const { value, problem } = readLearnerJson(dir, 'triage.json');
    if (problem) return result([problem], hints);
    const { counts, alerts } = await replayNotifications(TRIAGE_SCENARIO);
    const problems: string[] = [];
    if (value.incidents !== counts.incidents) problems.push(`incidents: ${value.incidents} is not what the responder opens`);
    if (value.inhibited !== counts.inhibited) problems.push(`inhibited: ${value.inhibited} is not how many alerts the responder inhibits`);
    if (!sameSet(value.rootCauses, rootCauseKinds(alerts)))
      problems.push(`rootCauses: ${JSON.stringify(value.rootCauses)} is not the set of unexplained alert kinds`);
    return result(problems, hints);
  },
};

const SOURCE: DatabaseFingerprint = {
  tables: [
    { table: 'experiment_exposures', rows: 2410, checksum: '5f1c0d2b8e0f3a49a1e7c2d9b6a3f804' },
    { table: 'feedback_events', rows: 1204, checksum: '0c9e6b1a7d3f52e48b2a91c0d7e6f315' },
    { table: 'schema_migrations', rows: 9, checksum: 'e2a4c6b8d0f1a3c5e7092b4d6f8a1c3e' },
    { table: 'turn_events_2026_11', rows: 48211, checksum: '9d8c7b6a5f4e3d2c1b0a998877665544' },
    { table: 'turn_events_2026_12', rows: 6120, checksum: '1a2b3c4d5e6f708192a3b4c5d6e7f809' },
    { table: 'turn_events_default', rows: 0, checksum: 'empty' },
  ],
  turnLogPartitions: ['turn_events_2026_11', 'turn_events_2026_12', 'turn_events_default'],
  schemaVersion: 9,
  migrationIds: [1, 2, 3, 4, 5, 6, 7, 8, 9],
};

const RESTORED: DatabaseFingerprint = {
  tables: [
    SOURCE.tables[0],
    { table: 'feedback_events', rows: 1180, checksum: '7b1f0e9d8c2a43b5a6c7d8e9f0a1b2c3' },
    { table: 'schema_migrations', rows: 8, checksum: 'c1d2e3f4a5b6978899aabbccddeeff00' },
    SOURCE.tables[3],
    { table: 'turn_events_default', rows: 6120, checksum: '1a2b3c4d5e6f708192a3b4c5d6e7f809' },
  ],
  turnLogPartitions: ['turn_events_2026_11', 'turn_events_default'],
  schemaVersion: 8,
  migrationIds: [1, 2, 3, 4, 5, 6, 7, 8],
};

const corruptedRestore: Exercise = {
  id: 'ops-corrupted-restore',
  role: 'operations',
  title: 'Judge a restore the DR drill fingerprinted',
  task: `A restore drill fingerprinted the source and the restored database (source.json, restored.json:
row counts and md5 checksums per table, turn_events partitions, migrations; tools/dr-drill/fingerprint.ts).
Decide in findings.json whether the restore is complete, and list every difference the drill would
report, written as the drill writes them: "table <t>", "rows of <t>", "checksum of <t>",
"turn_events partitions", "schema_migrations".`,
  docs: ['docs/disaster_recovery/procedures.md', 'docs/monitoring/runbooks/restore-drill-failed.md', 'docs/walkthroughs/dr-drill.md'],
  start: (dir) =>
    writeFiles(dir, {
      'source.json': json(SOURCE),
      'restored.json': json(RESTORED),
      'findings.json': json({ restoreComplete: null, differences: [] }),
    }),
  solve: (dir) =>
    writeFiles(dir, {
      'findings.json': json({ restoreComplete: false, differences: compareFingerprints(SOURCE, RESTORED).map((d) => d.what) }),
    }),
  check: async (dir) => {
    const hints = [
      'Compare table by table: a missing table, then row counts, then checksums; then partitions and migrations.',
      'A table with the right rows but another checksum has changed rows; a partition can be missing while its rows sit elsewhere.',
    ];
    const { value, problem } = readLearnerJson(dir, 'findings.json');
    if (problem) return result([problem], hints);
    const expected = compareFingerprints(SOURCE, RESTORED).map((d) => d.what);
    const problems: string[] = [];
    if (value.restoreComplete !== (expected.length === 0))
      problems.push(`restoreComplete: ${value.restoreComplete} is not the drill's verdict`);
    const got: string[] = Array.isArray(value.differences) ? value.differences.map(String) : [];
    const missing = expected.filter((e) => !got.some((g) => g.trim().toLowerCase() === e));
    const extra = got.filter((g) => !expected.includes(g.trim().toLowerCase()));
    if (missing.length > 0) problems.push(`${missing.length} difference(s) not listed`);
    if (extra.length > 0) problems.push(`not differences the drill reports: ${extra.join(', ')}`);
    return result(problems, hints);
  },
};

export const OPERATIONS_EXERCISES: readonly Exercise[] = [brokenStack, burnRateAlert, incidentTriage, corruptedRestore];
