import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TurnLogImpact } from '../../runtime/src/incident/impact';
import { Alert, parseNotification } from '../../runtime/src/incident/notification';
import { replayAlerts } from '../../runtime/src/incident/replay';
import { IncidentMessage, IncidentResponder } from '../../runtime/src/incident/responder';
import { migrate } from '../../runtime/src/storage/migrations';
import { openDatabase, Database } from '../../runtime/src/storage/database';
import { PostgresServer } from '../runtime/support/local-servers';
import { runReplay } from '../../tools/incident-replay/replay-run';
import { testRules } from './support/test-rules';

const RULES = testRules('acme-convai-prod', 'test rules');

function scenario(name: string): Alert[] {
  return readFileSync(join(__dirname, 'scenarios', `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => parseNotification(JSON.parse(l)));
}

async function run(name: string, impact?: TurnLogImpact) {
  const messages: IncidentMessage[] = [];
  const responder = new IncidentResponder({ rules: RULES, dryRun: true, impact, notify: async (m) => void messages.push(m) });
  await replayAlerts(responder, scenario(name));
  return { responder, messages };
}

describe('incident responder on recorded scenarios', () => {
  test('the noise reduction documented in docs/monitoring/incident-response.md is what the replay measures', async () => {
    const doc = readFileSync(join(__dirname, '../../docs/monitoring/incident-response.md'), 'utf8');
    const lines = doc.split('\n');
    const header = lines.findIndex((l) => l.startsWith('| scenario (`test/incident/scenarios/`)') && l.includes('noise reduction'));
    expect(header).toBeGreaterThan(0);
    const end = lines.findIndex((l, i) => i > header && !l.startsWith('|'));
    const rows = lines.slice(header + 2, end).map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.map((r) => /`([a-z0-9-]+)`/.exec(r[1])![1]).sort()).toEqual(
      readdirSync(join(__dirname, 'scenarios'))
        .map((f) => f.replace(/\.jsonl$/, ''))
        .sort(),
    );
    for (const row of rows) {
      const name = /`([a-z0-9-]+)`/.exec(row[1])![1];
      const notificationsIn = readFileSync(join(__dirname, 'scenarios', `${name}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean).length;
      const { counts } = await runReplay({ file: join(__dirname, 'scenarios', `${name}.jsonl`), rules: RULES });
      const reduction = `${notificationsIn} → ${counts.notifications} (−${Math.round((1 - counts.notifications / notificationsIn) * 100)} %)`;
      expect({ name, cells: row.slice(2, 9) }).toEqual({
        name,
        cells: [notificationsIn, counts.alerts, counts.incidents, counts.notifications, counts.inhibited, counts.actions]
          .map(String)
          .concat(reduction),
      });
    }
  });

  test('a Natural Language outage across three regions is one incident: one opening, one resolving message', async () => {
    const { responder, messages } = await run('nlp-outage-three-regions');
    expect(responder.counts).toEqual({ alerts: 9, incidents: 1, notifications: 2, inhibited: 6, actions: 4 });
    expect(messages.map((m) => m.change)).toEqual(['opened', 'resolved']);
    expect(new Set(messages.map((m) => m.incident)).size).toBe(1);
    expect(messages[0].text).toContain('Regions: asia-northeast1, europe-west1, us-central1');
    expect(messages[0].text).toContain('User impact: unknown');
    const incident = responder.incidents.find((i) => i.state === 'resolved')!;
    // Diagnostics once, then the mitigation per region the breaker opened in, all dry.
    const actions = incident.timeline.filter((e) => e.what.startsWith('action '));
    expect(actions.map((a) => a.what.split(':')[0])).toEqual([
      'action diagnostics',
      'action runtime-flag',
      'action runtime-flag',
      'action runtime-flag',
    ]);
    expect(actions.slice(1).every((a) => a.what.includes('dry run: would set runtime flag nlp-mode=local'))).toBe(true);
  });

  test('a traffic surge: the saturation forecast explains the latency burn, min instances would be raised per region, the blip is never announced', async () => {
    const { responder, messages } = await run('traffic-surge-saturation');
    expect(responder.counts).toEqual({ alerts: 4, incidents: 1, notifications: 2, inhibited: 1, actions: 3 });
    expect(messages.map((m) => `${m.change} ${m.incident}`)).toEqual([
      'opened inc-20261205T160000Z-webhook-instances',
      'resolved inc-20261205T160000Z-webhook-instances',
    ]);
    const incident = responder.incidents.find((i) => i.state === 'resolved')!;
    expect(incident.actions.map((a) => `${a.type} ${a.scope} ${a.mode}`)).toEqual([
      'diagnostics cloud-run-saturation@europe-west1 ran',
      'raise-min-instances cloud-run-saturation@europe-west1 dry-run',
      'raise-min-instances cloud-run-saturation@us-central1 dry-run',
    ]);
    expect(incident.actions[1].summary).toBe('dry run: would raise min instances of webhook in europe-west1 by 1, capped at 5');
    // The uptime blip opened and closed inside the group wait: recorded, not announced.
    const blip = responder.incidents.find((i) => i.key === 'webhook/edge')!;
    expect(blip.state).toBe('dropped');
    expect(blip.timeline.at(-1)!.what).toBe('all alerts closed before the group wait ended: not announced');
    // Without a turn log or live targets the snapshot still links everything and says what it could not read.
    expect(incident.actions[0].summary).toMatch(
      /^readiness: not probed \| burn now: unknown \(no turn log\) \| breakers alerted: none \| burn rates alerted: none \| logs https:\/\/console.cloud.google.com\/logs\/query;/,
    );
  });

  test('two unrelated failures at the same time stay two incidents', async () => {
    const { responder, messages } = await run('unrelated-failures');
    expect(responder.counts).toMatchObject({ alerts: 3, incidents: 2, notifications: 4, inhibited: 1 });
    expect(
      responder.incidents
        .filter((i) => i.state === 'resolved')
        .map((i) => i.key)
        .sort(),
    ).toEqual(['webhook/nlp', 'webhook/postgres']);
    expect(messages.filter((m) => m.change === 'opened')).toHaveLength(2);
  });

  test('without inhibition rules the same outage is noisy: the rules are what reduce it', async () => {
    const messages: IncidentMessage[] = [];
    const responder = new IncidentResponder({ rules: { ...RULES, inhibit: [] }, dryRun: true, notify: async (m) => void messages.push(m) });
    await replayAlerts(responder, scenario('nlp-outage-three-regions'));
    expect(responder.counts.incidents).toBeGreaterThan(1);
    expect(responder.counts.inhibited).toBe(0);
  });

  test('a person stopping automation stops further actions on that incident', async () => {
    const messages: IncidentMessage[] = [];
    const responder = new IncidentResponder({ rules: RULES, dryRun: true, notify: async (m) => void messages.push(m) });
    const alerts = scenario('nlp-outage-three-regions');
    const first = alerts.filter((a) => a.state === 'open').slice(0, 2);
    await responder.receive(first[0], first[0].startedAt);
    await responder.stopAutomation(responder.incidents[0].id, 'oncall@acme.example', first[0].startedAt + 1);
    await replayAlerts(responder, alerts.slice(1));
    expect(responder.counts.actions).toBe(0);
  });

  describe('impact from the turn log (real Postgres)', () => {
    let postgres: PostgresServer;
    let db: Database;
    beforeAll(async () => {
      postgres = await PostgresServer.start();
      db = await openDatabase({ url: postgres.url });
      await migrate(db);
      const start = scenario('nlp-outage-three-regions')[0].startedAt * 1000;
      // 200 turns in the outage: 60 degraded (30 sessions), 20 slow; 1,000 more earlier in the month, all fine.
      const rows: string[] = [];
      for (let i = 0; i < 1200; i++) {
        const during = i < 200;
        const at = new Date(during ? start + 300_000 + i * 1000 : start - 86_400_000 - i * 60_000).toISOString();
        const degraded = during && i < 60;
        const slow = during && i >= 60 && i < 80;
        const region = ['europe-west1', 'us-central1', 'asia-northeast1'][i % 3];
        rows.push(
          `('t${i}', '${at}', 's${degraded ? Math.floor(i / 2) : 1000 + i}', 'r${i}', 'cx', 'enrich', 'en', '', false, ${degraded}, 'api', ${slow ? 1500 : 120}, '${region}')`,
        );
      }
      await db.query(
        `INSERT INTO turn_events (id, created_at, session_id, response_id, protocol, tag, language_code, text_redacted, no_match, degraded, nlp_source, latency_ms, region) VALUES ${rows.join(',')}`,
      );
    }, 60_000);
    afterAll(async () => {
      await db?.close();
      await postgres?.destroy();
    });

    test('the messages carry conversations, share of traffic, regions and budget burned', async () => {
      const { messages, responder } = await run('nlp-outage-three-regions', new TurnLogImpact(db, RULES.slo));
      const impact = responder.incidents.find((i) => i.state === 'resolved')!.impact!;
      // 80 affected turns (60 degraded in 30 sessions + 20 slow in 20 sessions) of 200.
      expect(impact).toMatchObject({
        affectedTurns: 80,
        affectedSessions: 50,
        totalTurns: 200,
        regions: ['asia-northeast1', 'europe-west1', 'us-central1'],
      });
      expect(impact.shareOfTraffic).toBeCloseTo(0.4);
      // Budget: 5% of 1,200 turns in the 30 days = 60 slow turns; 20 were used.
      expect(impact.latencyBudgetBurned).toBeCloseTo(20 / 60);
      expect(messages[1].text).toContain('User impact: 50 conversations (80 of 200 turns, 40.0% of traffic)');
      expect(messages[1].text).toContain('33.3% of the latency error budget burned');
    });
  });
});
