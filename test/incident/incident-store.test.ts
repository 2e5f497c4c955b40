import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../../runtime/src/incident/actions';
import { TurnLogImpact } from '../../runtime/src/incident/impact';
import { MinInstancesExecutor } from '../../runtime/src/incident/min-instances-action';
import { replayAlerts } from '../../runtime/src/incident/replay';
import { IncidentMessage, IncidentResponder } from '../../runtime/src/incident/responder';
import { renderReview } from '../../runtime/src/incident/review';
import { RuntimeFlagExecutor } from '../../runtime/src/incident/runtime-flag-action';
import { PostgresIncidentStore } from '../../runtime/src/incident/store';
import { migrateIncidentStore } from '../../runtime/src/incident/store-migrations';
import { Database, openDatabase } from '../../runtime/src/storage/database';
import { migrate } from '../../runtime/src/storage/migrations';
import { readNotifications, referenceRules, runReplay } from '../../tools/incident-replay/replay-run';
import { PostgresServer } from '../runtime/support/local-servers';
import { FakeCloudRun } from './support/fake-cloud-run';

const RULES = referenceRules('acme-convai-prod');
const scenario = (name: string) => join(__dirname, 'scenarios', `${name}.jsonl`);
const SERVICES = {
  'europe-west1': 'projects/acme-convai-prod/locations/europe-west1/services/webhook',
  'us-central1': 'projects/acme-convai-prod/locations/us-central1/services/webhook',
  'asia-northeast1': 'projects/acme-convai-prod/locations/asia-northeast1/services/webhook',
};

/**
 * Applied first response with durable incidents on a real PostgreSQL: the runtime flags in the
 * table the webhook polls, min instances through a local Cloud Run Admin API, every action and
 * revert in the audit, the incident resumed by a new responder process from the store, and the
 * post-incident review rendered from what was stored.
 */
