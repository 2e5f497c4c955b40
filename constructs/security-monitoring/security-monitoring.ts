import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { MonitoringAlertPolicy, MonitoringAlertPolicyConditions } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Construct } from 'constructs';
import { alertEnvironment, notificationChannels, pageChannelsRule, routingLabel } from '../core/alert-routing';
import { PlatformStack } from '../core/platform-stack';
import { Runbooks } from '../core/runbooks';
import { terraformLiteral } from '../core/terraform-literal';
import { Rule, isToken, validateProps, isKnown } from '../core/validation';
import { SIGNALS, SecuritySignal } from './security-signals';

export interface SecurityMonitoringProps {
  /** Prefix of metric names and alert titles (lowercase letters, digits, "-"). @default - the construct id, lowercased */
  readonly name?: string;
  /**
   * Notification channel ids (`projects/p/notificationChannels/n`) of the CRITICAL alerts: service
   * account key created, unexpected secret access, KMS key disabled. Required in production.
   * @default - none (allowed outside production only): alerts show in the console only
   */
  readonly pageChannels?: string[];
  /**
   * Notification channel ids of the WARNING alerts: IAM policy changes, Cloud Armor spikes, auth failures.
   * @default - the page channels
   */
  readonly ticketChannels?: string[];
  /** Production rules (page channels required). @default - the enclosing PlatformStack's, else false */
  readonly production?: boolean;
  /**
   * Emails of the principals expected to read secret values (the workloads' service accounts);
   * any other reader raises the unexpected-secret-access alert.
   * @default - none: every secret read alerts
   */
  readonly expectedSecretAccessors?: string[];
  /** Cloud Armor denials per minute, summed over the platform, that count as a spike. @default 100 */
  readonly blockedRequestsPerMinute?: number;
  /** Webhook auth failures per 5 minutes that alert. @default 20 */
  readonly authFailuresPer5Minutes?: number;
}

const NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const badAccessors = (p: SecurityMonitoringProps): string[] =>
  (p.expectedSecretAccessors ?? []).filter((e) => !isToken(e) && !EMAIL.test(e));

type ResolvedProps = SecurityMonitoringProps & { name: string; production: boolean };

const RULES: ReadonlyArray<Rule<ResolvedProps>> = [
  pageChannelsRule('security alerts'),
  {
    when: (p) => isKnown(p.name) && !NAME.test(p.name),
    say: (p) => `name "${p.name}" is not valid: use 2-32 lowercase letters, digits and "-", starting with a letter`,
  },
  {
    when: (p) => badAccessors(p).length > 0,
    say: (p) =>
      `expectedSecretAccessors has ${badAccessors(p).join(', ')}: give service account emails (e.g. "webhook-run@p.iam.gserviceaccount.com"), without the "serviceAccount:" prefix`,
  },
  {
    when: (p) => isKnown(p.blockedRequestsPerMinute) && !(p.blockedRequestsPerMinute! > 0),
    say: (p) => `blockedRequestsPerMinute is ${p.blockedRequestsPerMinute}: give a positive rate, e.g. 100`,
  },
  {
    when: (p) => isKnown(p.authFailuresPer5Minutes) && !(p.authFailuresPer5Minutes! > 0),
    say: (p) => `authFailuresPer5Minutes is ${p.authFailuresPer5Minutes}: give a positive count, e.g. 20`,
  },
];

/** Audit-log entries of an admin action (always logged, free). */
const ADMIN_ACTIVITY = 'logName:"cloudaudit.googleapis.com%2Factivity"';
const DATA_ACCESS = 'logName:"cloudaudit.googleapis.com%2Fdata_access"';

/**
 * Threat detection for one project: a log-based metric and an alert policy per security signal,
 * each alert linking its runbook in docs/monitoring/runbooks.
 *
 * - IAM policy changes (any `SetIamPolicy`);
 * - service account key creation or upload;
 * - secret values read by a principal not in `expectedSecretAccessors`;
 * - KMS key versions disabled or scheduled for destruction;
 * - Cloud Armor blocked-request spikes;
 * - webhook auth failures (the runtime's `webhook.auth_failed` event).
 *
 * CRITICAL alerts notify `pageChannels`, WARNING ones `ticketChannels`; every policy carries `env`
 * (and, in a PlatformStack, every platform label) in `user_labels`.
 *
 * Organization-level detection (Security Command Center) is a prerequisite, documented in
 * docs/security/organization-prerequisites.md.
 */
export class SecurityMonitoring extends Construct {
  /** Escape hatch: the log-based metrics, in signal order. */
  public readonly metrics: LoggingMetric[] = [];
  /** Escape hatch: the alert policies, in signal order. */
  public readonly alertPolicies: MonitoringAlertPolicy[] = [];

  private readonly prefix: string;
  private readonly p: ResolvedProps;
  private readonly envLabel: string;

