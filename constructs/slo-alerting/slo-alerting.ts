import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import {
  MonitoringAlertPolicy,
  MonitoringAlertPolicyConditions,
  MonitoringAlertPolicyConditionsConditionThresholdAggregations,
} from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { MonitoringSlo } from '@cdktf/provider-google/lib/monitoring-slo';
import { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config';
import { Construct } from 'constructs';
import { alertEnvironment, notificationChannels } from '../core/alert-routing';
import { Duration } from '../core/duration';
import { PlatformStack } from '../core/platform-stack';
import { RequestSignals } from '../core/request-signals';
import { Runbooks } from '../core/runbooks';
import { terraformLiteral } from '../core/terraform-literal';
import { isToken, validateProps } from '../core/validation';
import { AlertSeverity, BurnRateAlertSpec, SloWindow, burnRateAlerts, humanDuration } from './burn-rate';
import { ConversationMetrics } from './conversation-metrics';
import * as w from './dashboard-widgets';
import { SloAlertingProps } from './slo-alerting-props';
import { ResolvedSloAlertingProps, SLO_ALERTING_RULES } from './slo-alerting-rules';

/** Cloud SQL's max_connections when a database's tier does not tell (a token tier). */
const DEFAULT_MAX_CONNECTIONS = 100;
const UPTIME_REGIONS = ['USA', 'EUROPE', 'ASIA_PACIFIC'];

/** What an SLO measures; also the runbook it links. */
interface SloKind {
  readonly key: 'availability' | 'latency';
  readonly slo: MonitoringSlo;
  readonly objective: number;
  readonly describe: string;
}

/** Everything an alert policy needs besides its conditions. */
interface AlertSpec {
  readonly id: string;
  readonly displayName: string;
  readonly severity: AlertSeverity;
  readonly runbook: string;
  readonly what: string;
  readonly impact: string;
  readonly conditions: MonitoringAlertPolicyConditions[];
  readonly combiner?: string;
  readonly labels?: { [key: string]: string };
}

/**
 * Service level objectives and the alerts that page when users are hurt, for one webhook:
 *
 * - a Cloud Monitoring custom service with a request-based availability SLO (non-5xx share) and
 *   latency SLO (share under a threshold) over a rolling 1..30-day period;
 * - the SRE Workbook's multi-window, multi-burn-rate alerts for each SLO: page on 2% of the budget in
 *   1 h (and 5 min) or 5% in 6 h (and 30 min), ticket on 10% in 3 days (and 6 h); each pair is one
 *   policy with two `select_slo_burn_rate` conditions combined with AND, thresholds derived from the
 *   objective and period;
 * - forecast (predictive) alerts on saturation: instances vs `maxInstances`, Cloud SQL disk and
 *   connections, Natural Language quota;
 * - log-based conversation-quality metrics (degraded replies, no-match, sentiment, breaker, turn and
 *   conversation quality, escalations, thumbs and CSAT feedback, experiment exposures) with alerts
 *   where they mean user harm, including mean conversation quality below `qualityScoreTarget`;
 * - an HTTPS uptime check from three continents with an alert;
 * - a dashboard built from typed widgets: golden signals per region, SLO attainment and budget, NLP
 *   and cache, conversation quality, conversation analytics (quality, feedback, experiments).
 *
 * Every alert policy carries severity, auto-close, a per-channel re-notification interval, the page
 * or ticket channels, and documentation with user impact and a link to its runbook
 * (`docs/monitoring/runbooks/<name>.md`).
 */
export class SloAlerting extends Construct {
  /** Escape hatch: the Cloud Monitoring service the SLOs belong to. */
  public readonly service: MonitoringCustomService;
  /** Escape hatch: the availability SLO. */
  public readonly availabilitySlo: MonitoringSlo;
  /** Escape hatch: the latency SLO. */
  public readonly latencySlo: MonitoringSlo;
  /** Every alert policy created, burn-rate first. */
  public readonly alertPolicies: MonitoringAlertPolicy[] = [];
  /** The log-based conversation-quality metrics. */
  public readonly conversationMetrics: ConversationMetrics;
  /** The uptime check, when `uptimeHost` was given. */
  public readonly uptimeCheck?: MonitoringUptimeCheckConfig;
  /** Escape hatch: the dashboard. */
  public readonly dashboard: MonitoringDashboard;
  /** The availability SLO's burn-rate alerts: windows, burn rates and the error rates they mean. */
  public readonly availabilityBurnRates: BurnRateAlertSpec[];
  /** The latency SLO's burn-rate alerts: windows, burn rates and the slow-request rates they mean. */
  public readonly latencyBurnRates: BurnRateAlertSpec[];

  /** The runbook name of every alert policy, in creation order: the alerts' kinds for incident response. */
  public readonly alertKinds: string[] = [];
  /** The latency SLO's objective (percent), threshold and window, for impact assessment. */
  public readonly latencyObjective: number;
  public readonly latencyThreshold: Duration;
  public readonly window: SloWindow;

  private readonly p: ResolvedSloAlertingProps;
  private readonly signals: RequestSignals;
  private readonly env: string;
  private readonly projectId: string;

  constructor(scope: Construct, id: string, props: SloAlertingProps) {
    super(scope, id);
    const platform = PlatformStack.find(this);
    const production = props.production ?? platform?.production ?? false;
    const pageChannels = props.pageChannels ?? [];
    this.p = {
      ...props,
      name: props.name ?? id.toLowerCase(),
      production,
      availabilityObjective: props.availabilityObjective ?? 99.9,
      latencyObjective: props.latencyObjective ?? 95,
      latencyThreshold: props.latencyThreshold ?? Duration.millis(800),
      window: props.window ?? SloWindow.ROLLING_30_DAYS,
      pageChannels,
      ticketChannels: props.ticketChannels ?? pageChannels,
      saturationRatio: props.saturationRatio ?? 0.8,
      forecastHorizon: props.forecastHorizon ?? Duration.hours(6),
      degradedRatioThreshold: props.degradedRatioThreshold ?? 0.05,
      noMatchRatioThreshold: props.noMatchRatioThreshold ?? 0.3,
      qualityScoreTarget: props.qualityScoreTarget ?? 0.7,
      conversationQualityAlert: props.conversationQualityAlert ?? true,
      autoClose: props.autoClose ?? Duration.hours(6),
    };
    validateProps(this.node.path, this.p, SLO_ALERTING_RULES);
    const p = this.p;
    this.latencyObjective = p.latencyObjective;
    this.latencyThreshold = p.latencyThreshold;
    this.window = p.window;
    this.signals = p.target.signals;
    this.env = alertEnvironment(this, production);
    this.projectId = platform?.projectId ?? new DataGoogleClientConfig(this, 'client').project;
    this.availabilityBurnRates = burnRateAlerts(fraction(p.availabilityObjective), p.window.days);
    this.latencyBurnRates = burnRateAlerts(fraction(p.latencyObjective), p.window.days);

    this.service = new MonitoringCustomService(this, 'service', {
      serviceId: p.name,
      displayName: `Webhook ${this.signals.serviceName}`,
      userLabels: { ...this.labels(), ...this.signals.resourceLabels },
    });
    this.availabilitySlo = new MonitoringSlo(this, 'availability-slo', {
      service: this.service.serviceId,
      sloId: `${p.name}-availability`,
      displayName: `${p.availabilityObjective}% of webhook requests succeed (no 5xx), rolling ${p.window.days} days`,
      goal: fraction(p.availabilityObjective),
      rollingPeriodDays: p.window.days,
      requestBasedSli: {
        goodTotalRatio: { badServiceFilter: this.signals.badRequestsFilter, totalServiceFilter: this.signals.totalRequestsFilter },
      },
      userLabels: this.labels({ sli: 'availability' }),
    });
    this.latencySlo = new MonitoringSlo(this, 'latency-slo', {
      service: this.service.serviceId,
      sloId: `${p.name}-latency`,
      displayName: `${p.latencyObjective}% of webhook requests under ${p.latencyThreshold.toMilliseconds()} ms, rolling ${p.window.days} days`,
      goal: fraction(p.latencyObjective),
      rollingPeriodDays: p.window.days,
      requestBasedSli: {
        distributionCut: {
          distributionFilter: this.signals.latencyFilter,
          range: { max: p.latencyThreshold.toMilliseconds() * this.signals.latencyUnitsPerMs },
        },
      },
      userLabels: this.labels({ sli: 'latency' }),
    });

    const slos: SloKind[] = [
      {
        key: 'availability',
        slo: this.availabilitySlo,
        objective: p.availabilityObjective,
        describe: 'requests answered without a server error',
      },
      {
        key: 'latency',
        slo: this.latencySlo,
        objective: p.latencyObjective,
        describe: `requests answered within ${p.latencyThreshold.toMilliseconds()} ms`,
      },
    ];
    for (const slo of slos) this.burnRatePolicies(slo);

    this.conversationMetrics = new ConversationMetrics(this, 'conversation-metrics', { prefix: p.name, logFilter: this.signals.logFilter });
    this.forecastPolicies();
    this.qualityPolicies();
    if (p.uptimeHost) this.uptimeCheck = this.uptime(p.uptimeHost, p.uptimePath ?? '/healthz');
    // Legend templates (`${metric.labels.kind}`) are Monitoring syntax, not Terraform's: escaped.
    this.dashboard = new MonitoringDashboard(this, 'dashboard', {
      dashboardJson: terraformLiteral(JSON.stringify(this.dashboardJson(slos))),
    });
  }

  private labels(extra: { [key: string]: string } = {}): { [key: string]: string } {
    return { env: this.env, service: this.p.name, ...extra };
  }

  /** One policy per Workbook tier: long AND short window over the burn rate. */
  private burnRatePolicies(kind: SloKind): void {
    const p = this.p;
    const specs = kind.key === 'availability' ? this.availabilityBurnRates : this.latencyBurnRates;
    for (const spec of specs) {
      const long = humanDuration(spec.longWindowSeconds);
      const budget = `${spec.budgetConsumed * 100}%`;
      const condition = (seconds: number): MonitoringAlertPolicyConditions => ({
        displayName: `${kind.key} burn rate above ${spec.burnRate}x over ${humanDuration(seconds)}`,
        conditionThreshold: {
          filter: `select_slo_burn_rate("${kind.slo.id}", "${seconds}s")`,
          comparison: 'COMPARISON_GT',
          thresholdValue: spec.burnRate,
          duration: '0s',
          trigger: { count: 1 },
        },
      });
      this.alertPolicy({
        id: `${kind.key}-burn-${long}`,
        displayName: `${p.name}: ${kind.key} SLO burning ${budget} of its ${p.window.days}-day budget in ${long} (${spec.severity})`,
        severity: spec.severity,
        runbook: `slo-${kind.key}-burn`,
        labels: { sli: kind.key, burn_window: long },
        what:
          `The ${kind.key} SLO (${kind.objective}% of ${kind.describe}, rolling ${p.window.days} days) is burning its error budget ` +
          `more than ${spec.burnRate}x faster than sustainable, over both the last ${long} and the last ${humanDuration(spec.shortWindowSeconds)}: ` +
          `an error rate above ${(spec.errorRateThreshold * 100).toPrecision(3)}%. At this rate ${budget} of the period's budget goes in ${long} ` +
          `and all of it in about ${Math.round(spec.hoursToExhaustion)} hours.`,
        impact:
          kind.key === 'availability'
            ? "Dialogflow turns fail: callers hear the agent's webhook-error fallback instead of an answer."
            : 'Turns are slow: callers wait, and past the Dialogflow webhook timeout they hear the error fallback.',
        combiner: 'AND',
        conditions: [condition(spec.longWindowSeconds), condition(spec.shortWindowSeconds)],
      });
    }
  }

  /** Forecast alerts: warn hours before a limit is hit, while there is time to raise it. */
  private forecastPolicies(): void {
    const p = this.p;
    const s = this.signals;
    const ratio = p.saturationRatio;
    const percent = `${Math.round(ratio * 100)}%`;
    const forecast = (
      filter: string,
      threshold: number,
      groupByFields: string[],
      aligner = 'ALIGN_MAX',
      alignmentPeriod = '300s',
    ): MonitoringAlertPolicyConditions['conditionThreshold'] => ({
      filter,
      comparison: 'COMPARISON_GT',
      thresholdValue: threshold,
      duration: '0s',
      forecastOptions: { forecastHorizon: `${p.forecastHorizon.toSeconds()}s` },
      aggregations: [{ alignmentPeriod, perSeriesAligner: aligner, crossSeriesReducer: 'REDUCE_SUM', groupByFields }],
    });
    const horizon = `${p.forecastHorizon.toHours()} h`;

    if (s.instancesFilter && s.maxInstances !== undefined) {
      this.alertPolicy({
        id: 'instances-forecast',
        displayName: `${p.name}: instances forecast to reach ${percent} of max (${s.maxInstances}) within ${horizon}`,
        severity: AlertSeverity.TICKET,
        runbook: 'cloud-run-saturation',
        labels: { saturation: 'instances' },
        what: `The instance count of ${s.serviceName} in a region is forecast to pass ${percent} of its ceiling of ${s.maxInstances} within ${horizon}.`,
        impact: 'At the ceiling new requests queue and then fail with 429/503: turns fail or time out in that region.',
        conditions: [
          {
            displayName: `instances above ${ratio * s.maxInstances} (forecast ${horizon})`,
            conditionThreshold: forecast(s.instancesFilter, ratio * s.maxInstances, [s.regionLabel]),
          },
        ],
      });
    }
    for (const [index, databaseId] of (p.database?.cloudSqlDatabaseIds ?? []).entries()) {
      const scope = `resource.type="cloudsql_database" resource.label.database_id="${databaseId}"`;
      const max = p.database?.maxConnections || DEFAULT_MAX_CONNECTIONS;
      this.alertPolicy({
        id: `cloud-sql-forecast-${forecastSuffix(databaseId, index)}`,
        displayName: `${p.name}: Cloud SQL ${databaseId} disk or connections forecast to reach ${percent} within ${horizon}`,
        severity: AlertSeverity.TICKET,
        runbook: 'cloud-sql-saturation',
        labels: { saturation: 'cloud_sql' },
        what: `Cloud SQL ${databaseId}: disk utilisation or connection count (max_connections ${max}) is forecast to pass ${percent} within ${horizon}.`,
        impact: 'A full disk stops writes; exhausted connections make new sessions fail: turns that read or write conversation state fail.',
        combiner: 'OR',
        conditions: [
          {
            displayName: `disk utilisation above ${percent} (forecast ${horizon})`,
            conditionThreshold: forecast(`metric.type="cloudsql.googleapis.com/database/disk/utilization" ${scope}`, ratio, [
              'resource.label.database_id',
            ]),
          },
          {
            displayName: `connections above ${ratio * max} (forecast ${horizon})`,
            conditionThreshold: forecast(`metric.type="cloudsql.googleapis.com/database/postgresql/num_backends" ${scope}`, ratio * max, [
              'resource.label.database_id',
            ]),
          },
        ],
      });
    }
    if (p.nlpQuotaPerMinute !== undefined) {
      this.alertPolicy({
        id: 'nlp-quota-forecast',
        displayName: `${p.name}: Natural Language requests forecast to reach ${percent} of quota (${p.nlpQuotaPerMinute}/min) within ${horizon}`,
        severity: AlertSeverity.TICKET,
        runbook: 'nlp-quota-saturation',
        labels: { saturation: 'nlp_quota' },
        what: `Cloud Natural Language API usage is forecast to pass ${percent} of the ${p.nlpQuotaPerMinute} requests/minute quota within ${horizon}.`,
        impact:
          'Over quota, NLP calls fail with RESOURCE_EXHAUSTED: the breaker opens and replies lose sentiment and entity enrichment (degraded).',
        conditions: [
          {
            displayName: `NLP requests/min above ${ratio * p.nlpQuotaPerMinute} (forecast ${horizon})`,
            conditionThreshold: forecast(
              'metric.type="serviceruntime.googleapis.com/quota/rate/net_usage" resource.type="consumer_quota" resource.label.service="language.googleapis.com"',
              ratio * p.nlpQuotaPerMinute,
              ['resource.label.service'],
              'ALIGN_SUM',
              '60s',
            ),
          },
        ],
      });
    }
  }

  /** Conversation-quality alerts: only the signals that mean users get worse answers. */
  private qualityPolicies(): void {
    const p = this.p;
    const m = this.conversationMetrics;
    const metric = (x: LoggingMetric): string =>
      `metric.type="${ConversationMetrics.metricType(x)}" resource.type="${this.signals.logResourceType}"`;
    const rate = (period: string): MonitoringAlertPolicyConditionsConditionThresholdAggregations[] => [
      { alignmentPeriod: period, perSeriesAligner: 'ALIGN_RATE', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['metric.label.region'] },
    ];
    const ratioCondition = (
      displayName: string,
      numerator: string,
      threshold: number,
      period: string,
    ): MonitoringAlertPolicyConditions => ({
      displayName,
      conditionThreshold: {
        filter: numerator,
        denominatorFilter: metric(m.turns),
        aggregations: rate(period),
        denominatorAggregations: rate(period),
        comparison: 'COMPARISON_GT',
        thresholdValue: threshold,
        duration: '0s',
      },
    });
    const percent = (x: number): string => `${Math.round(x * 1000) / 10}%`;

    this.alertPolicy({
      id: 'degraded-replies',
      displayName: `${p.name}: more than ${percent(p.degradedRatioThreshold)} of turns answered degraded`,
      severity: AlertSeverity.TICKET,
      runbook: 'webhook-degraded-replies',
      labels: { quality: 'degraded' },
      what: `More than ${percent(p.degradedRatioThreshold)} of webhook turns in a region were answered with a degraded reply over 10 minutes (log event webhook.turn, degraded=true).`,
      impact: 'Users still get an answer, but a weaker one: no sentiment routing, stale or generic content.',
      conditions: [
        ratioCondition(
          `degraded turns above ${percent(p.degradedRatioThreshold)}`,
          metric(m.degradedTurns),
          p.degradedRatioThreshold,
          '600s',
        ),
      ],
    });
    this.alertPolicy({
      id: 'no-match-rate',
      displayName: `${p.name}: more than ${percent(p.noMatchRatioThreshold)} of turns matched no intent`,
      severity: AlertSeverity.TICKET,
      runbook: 'webhook-no-match-rate',
      labels: { quality: 'no_match' },
      what: `More than ${percent(p.noMatchRatioThreshold)} of turns in a region matched no intent over 30 minutes (log event webhook.turn, noMatch=true).`,
      impact: 'Users are not understood: they repeat themselves, abandon, or ask for a human.',
      conditions: [
        ratioCondition(
          `no-match turns above ${percent(p.noMatchRatioThreshold)}`,
          metric(m.noMatchTurns),
          p.noMatchRatioThreshold,
          '1800s',
        ),
      ],
    });
    this.alertPolicy({
      id: 'nlp-breaker-open',
      displayName: `${p.name}: Natural Language circuit breaker opened`,
      severity: AlertSeverity.TICKET,
      runbook: 'nlp-breaker-open',
      labels: { quality: 'nlp_breaker' },
      what: 'The runtime opened its circuit breaker on Cloud Natural Language (log event nlp.breaker, state=open) in the last 5 minutes.',
      impact: 'While it is open, every turn skips NLP enrichment and is answered degraded.',
      conditions: [
        {
          displayName: 'NLP breaker opened',
          conditionThreshold: {
            filter: metric(m.breakerOpened),
            aggregations: [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_COUNT', crossSeriesReducer: 'REDUCE_SUM' }],
            comparison: 'COMPARISON_GT',
            thresholdValue: 0,
            duration: '0s',
          },
        },
      ],
    });
    if (p.conversationQualityAlert) {
      this.alertPolicy({
        id: 'conversation-quality',
        displayName: `${p.name}: mean conversation quality below ${p.qualityScoreTarget}`,
        severity: AlertSeverity.TICKET,
        runbook: 'conversation-quality-low',
        labels: { quality: 'conversation_quality' },
        what:
          `The mean quality score of the conversations that ended in a region (log event conversation.ended, qualityScore 0..1) ` +
          `has been below the target of ${p.qualityScoreTarget} over the last hour, for 30 minutes.`,
        impact:
          'Conversations go worse than they should even while the webhook is up: more no-matches, low-confidence answers, ' +
          'repeated questions and handoffs to a human.',
        conditions: [
          {
            displayName: `mean conversation quality below ${p.qualityScoreTarget} (1 h)`,
            conditionThreshold: {
              filter: metric(m.conversationQuality),
              // The mean of all conversations ended in the hour, per region (ALIGN_DELTA keeps each
              // series' distribution; REDUCE_MEAN weighs every conversation alike).
              aggregations: [
                {
                  alignmentPeriod: '3600s',
                  perSeriesAligner: 'ALIGN_DELTA',
                  crossSeriesReducer: 'REDUCE_MEAN',
                  groupByFields: ['metric.label.region'],
                },
              ],
              comparison: 'COMPARISON_LT',
              thresholdValue: p.qualityScoreTarget,
              duration: '1800s',
            },
          },
        ],
      });
    }
  }

  private uptime(host: string, path: string): MonitoringUptimeCheckConfig {
    const p = this.p;
    const check = new MonitoringUptimeCheckConfig(this, 'uptime-check', {
      displayName: `${p.name} https://${host}${path}`,
      timeout: '10s',
      period: '60s',
      selectedRegions: UPTIME_REGIONS,
      checkerType: 'STATIC_IP_CHECKERS',
      // The services only accept IAM-authenticated calls: the uptime service agent sends an ID token
      // and needs roles/run.invoker (ScalableWebhook.grantInvoke).
      httpCheck: {
        path,
        port: 443,
        useSsl: true,
        validateSsl: true,
        requestMethod: 'GET',
        serviceAgentAuthentication: { type: 'OIDC_TOKEN' },
        acceptedResponseStatusCodes: [{ statusClass: 'STATUS_CLASS_2XX' }],
      },
      monitoredResource: { type: 'uptime_url', labels: { project_id: this.projectId, host } },
      userLabels: this.labels(),
    });
    this.alertPolicy({
      id: 'uptime',
      displayName: `${p.name}: https://${host}${path} failing from two or more regions`,
      severity: AlertSeverity.PAGE,
      runbook: 'webhook-uptime',
      labels: { uptime: 'https' },
      what: `The uptime check on https://${host}${path} failed from at least two of ${UPTIME_REGIONS.join(', ')} for 2 minutes.`,
      impact: 'The public endpoint is unreachable or unhealthy from several continents: Dialogflow cannot reach the webhook.',
      conditions: [
        {
          displayName: 'uptime check failing in 2+ regions',
          conditionThreshold: {
            filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" resource.type="uptime_url" metric.label.check_id="${check.uptimeCheckId}"`,
            aggregations: [
              {
                alignmentPeriod: '300s',
                perSeriesAligner: 'ALIGN_NEXT_OLDER',
                crossSeriesReducer: 'REDUCE_COUNT_FALSE',
                groupByFields: ['resource.label.host'],
              },
            ],
            comparison: 'COMPARISON_GT',
            thresholdValue: 1,
            duration: '120s',
            trigger: { count: 1 },
          },
        },
      ],
    });
    return check;
  }

  /** Every policy: severity, channels, auto-close, re-notification, impact and runbook link. */
  private alertPolicy(spec: AlertSpec): MonitoringAlertPolicy {
    const p = this.p;
    const page = spec.severity === AlertSeverity.PAGE;
    const severity = page ? 'CRITICAL' : 'WARNING';
    const channels = notificationChannels(severity, p);
    const renotify = p.renotifyInterval ?? (page ? Duration.hours(1) : Duration.days(1));
    const runbook = Runbooks.url(this, spec.runbook);
    const policy = new MonitoringAlertPolicy(this, spec.id, {
      displayName: spec.displayName,
      combiner: spec.combiner ?? 'OR',
      severity,
      conditions: spec.conditions,
      notificationChannels: channels,
      alertStrategy: {
        autoClose: `${Math.round(p.autoClose.toSeconds())}s`,
        notificationChannelStrategy: channels && [{ notificationChannelNames: channels, renotifyInterval: `${renotify.toSeconds()}s` }],
      },
      documentation: {
        mimeType: 'text/markdown',
        subject: terraformLiteral(`[${spec.severity.toUpperCase()}] ${spec.displayName}`),
        content: terraformLiteral(
          [
            `**What fired:** ${spec.what}`,
            '',
            `**User impact:** ${spec.impact}`,
            '',
            `**Where:** ${this.signals.serviceName} in ${this.signals.regions.join(', ')} (environment ${this.env}).`,
            '',
            `**Error budget left:** https://console.cloud.google.com/monitoring/services/${p.name}?project=${this.projectId}`,
            '',
            `Runbook: ${runbook}`,
          ].join('\n'),
        ),
        links: [{ displayName: 'Runbook', url: runbook }],
      },
      // `runbook` names the alert's kind for the incident responder (correlation and actions).
      userLabels: this.labels({ severity: spec.severity, runbook: spec.runbook, ...spec.labels }),
    });
    this.alertPolicies.push(policy);
    this.alertKinds.push(spec.runbook);
    return policy;
  }

  private dashboardJson(slos: SloKind[]): Record<string, unknown> {
    const s = this.signals;
    const m = this.conversationMetrics;
    const byRegion = [s.regionLabel];
    const log = (metric: LoggingMetric): string =>
      `metric.type="${ConversationMetrics.metricType(metric)}" resource.type="${s.logResourceType}"`;
    const prom = (name: string, kind: string): string => `metric.type="prometheus.googleapis.com/${name}/${kind}"`;
    const widgets: w.Widget[] = [
      w.section('Golden signals', `Per region, for ${s.serviceName}`),
      w.lineChart('Requests per second', [w.rate(s.totalRequestsFilter, byRegion)], 'req/s'),
      w.lineChart('Server error ratio (5xx)', [w.ratio(s.badRequestsFilter, s.totalRequestsFilter, byRegion)], 'ratio'),
      w.lineChart(
        'Latency p95',
        [w.percentile(s.latencyFilter, 95, byRegion)],
        s.latencyUnitsPerMs === 1 ? 'ms' : 's',
        this.p.latencyThreshold.toMilliseconds() * s.latencyUnitsPerMs,
      ),
      ...(s.instancesFilter
        ? [w.lineChart('Instances', [w.gauge(s.instancesFilter, 'REDUCE_SUM', byRegion)], 'instances', s.maxInstances)]
        : []),
      w.section('SLOs', `Attainment and error budget, rolling ${this.p.window.days} days`),
      ...slos.flatMap((k) => [
        w.scorecard(`${k.key} attainment (target ${k.objective}%)`, w.sloSeries('select_slo_compliance', k.slo.id), fraction(k.objective)),
        w.scorecard(`${k.key} error budget left`, w.sloSeries('select_slo_budget_fraction', k.slo.id), 0),
        w.lineChart(
          `${k.key} burn rate (1 h)`,
          [{ timeSeriesFilter: { filter: `select_slo_burn_rate("${k.slo.id}", "3600s")` } }],
          'x budget',
          1,
        ),
      ]),
      w.section('Natural Language and cache', "From the runtime's Prometheus metrics (Managed Service for Prometheus)"),
      w.lineChart('NLP calls per second by outcome', [w.rate(prom('nlp_calls_total', 'counter'), ['metric.label.outcome'])], 'calls/s'),
      w.lineChart(
        'Cache hit ratio by tier',
        [
          w.ratio(`${prom('cache_requests_total', 'counter')} metric.label.result="hit"`, prom('cache_requests_total', 'counter'), [
            'metric.label.tier',
          ]),
        ],
        'ratio',
      ),
      w.lineChart(
        'NLP breaker state (0 closed, 1 half-open, 2 open)',
        [w.gauge(`${prom('breaker_state', 'gauge')} metric.label.dependency="nlp"`, 'REDUCE_MAX', byRegion)],
        'state',
        2,
      ),
      w.section('Conversation quality', "From the runtime's webhook.turn and nlp.breaker log events"),
      w.lineChart(
        'Degraded reply ratio',
        [w.ratio(log(m.degradedTurns), log(m.turns), ['metric.label.region'])],
        'ratio',
        this.p.degradedRatioThreshold,
      ),
      w.lineChart(
        'No-match ratio',
        [w.ratio(log(m.noMatchTurns), log(m.turns), ['metric.label.region'])],
        'ratio',
        this.p.noMatchRatioThreshold,
      ),
      w.lineChart('Mean sentiment', [w.gauge(log(m.sentiment), 'REDUCE_MEAN', ['metric.label.region'])], 'score (-1..1)'),
      w.lineChart('NLP breaker openings', [w.rate(log(m.breakerOpened))], 'per s'),
      ...this.analyticsWidgets(log, prom),
    ];
    return w.mosaicDashboard(`${this.p.name}: webhook SLOs and golden signals`, widgets);
  }

  /**
   * The continuous-improvement loop's view: quality, explicit feedback and experiments. Log-based
   * metrics where they exist (they work without a collector); the runtime's Prometheus metrics for
   * what only they label (quality signals, quality per handler tag).
   */
  private analyticsWidgets(log: (metric: LoggingMetric) => string, prom: (name: string, kind: string) => string): w.Widget[] {
    const m = this.conversationMetrics;
    const target = this.p.qualityScoreTarget;
    const byRegion = ['metric.label.region'];
    return [
      w.section(
        'Conversation analytics — quality, feedback, experiments',
        "From the runtime's webhook.turn, conversation.ended, feedback.received and experiment.exposure log events and its Prometheus quality metrics",
      ),
      w.lineChart(`Mean turn quality (target ${target})`, [w.distributionMean(log(m.turnQuality), byRegion)], 'score (0..1)', target),
      w.lineChart(
        `Mean conversation quality at end (target ${target})`,
        [w.distributionMean(log(m.conversationQuality), byRegion)],
        'score (0..1)',
        target,
      ),
      w.lineChart(
        'Quality signals per second by signal',
        [w.rate(prom('conversation_quality_signals_total', 'counter'), ['metric.label.signal'])],
        'signals/s',
      ),
      w.lineChart(
        'Mean turn quality by handler tag',
        [w.distributionMean(prom('conversation_turn_quality_score', 'histogram'), ['metric.label.tag'])],
        'score (0..1)',
        target,
      ),
      w.lineChart('Escalated conversation ratio', [w.ratio(log(m.conversationsEscalated), log(m.conversationsEnded), byRegion)], 'ratio'),
      w.lineChart('Thumbs-up ratio', [w.ratio(log(m.thumbsUp), `${log(m.feedback)} metric.label.kind="thumbs"`, byRegion)], 'ratio'),
      w.lineChart('CSAT mean (1..5)', [w.distributionMean(log(m.csat), byRegion)], 'score (1..5)'),
      w.stackedArea('Feedback per second by kind', w.rate(log(m.feedback), ['metric.label.kind']), 'feedback/s', '${metric.labels.kind}'),
      w.stackedArea(
        'Experiment exposures per second by variant',
        w.rate(log(m.experimentExposures), ['metric.label.experiment', 'metric.label.variant']),
        'exposures/s',
        '${metric.labels.experiment}: ${metric.labels.variant}',
      ),
      // Quality by variant is not charted: webhook.turn carries `experiments` as an object keyed by
      // experiment id, and a log-based metric can only extract a label from a fixed field path, so
      // it would need one metric per experiment (infrastructure changes for what is data); the
      // Prometheus histograms carry no variant label. The database has both: say where to look.
      w.markdown(
        'Quality by experiment variant',
        'Not charted: turns carry `experiments` keyed by experiment id, which a log-based metric cannot label generically. ' +
          'Per-variant quality and feedback come from the database: `npm run experiments:report` (with significance), `npm run analytics:report` (all flows and variants); ' +
          'which change to make next: `npm run improvement:prioritize`. The exposures chart shows whether assignment stays balanced between variants.',
      ),
    ];
  }
}

/**
 * The construct id suffix of a database's forecast policy (its Terraform address): the instance
 * name when it is a literal, else the database's position in `MultiRegionDb.cloudSqlDatabaseIds` (its shard).
 * Never the text of a token: its internal number would change the address with unrelated edits.
 */
function forecastSuffix(databaseId: string, index: number): string {
  if (isToken(databaseId)) return `db${index}`;
  return databaseId.split(':').pop()!.toLowerCase();
}

/** A percentage as a fraction without float noise (99.9 / 100 is 0.9990000000000001). */
function fraction(percent: number): number {
  return Number((percent / 100).toPrecision(10));
}
