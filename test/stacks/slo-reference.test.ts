import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { DEFAULT_CONFIG, loadConfig } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { Json, resources, synth } from '../helpers/synth';

function synthEnvironment(name: string): Json {
  return synth(
    new WebhookPlatformStack(
      Testing.app(),
      DEFAULT_CONFIG.environments.find((e) => e.name === name)!,
    ),
  );
}

describe('reference platform: SLOs and alerting', () => {
  const prod = synthEnvironment('prod');
  // SloAlerting's policies (SecurityMonitoring's are tested with it).
  const policies = Object.values(resources(prod, 'google_monitoring_alert_policy')).filter(
    (p) => p.user_labels?.slo_alerting !== undefined || ['sli', 'saturation', 'quality', 'uptime'].some((k) => k in (p.user_labels ?? {})),
  );

  test('prod has both SLOs, paging and ticket burn-rate policies, forecasts, quality alerts, an uptime check and a dashboard', () => {
    expect(Object.values(resources(prod, 'google_monitoring_slo')).map((s) => s.slo_id)).toEqual([
      'webhook-availability',
      'webhook-latency',
    ]);
    const kinds = policies
      .map((p) => Object.keys(p.user_labels).find((k) => ['sli', 'saturation', 'quality', 'uptime'].includes(k)))
      .sort();
    expect(kinds).toEqual([
      'quality',
      'quality',
      'quality',
      'quality',
      'saturation',
      'saturation',
      'saturation',
      'sli',
      'sli',
      'sli',
      'sli',
      'sli',
      'sli',
      'uptime',
    ]);
    expect(
      policies
        .map((p) => p.user_labels.quality)
        .filter(Boolean)
        .sort(),
    ).toEqual(['conversation_quality', 'degraded', 'nlp_breaker', 'no_match']);
    expect(
      policies
        .filter((p) => p.conditions.some((c: Json) => c.condition_threshold?.forecast_options))
        .map((p) => p.user_labels.saturation)
        .sort(),
    ).toEqual(['cloud_sql', 'instances', 'nlp_quota']);
    // maxInstances 20 in the prod config: warn at 16.
    expect(policies.find((p) => p.user_labels.saturation === 'instances')!.conditions[0].condition_threshold.threshold_value).toBe(16);
    expect(Object.values(resources(prod, 'google_monitoring_uptime_check_config'))[0].monitored_resource.labels.host).toBe(
      'webhook.convai.example.com',
    );
    expect(Object.keys(resources(prod, 'google_monitoring_dashboard'))).toHaveLength(1);
  });

  test('pages reach the on-call email channel, tickets the team channel', () => {
    // The incident responder's Pub/Sub channel is wired to every policy beside the people's.
    const all = resources(prod, 'google_monitoring_notification_channel');
    const incident = Object.keys(all)
      .filter((id) => all[id].type === 'pubsub')
      .map((id) => `\${google_monitoring_notification_channel.${id}.id}`);
    const channels = Object.fromEntries(Object.entries(all).filter(([, c]) => c.type === 'email'));
    expect(Object.values(channels).map((c) => c.labels.email_address)).toEqual([
      'oncall-convai@example.com',
      'convai-platform@example.com',
    ]);
    const [page, ticket] = Object.keys(channels).map((id) => `\${google_monitoring_notification_channel.${id}.id}`);
    for (const p of policies) expect(p.notification_channels).toEqual([p.user_labels.severity === 'page' ? page : ticket, ...incident]);
  });

  test('the uptime check may invoke the IAM-protected webhook in every region', () => {
    const grants = Object.values(resources(prod, 'google_cloud_run_v2_service_iam_member')).filter((g) =>
      String(g.member).includes('@gcp-sa-monitoring-notification.iam.gserviceaccount.com'),
    );
    const regions = grants.map((g) => /service-([a-z0-9-]+)_/.exec(g.location)![1]).sort();
    expect(regions).toEqual(['asia-northeast1', 'europe-west1', 'us-central1']);
    for (const g of grants) expect(g.role).toBe('roles/run.invoker');
  });

  test('dev watches the same SLOs without notification channels', () => {
    const dev = synthEnvironment('dev');
    expect(Object.keys(resources(dev, 'google_monitoring_slo'))).toHaveLength(2);
    expect(resources(dev, 'google_monitoring_notification_channel')).toEqual({});
  });
});

describe('platform configuration: alerting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convai-alerting-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (body: unknown): string => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };
  const prodEnv = DEFAULT_CONFIG.environments.find((e) => e.name === 'prod')!;

  test('a production environment without alerting is refused, naming the field', () => {
    const { alerting: _alerting, ...silent } = prodEnv;
    expect(() => loadConfig(write({ environments: [silent] }))).toThrow(
      /environment "prod" is production but has no alerting: add "alerting"/,
    );
  });

  test('alerting addresses must be emails, at least one on-call address', () => {
    expect(() => loadConfig(write({ environments: [{ ...prodEnv, alerting: { pageEmails: ['not-an-email'] } }] }))).toThrow(
      /environments\.0\.alerting\.pageEmails\.0: Invalid email/,
    );
    expect(() => loadConfig(write({ environments: [{ ...prodEnv, alerting: { pageEmails: [] } }] }))).toThrow(
      /give at least one on-call address/,
    );
  });

  test('the example configuration is valid', () => {
    const path = join(__dirname, '..', '..', 'stacks', 'platform.config.example.json');
    expect(loadConfig(path).environments[0].alerting?.pageEmails).toEqual(
      JSON.parse(readFileSync(path, 'utf8')).environments[0].alerting.pageEmails,
    );
  });
});