describe('applied first response, stored in Postgres', () => {
  let postgres: PostgresServer;
  let db: Database;
  let cloudRun: FakeCloudRun;
  const http: HttpClient = (url, init = {}) => fetch(url, { ...init, headers: { ...(init.headers as object), authorization: 'Bearer t' } });

  const responder = (messages: IncidentMessage[] = []) =>
    new IncidentResponder({
      rules: RULES,
      dryRun: false,
      impact: new TurnLogImpact(db, RULES.slo),
      store: new PostgresIncidentStore(db),
      executors: {
        'runtime-flag': new RuntimeFlagExecutor(db),
        'raise-min-instances': new MinInstancesExecutor(http, { services: SERVICES, endpoint: cloudRun.endpoint }),
      },
      notify: async (m) => void messages.push(m),
    });

  beforeAll(async () => {
    [postgres, cloudRun] = await Promise.all([PostgresServer.start(), FakeCloudRun.start()]);
    db = await openDatabase({ url: postgres.url });
    await migrate(db); // the webhook's schema: the turn log the impact is read from
    expect(await migrateIncidentStore(db)).toEqual([1]);
    expect(await migrateIncidentStore(db)).toEqual([]); // idempotent, as every responder start runs it
    // 40 turns during the NLP outage, 12 of them degraded (in 6 conversations).
    const start = readNotifications(scenario('nlp-outage-three-regions'))[0].startedAt;
    const rows = Array.from({ length: 40 }, (_, i) => {
      const at = new Date((start + 200 + i * 30) * 1000).toISOString();
      return `('t${i}', '${at}', 's${i < 12 ? Math.floor(i / 2) : 100 + i}', 'r${i}', 'cx', 'enrich', 'en', '', false, ${i < 12}, 'api', 120, 'europe-west1')`;
    });
    await db.query(
      `INSERT INTO turn_events (id, created_at, session_id, response_id, protocol, tag, language_code, text_redacted, no_match, degraded, nlp_source, latency_ms, region) VALUES ${rows.join(',')}`,
    );
  }, 60_000);
  // Incident ids come from the recording (the same scenario gives the same ids): each test starts empty.
  beforeEach(() => db.query('TRUNCATE runtime_flags, incident_actions, incident_timeline, incidents'));
  afterAll(async () => {
    await db?.close();
    await Promise.all([postgres?.destroy(), cloudRun?.stop()]);
  });

  test('NLP outage: flags set per region while it lasts, the responder restarts mid-incident, resolution reverts them; all audited', async () => {
    const alerts = readNotifications(scenario('nlp-outage-three-regions'));
    const opening = alerts.filter((a) => a.state === 'open');
    const closing = alerts.filter((a) => a.state === 'closed');

    const first = responder();
    await replayAlerts(first, opening);
    const flags = await postgres.sql(`SELECT flag, region, value, set_by, reverted_at FROM runtime_flags ORDER BY region`);
    expect(flags.map((f) => [f.flag, f.region, f.value, f.reverted_at])).toEqual([
      ['nlp-mode', 'asia-northeast1', 'local', null],
      ['nlp-mode', 'europe-west1', 'local', null],
      ['nlp-mode', 'us-central1', 'local', null],
    ]);
    const id = first.incidents.find((i) => i.state === 'open')!.id;
    expect(id).toBe('inc-20261204T160045Z-webhook-nlp');
    expect(flags.every((f) => f.set_by.startsWith(`${id}/a`))).toBe(true);

    // A new process (a restart, a new revision) resumes the open incident from the store.
    const messages: IncidentMessage[] = [];
    const second = responder(messages);
    const active = await new PostgresIncidentStore(db).loadActive();
    expect(active.map((i) => i.id)).toEqual([id]);
    second.restore(active);
    await replayAlerts(second, closing);
    expect(messages.map((m) => m.change)).toEqual(['resolved']);
    expect(messages[0].text).toContain('First response: 4 actions, 3 mitigations applied, 3 undone.');
    expect(await postgres.sql(`SELECT region FROM runtime_flags WHERE reverted_at IS NULL`)).toEqual([]);

    const stored = (await new PostgresIncidentStore(db).load(id))!;
    expect(stored.state).toBe('resolved');
    expect(stored.alerts).toHaveLength(9);
    expect(stored.alerts.filter((a) => a.inhibitedBy)).toHaveLength(6);
    // The symptoms' own incidents were absorbed: their entries moved here, in order.
    expect(stored.timeline[0].what).toBe('webhook-degraded-replies@europe-west1 (deg-europe-west1) fired');
    expect(stored.timeline.map((e) => e.at)).toEqual([...stored.timeline.map((e) => e.at)].sort((a, b) => a - b));
    const absorbed = await postgres.sql(`SELECT id, state FROM incidents WHERE id <> $1`, [id]);
    expect(absorbed.every((i) => i.state === 'dropped')).toBe(true);
    const audit = await postgres.sql(`SELECT type, scope, mode, actor, reverts FROM incident_actions WHERE incident_id = $1 ORDER BY id`, [
      id,
    ]);
    expect(audit.map((a) => `${a.type} ${a.mode}${a.reverts ? ' (revert)' : ''}`)).toEqual([
      'diagnostics ran',
      'runtime-flag applied',
      'runtime-flag applied',
      'runtime-flag applied',
      'runtime-flag reverted (revert)',
      'runtime-flag reverted (revert)',
      'runtime-flag reverted (revert)',
    ]);
    expect(stored.impact).toMatchObject({ affectedTurns: 12, affectedSessions: 6, totalTurns: 40 });

    const review = renderReview(stored, { runbookBaseUrl: RULES.links.runbookBaseUrl });
    expect(review).toContain(`# Post-incident review: ${id}`);
    expect(review).toContain('| Duration | 55.0 min |');
    expect(review).toContain('| Alerts in | 9 (3 causes, 6 explained by them) |');
    expect(review).toContain('| Messages out | 2 |');
    expect(review).toContain('| Automated actions | 4 (1 diagnostics, 3 applied, 0 dry run, 0 skipped, 0 failed); 3 reverts |');
    expect(review).toContain('| Conversations affected | 6 |');
    expect(review).toContain('| Share of traffic | 30.0 % |');
    expect(review).toMatch(
      /\| 16:02:00 \| runtime-flag \| nlp-breaker-open@europe-west1 \| applied \| set runtime flag nlp-mode=local for webhook in europe-west1 until /,
    );
    expect(review).toContain(
      `| revert runtime-flag (of \`${id}/a002\`) | nlp-breaker-open@europe-west1 | reverted | cleared runtime flag nlp-mode@europe-west1 (was local) |`,
    );
  });

  test('saturation forecast: min instances raised in each alerting region, within the cap, restored at resolution; the blip is never announced', async () => {
    for (const name of Object.values(SERVICES)) cloudRun.deploy(name, { minInstanceCount: 1, maxInstanceCount: 20 });
    const messages: IncidentMessage[] = [];
    const r = responder(messages);
    const alerts = readNotifications(scenario('traffic-surge-saturation'));
    // Up to the re-notification (the blip opened and closed within the group wait), then the closings.
    await replayAlerts(r, alerts.slice(0, 6));
    expect(cloudRun.minInstances(SERVICES['europe-west1'])).toBe(2);
    expect(cloudRun.minInstances(SERVICES['us-central1'])).toBe(2);
    expect(cloudRun.minInstances(SERVICES['asia-northeast1'])).toBe(1);
    await replayAlerts(r, alerts.slice(6));
    expect(r.counts).toEqual({ alerts: 4, incidents: 1, notifications: 2, inhibited: 1, actions: 3 });
    expect(Object.values(SERVICES).map((s) => cloudRun.minInstances(s))).toEqual([1, 1, 1]);
    const incident = r.incidents.find((i) => i.state === 'resolved')!;
    expect(incident.actions.map((a) => `${a.type} ${a.mode}`)).toEqual([
      'diagnostics ran',
      'raise-min-instances applied',
      'raise-min-instances applied',
      'raise-min-instances reverted',
      'raise-min-instances reverted',
    ]);
    expect(r.incidents.find((i) => i.key === 'webhook/edge')!.state).toBe('dropped');
  });

  test('a person stops automation: no further actions, applied mitigations undone on request; recorded with who', async () => {
    const alerts = readNotifications(scenario('nlp-outage-three-regions')).filter((a) => a.state === 'open');
    const r = responder();
    // Up to the first breaker and the announcement: one flag applied.
    await replayAlerts(r, alerts.slice(0, 2));
    const incident = r.incidents.find((i) => i.state === 'open')!;
    expect(incident.mitigations.filter((m) => m.state === 'applied')).toHaveLength(1);
    const result = await r.stopAutomation(incident.id, 'oncall@acme.example', alerts[1].startedAt + 200, { revert: true });
    expect(result).toEqual({
      incident: incident.id,
      stoppedBy: 'oncall@acme.example',
      reverted: ['runtime-flag nlp-mode@europe-west1'],
      stillApplied: [],
    });
    const actions = r.counts.actions;
    await replayAlerts(r, alerts.slice(2));
    expect(r.counts.actions).toBe(actions); // the other regions' breakers: nothing ran
    expect(
      await postgres.sql(`SELECT region FROM runtime_flags WHERE reverted_at IS NULL AND set_by LIKE $1`, [`${incident.id}/%`]),
    ).toEqual([]);
    const stored = (await new PostgresIncidentStore(db).load(incident.id))!;
    expect(stored.automationStoppedBy).toBe('oncall@acme.example');
    expect(stored.actions.at(-1)).toMatchObject({ mode: 'reverted', actor: 'oncall@acme.example' });
    expect(stored.timeline.map((e) => e.what)).toContain('automation stopped by oncall@acme.example');
  });

  test('replay --database-url --review-dir: stored incidents and one review per announced incident, dry run only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reviews-'));
    const flagsBefore = await postgres.sql('SELECT * FROM runtime_flags ORDER BY flag, region');
    const result = await runReplay({ file: scenario('unrelated-failures'), database: db, reviewDir: dir });
    expect(result.counts).toEqual({ alerts: 3, incidents: 2, notifications: 4, inhibited: 1, actions: 3 });
    expect(readdirSync(dir).sort()).toEqual(['inc-20261204T160000Z-webhook-nlp.md', 'inc-20261204T160010Z-webhook-postgres.md']);
    const review = readFileSync(join(dir, 'inc-20261204T160000Z-webhook-nlp.md'), 'utf8');
    expect(review).toContain('| Alerts in | 2 (1 cause, 1 explained by them) |');
    expect(review).toMatch(
      /\| runtime-flag \| nlp-breaker-open@europe-west1 \| dry-run \| dry run: would set runtime flag nlp-mode=local for webhook in europe-west1 for at most 60 min/,
    );
    // The replay never applies: the flags are as they were.
    expect(await postgres.sql('SELECT * FROM runtime_flags ORDER BY flag, region')).toEqual(flagsBefore);
    expect((await new PostgresIncidentStore(db).list()).map((i) => i.id)).toContain('inc-20261204T160010Z-webhook-postgres');
  });
});