  constructor(scope: Construct, id: string, props: SecurityMonitoringProps = {}) {
    super(scope, id);
    const platform = PlatformStack.find(this);
    const p: ResolvedProps = {
      ...props,
      name: props.name ?? id.toLowerCase(),
      production: props.production ?? platform?.production ?? false,
    };
    validateProps(this.node.path, p, RULES);
    this.p = p;
    this.prefix = p.name;
    this.envLabel = alertEnvironment(this, p.production);
    const env = platform ? ` (${platform.environment})` : '';

    // Audit events: one is enough, so the alert matches log entries directly (a log-based
    // alert); the metric keeps the history for dashboards and trends.
    this.watchEvent(SIGNALS.iamPolicyChange, `${ADMIN_ACTIVITY} AND protoPayload.methodName=~"SetIamPolicy$"`, env);
    this.watchEvent(
      SIGNALS.serviceAccountKeyCreated,
      `${ADMIN_ACTIVITY} AND protoPayload.serviceName="iam.googleapis.com" AND ` +
        'protoPayload.methodName=("google.iam.admin.v1.CreateServiceAccountKey" OR "google.iam.admin.v1.UploadServiceAccountKey")',
      env,
    );
    const expected = (p.expectedSecretAccessors ?? []).map((e) => `"${e}"`);
    this.watchEvent(
      SIGNALS.unexpectedSecretAccess,
      `${DATA_ACCESS} AND protoPayload.serviceName="secretmanager.googleapis.com" AND ` +
        'protoPayload.methodName="google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion"' +
        (expected.length > 0 ? ` AND NOT protoPayload.authenticationInfo.principalEmail=(${expected.join(' OR ')})` : ''),
      env,
    );
    this.watchEvent(
      SIGNALS.kmsKeyDisabled,
      `${ADMIN_ACTIVITY} AND protoPayload.serviceName="cloudkms.googleapis.com" AND ` +
        '(protoPayload.methodName="DestroyCryptoKeyVersion" OR ' +
        '(protoPayload.methodName="UpdateCryptoKeyVersion" AND protoPayload.request.cryptoKeyVersion.state="DISABLED"))',
      env,
    );
    // Rates: some denials and some failed logins are normal; alert on the sum over 5 minutes.
    this.watchRate(
      SIGNALS.cloudArmorBlockedSpike,
      'http_load_balancer',
      'jsonPayload.enforcedSecurityPolicy.outcome="DENY"',
      (props.blockedRequestsPerMinute ?? 100) * 5,
      env,
    );
    this.watchRate(
      SIGNALS.webhookAuthFailures,
      'cloud_run_revision',
      'jsonPayload.event="webhook.auth_failed"',
      props.authFailuresPer5Minutes ?? 20,
      env,
    );
  }

  /** A counter metric over `filter` (history), and an alert on any matching log entry. */
  private watchEvent(signal: SecuritySignal, filter: string, env: string): void {
    this.metric(signal, filter);
    this.alert(signal, env, {
      displayName: `${signal.title}: any matching audit log entry`,
      conditionMatchedLog: {
        filter,
        // Shown in the incident, so the responder sees who did what without opening Logging.
        labelExtractors: {
          principal: 'EXTRACT(protoPayload.authenticationInfo.principalEmail)',
          resource: 'EXTRACT(protoPayload.resourceName)',
        },
      },
    });
  }

  /** A counter metric over `filter` on `resourceType`, and an alert when its 5-minute sum exceeds `threshold`. */
  private watchRate(signal: SecuritySignal, resourceType: string, filter: string, threshold: number, env: string): void {
    const metric = this.metric(signal, `resource.type="${resourceType}" AND ${filter}`);
    this.alert(signal, env, {
      displayName: `${signal.title}: more than ${threshold} in 5 minutes`,
      conditionThreshold: {
        filter: `metric.type="logging.googleapis.com/user/${metric.name}" AND resource.type="${resourceType}"`,
        comparison: 'COMPARISON_GT',
        thresholdValue: threshold,
        duration: '0s',
        aggregations: [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_DELTA', crossSeriesReducer: 'REDUCE_SUM' }],
        trigger: { count: 1 },
      },
    });
  }

  private metric(signal: SecuritySignal, filter: string): LoggingMetric {
    const metric = new LoggingMetric(this, `metric-${signal.name}`, {
      name: `${this.prefix}/${signal.name}`,
      description: signal.summary,
      filter,
      metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', unit: '1' },
    });
    this.metrics.push(metric);
    return metric;
  }

  private alert(signal: SecuritySignal, env: string, condition: MonitoringAlertPolicyConditions): void {
    const logMatch = condition.conditionMatchedLog !== undefined;
    this.alertPolicies.push(
      new MonitoringAlertPolicy(this, `alert-${signal.name}`, {
        displayName: `${signal.title}${env}`,
        combiner: 'OR',
        severity: signal.severity,
        // CRITICAL pages the on-call, WARNING opens a ticket.
        notificationChannels: notificationChannels(signal.severity, this.p),
        conditions: [condition],
        // Log-based alerts need a notification rate limit; both close on their own after a quiet spell.
        alertStrategy: logMatch ? { notificationRateLimit: { period: '300s' }, autoClose: '1800s' } : { autoClose: '86400s' },
        documentation: {
          mimeType: 'text/markdown',
          subject: terraformLiteral(`${signal.title}${env}`),
          content: terraformLiteral(`${signal.summary}\n\nRunbook: ${Runbooks.url(this, signal.name)}`),
        },
        // `env` lets the policy checks judge production; PlatformLabels adds the other platform labels.
        userLabels: { env: this.envLabel, signal: signal.name.replace(/-/g, '_'), severity: routingLabel(signal.severity) },
      }),
    );
  }
}
