/**
 * Every alert policy of the reference platform, whichever construct made it (SloAlerting, DrBackup,
 * SecurityMonitoring): labelled so the policy checks can judge it, and in production routed to a
 * channel by its severity. Found missing once: the backup-staleness alert (CRITICAL) notified
 * nobody in prod, and CKV_CONVAI_41 passed it because it carried no `env` label.
 */
import { Testing } from 'cdktf';
import { REQUIRED_LABELS } from '../../constructs/core/label-conventions';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { Json, resources, synth } from '../helpers/synth';

const ENVIRONMENTS = DEFAULT_CONFIG.environments;
const synthesized = new Map<string, { stack: WebhookPlatformStack; json: Json }>();
function environment(name: string): { stack: WebhookPlatformStack; json: Json } {
  if (!synthesized.has(name)) {
    const stack = new WebhookPlatformStack(
      Testing.app(),
      ENVIRONMENTS.find((e) => e.name === name)!,
    );
    synthesized.set(name, { stack, json: synth(stack) });
  }
  return synthesized.get(name)!;
}
const ref = (id: string): string => `\${google_monitoring_notification_channel.${id}.id}`;

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('%s', (name, config) => {
  test('every alert policy carries the platform labels as user_labels, with its severity routing', () => {
    const policies = Object.entries(resources(environment(name).json, 'google_monitoring_alert_policy'));
    expect(policies.length).toBeGreaterThan(10);
    for (const [id, p] of policies) {
      const labels = Object.fromEntries(REQUIRED_LABELS.map((k) => [k, p.user_labels?.[k]]));
      expect({ id, labels }).toEqual({
        id,
        labels: { env: config.environment, team: config.team, 'cost-center': config.costCenter, 'managed-by': 'cdktf' },
      });
      expect({ id, routing: p.user_labels.severity }).toEqual({ id, routing: p.severity === 'CRITICAL' ? 'page' : 'ticket' });
    }
  });

  test('the staleness, security and SLO alerts are all there (one list, three constructs)', () => {
    const policies = Object.keys(resources(environment(name).json, 'google_monitoring_alert_policy'));
    expect(policies.some((id) => id.startsWith('backups_staleness-alert'))).toBe(true);
    expect(policies.some((id) => id.startsWith('security-monitoring_alert-'))).toBe(true);
    expect(policies.some((id) => id.startsWith('slo_'))).toBe(true);
  });

  test('no construct id or Terraform address carries a token', () => {
    const { stack, json } = environment(name);
    const ids = stack.node.findAll().map((c) => c.node.path);
    expect(ids.filter((p) => /tftoken|token\[/i.test(p))).toEqual([]);
    const addresses = Object.values<Json>(json.resource).flatMap((blocks) => Object.keys(blocks));
    expect(addresses.filter((a) => /tftoken/i.test(a))).toEqual([]);
  });
});

describe.each(ENVIRONMENTS.filter((e) => e.environment === 'prod').map((e) => [e.name, e] as const))('%s (production)', (name, config) => {
  test('every alert policy notifies the channels of its severity: CRITICAL pages, ERROR/WARNING tickets', () => {
    const { json } = environment(name);
    const channels = Object.entries(resources(json, 'google_monitoring_notification_channel'));
    const page = channels.filter(([id]) => id.startsWith('page-channel')).map(([id]) => ref(id));
    const ticket = channels.filter(([id]) => id.startsWith('ticket-channel')).map(([id]) => ref(id));
    expect(page).toHaveLength(config.alerting!.pageEmails.length);
    expect(ticket).toHaveLength(config.alerting!.ticketEmails!.length);
    const policies = Object.entries(resources(json, 'google_monitoring_alert_policy'));
    const severities = new Set(policies.map(([, p]) => p.severity));
    expect([...severities].sort()).toEqual(['CRITICAL', 'ERROR', 'WARNING']);
    // Every policy also notifies the incident responder's Pub/Sub channel (IncidentResponse).
    const incident = channels.filter(([, c]) => c.type === 'pubsub').map(([id]) => ref(id));
    expect(incident).toHaveLength(1);
    for (const [id, p] of policies) {
      expect({ id, channels: p.notification_channels }).toEqual({
        id,
        channels: [...(p.severity === 'CRITICAL' ? page : ticket), ...incident],
      });
    }
  });
});
