import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecurityMonitoring, SecurityMonitoringProps } from '../../constructs/security-monitoring/security-monitoring';
import { DEFAULT_RUNBOOK_BASE_URL, RUNBOOK_DIR } from '../../constructs/core/runbooks';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { DEV_PROPS, Json, PROD_PROPS, platformStack, resources, synth } from '../helpers/synth';

const REPO = join(__dirname, '..', '..');
const SIGNAL_NAMES = [
  'iam-policy-change',
  'service-account-key-created',
  'unexpected-secret-access',
  'kms-key-disabled',
  'cloud-armor-blocked-spike',
  'webhook-auth-failures',
];

function build(props: SecurityMonitoringProps = {}): Json {
  const stack = platformStack(DEV_PROPS);
  new SecurityMonitoring(stack, 'security', props);
  return synth(stack);
}

describe('SecurityMonitoring', () => {
  const PAGE = 'projects/acme/notificationChannels/1';
  const TICKET = 'projects/acme/notificationChannels/2';
  const json = build({
    pageChannels: [PAGE],
    ticketChannels: [TICKET],
    expectedSecretAccessors: ['webhook-run@acme.iam.gserviceaccount.com'],
  });
  const metrics = Object.values(resources(json, 'google_logging_metric'));
  const alerts = Object.values(resources(json, 'google_monitoring_alert_policy'));
  const metricNamed = (signal: string): Json => metrics.find((m) => m.name === `security/${signal}`)!;
  const alertOn = (signal: string): Json => alerts.find((a) => a.documentation.content.includes(`/${signal}.md`))!;

  test('one counter metric and one alert per signal', () => {
    expect(metrics.map((m) => m.name).sort()).toEqual(SIGNAL_NAMES.map((n) => `security/${n}`).sort());
    expect(alerts).toHaveLength(SIGNAL_NAMES.length);
    for (const m of metrics) expect(m.metric_descriptor).toEqual({ metric_kind: 'DELTA', value_type: 'INT64', unit: '1' });
  });

  test('filters watch the right events', () => {
    expect(metricNamed('iam-policy-change').filter).toContain('protoPayload.methodName=~"SetIamPolicy$"');
    expect(metricNamed('service-account-key-created').filter).toContain('google.iam.admin.v1.CreateServiceAccountKey');
    expect(metricNamed('service-account-key-created').filter).toContain('google.iam.admin.v1.UploadServiceAccountKey');
    expect(metricNamed('kms-key-disabled').filter).toContain('DestroyCryptoKeyVersion');
    expect(metricNamed('kms-key-disabled').filter).toContain('protoPayload.request.cryptoKeyVersion.state="DISABLED"');
    expect(metricNamed('cloud-armor-blocked-spike').filter).toBe(
      'resource.type="http_load_balancer" AND jsonPayload.enforcedSecurityPolicy.outcome="DENY"',
    );
    expect(metricNamed('webhook-auth-failures').filter).toBe(
      'resource.type="cloud_run_revision" AND jsonPayload.event="webhook.auth_failed"',
    );
  });

  test('secret reads by anyone but the expected accessors count', () => {
    const filter = metricNamed('unexpected-secret-access').filter;
    expect(filter).toContain('logName:"cloudaudit.googleapis.com%2Fdata_access"');
    expect(filter).toContain('AccessSecretVersion');
    expect(filter).toContain('AND NOT protoPayload.authenticationInfo.principalEmail=("webhook-run@acme.iam.gserviceaccount.com")');
    expect(
      Object.values(resources(build(), 'google_logging_metric')).find((m) => /AccessSecretVersion/.test(m.filter))!.filter,
    ).not.toContain('AND NOT');
  });

  test('audit events alert on any matching log entry, with who and what extracted', () => {
    for (const name of ['iam-policy-change', 'service-account-key-created', 'unexpected-secret-access', 'kms-key-disabled']) {
      const alert = alertOn(name);
      expect(alert.conditions[0].condition_matched_log.filter).toBe(metricNamed(name).filter);
      expect(alert.conditions[0].condition_matched_log.label_extractors).toEqual({
        principal: 'EXTRACT(protoPayload.authenticationInfo.principalEmail)',
        resource: 'EXTRACT(protoPayload.resourceName)',
      });
      expect(alert.alert_strategy).toEqual({ notification_rate_limit: { period: '300s' }, auto_close: '1800s' });
    }
  });

  test('rates alert on the metric’s 5-minute sum, per resource type, above the threshold', () => {
    const armor = alertOn('cloud-armor-blocked-spike').conditions[0].condition_threshold;
    expect(armor.filter).toMatch(
      /^metric\.type="logging\.googleapis\.com\/user\/\$\{google_logging_metric\.[^.]+\.name\}" AND resource\.type="http_load_balancer"$/,
    );
    expect(armor.threshold_value).toBe(500);
    expect(armor.aggregations).toEqual([
      { alignment_period: '300s', per_series_aligner: 'ALIGN_DELTA', cross_series_reducer: 'REDUCE_SUM' },
    ]);
    const auth = alertOn('webhook-auth-failures').conditions[0].condition_threshold;
    expect(auth.filter).toMatch(/resource\.type="cloud_run_revision"$/);
    expect(auth.threshold_value).toBe(20);
    const custom = build({ blockedRequestsPerMinute: 10, authFailuresPer5Minutes: 3 });
    const values = Object.values(resources(custom, 'google_monitoring_alert_policy'))
      .filter((a) => a.conditions[0].condition_threshold)
      .map((a) => a.conditions[0].condition_threshold.threshold_value);
    expect(values.sort()).toEqual([3, 50]);
  });

  test('severities and notification channels', () => {
    expect(alertOn('service-account-key-created').severity).toBe('CRITICAL');
    expect(alertOn('kms-key-disabled').severity).toBe('CRITICAL');
    expect(alertOn('iam-policy-change').severity).toBe('WARNING');
    // CRITICAL pages the on-call, WARNING opens a ticket; the routing is labelled too.
    for (const a of alerts) {
      const page = a.severity === 'CRITICAL';
      expect(a.notification_channels).toEqual([page ? PAGE : TICKET]);
      expect(a.user_labels.severity).toBe(page ? 'page' : 'ticket');
    }
    const defaulted = Object.values(resources(build({ pageChannels: [PAGE] }), 'google_monitoring_alert_policy'));
    for (const a of defaulted) expect(a.notification_channels).toEqual([PAGE]);
  });

  test('every alert carries the platform labels as user_labels, env first of all', () => {
    for (const a of alerts) {
      expect(a.user_labels).toMatchObject({ env: 'dev', team: 'convai', 'cost-center': 'cc-42', 'managed-by': 'cdktf' });
    }
    // Outside a PlatformStack the construct still labels env, from its production flag.
    const stack = new TerraformStack(Testing.app(), 'plain');
    new GoogleProvider(stack, 'google', { project: 'acme' });
    new SecurityMonitoring(stack, 'security', { production: true, pageChannels: [PAGE] });
    for (const a of Object.values(resources(synth(stack), 'google_monitoring_alert_policy'))) expect(a.user_labels.env).toBe('prod');
  });

  test('production needs page channels', () => {
    expect(() => new SecurityMonitoring(platformStack(PROD_PROPS), 'security', {})).toThrow(
      /pageChannels is empty in production: .* so security alerts reach the on-call/,
    );
  });

  test('every alert links its runbook, and every runbook exists with the required sections', () => {
    for (const name of SIGNAL_NAMES) {
      const doc = alertOn(name).documentation;
      expect(doc.mime_type).toBe('text/markdown');
      expect(doc.content).toContain(`${DEFAULT_RUNBOOK_BASE_URL}/${name}.md`);
      const file = join(REPO, RUNBOOK_DIR, `${name}.md`);
      expect({ file, exists: existsSync(file) }).toEqual({ file, exists: true });
      const text = readFileSync(file, 'utf8');
      for (const section of ['## What fired', '## User impact', '## First checks', '## Mitigations', '## Escalation']) {
        expect({ name, section, present: text.includes(section) }).toEqual({ name, section, present: true });
      }
    }
  });

  test.each<[string, SecurityMonitoringProps, RegExp]>([
    ['bad name', { name: 'Sec' }, /name "Sec" is not valid/],
    [
      'member instead of email',
      { expectedSecretAccessors: ['serviceAccount:a@b.com'] },
      /expectedSecretAccessors has serviceAccount:a@b.com/,
    ],
    ['zero blocked rate', { blockedRequestsPerMinute: 0 }, /blockedRequestsPerMinute is 0/],
    ['negative auth failures', { authFailuresPer5Minutes: -1 }, /authFailuresPer5Minutes is -1/],
  ])('validation: %s', (_n, props, message) => {
    expect(() => new SecurityMonitoring(platformStack(DEV_PROPS), 'security', props)).toThrow(message);
  });
});
