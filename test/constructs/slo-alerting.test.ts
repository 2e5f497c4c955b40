import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Duration } from '../../constructs/core/duration';
import { DatabaseEngine } from '../../constructs/multi-region-db/multi-region-db';
import { MultiRegionDb } from '../../constructs/multi-region-db/multi-region-db';
import { FixedKeys } from '../helpers/fixed-keys';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { ScalableWebhook } from '../../constructs/scalable-webhook/scalable-webhook';
import { SloWindow } from '../../constructs/slo-alerting/burn-rate';
import { SloAlerting } from '../../constructs/slo-alerting/slo-alerting';
import { SloAlertingProps } from '../../constructs/slo-alerting/slo-alerting-props';
import { SloTarget } from '../../constructs/slo-alerting/slo-target';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../constructs/core/runbooks';
import { PlatformStack } from '../../constructs/core/platform-stack';
import { DEV_PROPS, IMAGE, Json, PROD_PROPS, platformStack, resources, synth } from '../helpers/synth';

const CHANNEL = 'projects/acme-convai-prod/notificationChannels/123';
const TICKETS = 'projects/acme-convai-prod/notificationChannels/456';
const NETWORK = 'projects/acme-convai-prod/global/networks/convai';

function webhookIn(stack: Construct, maxInstances = 10): ScalableWebhook {
  return new ScalableWebhook(stack, 'webhook', { image: IMAGE, domains: ['hook.acme.dev'], projectNumber: '42', maxInstances });
}

function build(extra: Partial<SloAlertingProps> = {}, stackProps = PROD_PROPS): { json: Json; slo: SloAlerting; stack: PlatformStack } {
  const stack = platformStack(stackProps);
  const webhook = webhookIn(stack);
  const slo = new SloAlerting(stack, 'slo', {
    target: SloTarget.cloudRun({ services: webhook.services }),
    pageChannels: [CHANNEL],
    ...extra,
  });
  return { json: synth(stack), slo, stack };
}

const dashboardOf = (json: Json): Json => JSON.parse(Object.values(resources(json, 'google_monitoring_dashboard'))[0].dashboard_json);
const policies = (json: Json): Json[] => Object.values(resources(json, 'google_monitoring_alert_policy'));
const policy = (json: Json, name: RegExp): Json => {
  const found = policies(json).filter((p) => name.test(p.display_name));
  if (found.length !== 1) throw new Error(`expected one policy matching ${name}, found ${found.length}`);
  return found[0];
};

/** Fastest burn first (synthesized JSON orders resources by logical id). */
const byBurnRate = (ps: Json[]): Json[] =>
  [...ps].sort((a, b) => b.conditions[0].condition_threshold.threshold_value - a.conditions[0].condition_threshold.threshold_value);

describe('SLOs', () => {
  test('defaults: custom service, 99.9% availability (5xx bad) and 95% under 800 ms, rolling 30 days', () => {
    const { json } = build();
    const service = Object.values(resources(json, 'google_monitoring_custom_service'));
    expect(service).toEqual([expect.objectContaining({ service_id: 'slo', display_name: 'Webhook webhook' })]);
    // References to every watched Cloud Run service, so the policy gate sees them (CKV_CONVAI_45).
    const runServices = Object.keys(resources(json, 'google_cloud_run_v2_service'));
    const byRegion = Object.fromEntries(
      Object.entries(resources(json, 'google_cloud_run_v2_service')).map(([id, s]) => [
        `run_${s.location}`,
        `\${google_cloud_run_v2_service.${id}.name}`,
      ]),
    );
    expect(runServices).toHaveLength(3);
    // Its own labels, plus the platform labels (PlatformLabels labels Monitoring user_labels too).
    expect(service[0].user_labels).toEqual({
      env: 'prod',
      service: 'slo',
      team: 'convai',
      'cost-center': 'cc-42',
      'managed-by': 'cdktf',
      ...byRegion,
    });
    const slos = Object.values(resources(json, 'google_monitoring_slo'));
    const availability = slos.find((s) => s.slo_id === 'slo-availability')!;
    expect(availability.goal).toBe(0.999);
    expect(availability.rolling_period_days).toBe(30);
    expect(availability.request_based_sli.good_total_ratio.bad_service_filter).toBe(
      'metric.type="run.googleapis.com/request_count" resource.type="cloud_run_revision" resource.label.service_name="webhook" metric.label.response_code_class="5xx"',
    );
    expect(availability.request_based_sli.good_total_ratio.total_service_filter).toContain('resource.label.service_name="webhook"');
    const latency = slos.find((s) => s.slo_id === 'slo-latency')!;
    expect(latency.goal).toBe(0.95);
    expect(latency.request_based_sli.distribution_cut.range).toEqual({ max: 800 });
    expect(latency.request_based_sli.distribution_cut.distribution_filter).toContain('run.googleapis.com/request_latencies');
  });

  test('objectives, threshold and window are props', () => {
    const { json } = build({
      availabilityObjective: 99.5,
      latencyObjective: 99,
      latencyThreshold: Duration.millis(300),
      window: SloWindow.ROLLING_28_DAYS,
    });
    const slos = Object.values(resources(json, 'google_monitoring_slo'));
    expect(slos.map((s) => [s.goal, s.rolling_period_days])).toEqual([
      [0.995, 28],
      [0.99, 28],
    ]);
    expect(slos[1].request_based_sli.distribution_cut.range.max).toBe(300);
  });

  test("GKE workload: SLIs from the runtime's Prometheus metrics, latency threshold in seconds", () => {
    const stack = platformStack(DEV_PROPS);
    new SloAlerting(stack, 'gke', {
      target: SloTarget.gkeWorkload({
        cluster: 'convai',
        location: 'us-central1',
        namespace: 'webhook',
        service: 'webhook',
        maxReplicas: 30,
      }),
    });
    const json = synth(stack);
    const slos = Object.values(resources(json, 'google_monitoring_slo'));
    expect(slos[0].request_based_sli.good_total_ratio.bad_service_filter).toContain(
      'metric.type="prometheus.googleapis.com/webhook_requests_total/counter" resource.type="prometheus_target" resource.label.cluster="convai"',
    );
    expect(slos[0].request_based_sli.good_total_ratio.bad_service_filter).toContain('metric.label.code=starts_with("5")');
    expect(slos[1].request_based_sli.distribution_cut.range.max).toBe(0.8);
    expect(policy(json, /instances forecast/).conditions[0].condition_threshold.threshold_value).toBe(24);
  });
});

describe('burn-rate alerts', () => {
  test('three policies per SLO, each two select_slo_burn_rate conditions combined with AND', () => {
    const { json } = build();
    for (const sli of ['availability', 'latency']) {
      const burn = byBurnRate(policies(json).filter((p) => p.user_labels.sli === sli));
      expect(
        burn.map((p) => [
          p.user_labels.severity,
          p.severity,
          p.combiner,
          p.conditions.map((c: Json) => [c.condition_threshold.filter.replace(/".*?",/, '"SLO",'), c.condition_threshold.threshold_value]),
        ]),
      ).toEqual([
        [
          'page',
          'CRITICAL',
          'AND',
          [
            ['select_slo_burn_rate("SLO", "3600s")', 14.4],
            ['select_slo_burn_rate("SLO", "300s")', 14.4],
          ],
        ],
        [
          'page',
          'CRITICAL',
          'AND',
          [
            ['select_slo_burn_rate("SLO", "21600s")', 6],
            ['select_slo_burn_rate("SLO", "1800s")', 6],
          ],
        ],
        [
          'ticket',
          'WARNING',
          'AND',
          [
            ['select_slo_burn_rate("SLO", "259200s")', 1],
            ['select_slo_burn_rate("SLO", "21600s")', 1],
          ],
        ],
      ]);
      const slo = Object.entries(resources(json, 'google_monitoring_slo')).find(([, s]) => s.slo_id === `slo-${sli}`)![0];
      for (const p of burn) expect(p.conditions[0].condition_threshold.filter).toContain(`\${google_monitoring_slo.${slo}.id}`);
    }
  });

  test('the escape hatches carry the arithmetic of each objective', () => {
    const { slo } = build({ availabilityObjective: 99.5, latencyObjective: 99 });
    expect(slo.availabilityBurnRates.map((a) => a.errorRateThreshold)).toEqual([0.072, 0.03, 0.005]);
    expect(slo.latencyBurnRates.map((a) => a.errorRateThreshold)).toEqual([0.144, 0.06, 0.01]);
  });

  test('a 28-day window moves the thresholds (13.44 / 5.6 / 0.9333)', () => {
    const { json } = build({ window: SloWindow.ROLLING_28_DAYS });
    const thresholds = byBurnRate(policies(json).filter((p) => p.user_labels.sli === 'availability')).map(
      (p) => p.conditions[0].condition_threshold.threshold_value,
    );
    expect(thresholds).toEqual([13.44, 5.6, 0.9333333333]);
  });

  test('documentation states the error rate this objective allows and links the runbook', () => {
    const { json } = build({ availabilityObjective: 99 });
    const page = policy(json, /availability SLO burning 2% .* in 1h/);
    expect(page.documentation.content).toContain('an error rate above 14.4%');
    expect(page.documentation.content).toContain('all of it in about 50 hours');
    expect(page.documentation.content).toContain('us-central1, europe-west1, asia-northeast1');
    expect(page.documentation.content).toContain(`Runbook: ${DEFAULT_RUNBOOK_BASE_URL}/slo-availability-burn.md`);
    expect(page.documentation.links).toEqual([{ display_name: 'Runbook', url: `${DEFAULT_RUNBOOK_BASE_URL}/slo-availability-burn.md` }]);
  });
});

describe('noise reduction and routing', () => {
  test('pages go to page channels, tickets to ticket channels; auto-close and re-notify per severity', () => {
    const { json } = build({ ticketChannels: [TICKETS] });
    for (const p of policies(json)) {
      const page = p.user_labels.severity === 'page';
      expect(p.notification_channels).toEqual([page ? CHANNEL : TICKETS]);
      expect(p.alert_strategy.auto_close).toBe('21600s');
      expect(p.alert_strategy.notification_channel_strategy).toEqual([
        { notification_channel_names: [page ? CHANNEL : TICKETS], renotify_interval: page ? '3600s' : '86400s' },
      ]);
      expect(p.user_labels).toEqual(expect.objectContaining({ env: 'prod', service: 'slo', severity: page ? 'page' : 'ticket' }));
    }
  });

  test('tickets default to the page channels; autoClose and renotifyInterval are props', () => {
    const { json } = build({ autoClose: Duration.hours(1), renotifyInterval: Duration.minutes(30) });
    const ticket = policy(json, /degraded/);
    expect(ticket.notification_channels).toEqual([CHANNEL]);
    expect(ticket.alert_strategy).toEqual({
      auto_close: '3600s',
      notification_channel_strategy: [{ notification_channel_names: [CHANNEL], renotify_interval: '1800s' }],
    });
  });

  test('outside production, no channels is allowed and no channel strategy is emitted', () => {
    const { json } = build({ pageChannels: undefined }, DEV_PROPS);
    for (const p of policies(json)) {
      expect(p.notification_channels).toBeUndefined();
      expect(p.alert_strategy.notification_channel_strategy).toBeUndefined();
      expect(p.user_labels.env).toBe('dev');
    }
  });
});

describe('forecast alerts', () => {
  const forecastOf = (p: Json): Json => p.conditions.map((c: Json) => c.condition_threshold.forecast_options);

  test('instances: 80% of maxInstances, 6 h ahead, per region', () => {
    const { json } = build();
    const p = policy(json, /instances forecast/);
    const t = p.conditions[0].condition_threshold;
    expect(t.filter).toBe(
      'metric.type="run.googleapis.com/container/instance_count" resource.type="cloud_run_revision" resource.label.service_name="webhook"',
    );
    expect(t.threshold_value).toBe(8);
    expect(t.forecast_options).toEqual({ forecast_horizon: '21600s' });
    expect(t.aggregations[0].group_by_fields).toEqual(['resource.label.location']);
    expect(p.user_labels.severity).toBe('ticket');
  });

  test('Cloud SQL disk and connections, NLP quota: only when configured', () => {
    expect(policies(build().json).filter((p) => /Cloud SQL|Natural Language requests/.test(p.display_name))).toEqual([]);
    const stack = platformStack(PROD_PROPS);
    const webhook = webhookIn(stack);
    const database = new MultiRegionDb(stack, 'db', { network: NETWORK, encryptionKeys: new FixedKeys() });
    const slo = new SloAlerting(stack, 'slo', {
      target: SloTarget.fromWebhook(webhook),
      pageChannels: [CHANNEL],
      database,
      nlpQuotaPerMinute: 600,
      saturationRatio: 0.9,
      forecastHorizon: Duration.hours(12),
    });
    const json = synth(stack);
    expect(slo.alertPolicies.filter((p) => p.node.id.startsWith('cloud-sql')).map((p) => p.node.id)).toEqual(['cloud-sql-forecast-db-s0']);
    // max_connections from the database's tier (Enterprise Plus, 2 vCPUs: 500).
    expect(database.maxConnections).toBe(500);
    const sql = policy(json, /Cloud SQL acme-convai-prod:db-s0/);
    expect(sql.combiner).toBe('OR');
    expect(sql.conditions.map((c: Json) => [c.condition_threshold.filter.split(' ')[0], c.condition_threshold.threshold_value])).toEqual([
      ['metric.type="cloudsql.googleapis.com/database/disk/utilization"', 0.9],
      ['metric.type="cloudsql.googleapis.com/database/postgresql/num_backends"', 450],
    ]);
    expect(forecastOf(sql)).toEqual([{ forecast_horizon: '43200s' }, { forecast_horizon: '43200s' }]);
    const nlp = policy(json, /Natural Language requests forecast/);
    expect(nlp.conditions[0].condition_threshold.filter).toContain('resource.label.service="language.googleapis.com"');
    expect(nlp.conditions[0].condition_threshold.threshold_value).toBe(540);
    expect(nlp.documentation.content).toContain('/nlp-quota-saturation.md');
  });

  // A token's text in a construct id leaks its internal number into the Terraform address.
  test('Cloud SQL forecast ids: the literal instance name, else the shard, never a token', () => {
    const literal = platformStack(PROD_PROPS);
    new SloAlerting(literal, 'slo', {
      target: SloTarget.fromWebhook(webhookIn(literal)),
      pageChannels: [CHANNEL],
      database: new MultiRegionDb(literal, 'db', { name: 'convai-db', network: NETWORK, encryptionKeys: new FixedKeys() }),
    });
    expect(Object.keys(resources(synth(literal), 'google_monitoring_alert_policy')).filter((id) => id.includes('cloud-sql'))).toEqual([
      expect.stringMatching(/^slo_cloud-sql-forecast-convai-db-s0_[0-9A-F]{8}$/),
    ]);
    const stack = platformStack(PROD_PROPS);
    const name = new TerraformVariable(stack, 'db-name', { type: 'string' }).stringValue;
    const slo = new SloAlerting(stack, 'slo', {
      target: SloTarget.fromWebhook(webhookIn(stack)),
      pageChannels: [CHANNEL],
      database: new MultiRegionDb(stack, 'db', { name, shards: 2, network: NETWORK, encryptionKeys: new FixedKeys() }),
    });
    const forecasts = slo.alertPolicies.filter((p) => p.node.id.startsWith('cloud-sql'));
    expect(forecasts.map((p) => p.node.id)).toEqual(['cloud-sql-forecast-db0', 'cloud-sql-forecast-db1']);
  });

  test('a Firestore database has nothing to forecast', () => {
    const stack = platformStack(PROD_PROPS);
    const slo = new SloAlerting(stack, 'slo', {
      target: SloTarget.fromWebhook(webhookIn(stack)),
      pageChannels: [CHANNEL],
      database: new MultiRegionDb(stack, 'db', { engine: DatabaseEngine.firestore(), encryptionKeys: new FixedKeys() }),
    });
    expect(slo.alertPolicies.filter((p) => p.node.id.startsWith('cloud-sql'))).toEqual([]);
  });
});

describe('conversation quality', () => {
  test('log-based metrics from the runtime events, scoped to the service', () => {
    const { json } = build();
    const metrics = Object.values(resources(json, 'google_logging_metric'));
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
    expect(Object.keys(byName).sort()).toEqual(
      [
        'slo-conversation-quality',
        'slo-conversations-ended',
        'slo-conversations-escalated',
        'slo-csat',
        'slo-degraded-turns',
        'slo-experiment-exposures',
        'slo-feedback',
        'slo-nlp-breaker-opened',
        'slo-no-match-turns',
        'slo-sentiment',
        'slo-thumbs-up',
        'slo-turn-quality',
        'slo-turns',
      ].sort(),
    );
    const scope = 'resource.type="cloud_run_revision" resource.labels.service_name="webhook"';
    expect(byName['slo-degraded-turns'].filter).toBe(`${scope} AND jsonPayload.event="webhook.turn" AND jsonPayload.degraded=true`);
    expect(byName['slo-no-match-turns'].filter).toContain('jsonPayload.noMatch=true');
    expect(byName['slo-nlp-breaker-opened'].filter).toBe(`${scope} AND jsonPayload.event="nlp.breaker" AND jsonPayload.state="open"`);
    expect(byName['slo-sentiment'].value_extractor).toBe('EXTRACT(jsonPayload.sentimentScore)');
    expect(byName['slo-sentiment'].metric_descriptor.value_type).toBe('DISTRIBUTION');
    expect(byName['slo-turns'].label_extractors).toEqual({
      region: 'EXTRACT(jsonPayload.region)',
      protocol: 'EXTRACT(jsonPayload.protocol)',
    });
  });

  test('quality scores: 0..1 distributions of turns and ended conversations, 20 buckets of 0.05, by region', () => {
    const byName = Object.fromEntries(Object.values(resources(build().json, 'google_logging_metric')).map((m) => [m.name, m]));
    const scope = 'resource.type="cloud_run_revision" resource.labels.service_name="webhook"';
    expect(byName['slo-turn-quality'].filter).toBe(`${scope} AND jsonPayload.event="webhook.turn" AND jsonPayload.qualityScore:*`);
    expect(byName['slo-conversation-quality'].filter).toBe(
      `${scope} AND jsonPayload.event="conversation.ended" AND jsonPayload.qualityScore:*`,
    );
    for (const name of ['slo-turn-quality', 'slo-conversation-quality']) {
      const metric = byName[name];
      expect(metric.value_extractor).toBe('EXTRACT(jsonPayload.qualityScore)');
      expect(metric.metric_descriptor).toEqual(expect.objectContaining({ metric_kind: 'DELTA', value_type: 'DISTRIBUTION', unit: '1' }));
      expect(metric.metric_descriptor.labels.map((l: Json) => l.key)).toEqual(['region']);
      expect(metric.label_extractors).toEqual({ region: 'EXTRACT(jsonPayload.region)' });
      expect(metric.bucket_options).toEqual({ linear_buckets: { num_finite_buckets: 20, width: 0.05, offset: 0 } });
    }
    expect(byName['slo-conversations-ended'].filter).toBe(`${scope} AND jsonPayload.event="conversation.ended"`);
    expect(byName['slo-conversations-escalated'].filter).toBe(
      `${scope} AND jsonPayload.event="conversation.ended" AND jsonPayload.escalated=true`,
    );
    expect(byName['slo-conversations-escalated'].metric_descriptor.value_type).toBe('INT64');
  });

  test('feedback: thumbs and CSAT apart (count by kind, thumbs up, CSAT 1..5 one bucket per score); exposures by experiment and variant', () => {
    const byName = Object.fromEntries(Object.values(resources(build().json, 'google_logging_metric')).map((m) => [m.name, m]));
    const feedback = 'resource.type="cloud_run_revision" resource.labels.service_name="webhook" AND jsonPayload.event="feedback.received"';
    expect(byName['slo-feedback'].filter).toBe(feedback);
    expect(byName['slo-feedback'].metric_descriptor.value_type).toBe('INT64');
    expect(byName['slo-feedback'].label_extractors).toEqual({ region: 'EXTRACT(jsonPayload.region)', kind: 'EXTRACT(jsonPayload.kind)' });
    expect(byName['slo-feedback'].metric_descriptor.labels.map((l: Json) => l.key)).toEqual(['region', 'kind']);
    expect(byName['slo-thumbs-up'].filter).toBe(`${feedback} AND jsonPayload.kind="thumbs" AND jsonPayload.score=1`);
    const csat = byName['slo-csat'];
    expect(csat.filter).toBe(`${feedback} AND jsonPayload.kind="csat"`);
    expect(csat.value_extractor).toBe('EXTRACT(jsonPayload.score)');
    expect(csat.metric_descriptor.value_type).toBe('DISTRIBUTION');
    // Buckets [0.5, 1.5) .. [4.5, 5.5): scores 1..5 each in their own bucket, none under- or overflowing.
    const { offset, width, num_finite_buckets: n } = csat.bucket_options.linear_buckets;
    const bucketOf = (score: number): number => Math.floor((score - offset) / width);
    expect([1, 2, 3, 4, 5].map(bucketOf)).toEqual([0, 1, 2, 3, 4]);
    expect(n).toBe(5);
    const exposures = byName['slo-experiment-exposures'];
    expect(exposures.filter).toBe(
      'resource.type="cloud_run_revision" resource.labels.service_name="webhook" AND jsonPayload.event="experiment.exposure"',
    );
    expect(exposures.label_extractors).toEqual({
      region: 'EXTRACT(jsonPayload.region)',
      experiment: 'EXTRACT(jsonPayload.experiment)',
      variant: 'EXTRACT(jsonPayload.variant)',
    });
    expect(exposures.metric_descriptor.labels.map((l: Json) => l.key)).toEqual(['region', 'experiment', 'variant']);
  });

  test('degraded and no-match ratios per region, breaker openings: tickets with their thresholds', () => {
    const { json } = build({ degradedRatioThreshold: 0.1 });
    const degraded = policy(json, /degraded/).conditions[0].condition_threshold;
    expect(degraded.threshold_value).toBe(0.1);
    expect(degraded.filter).toMatch(
      /^metric.type="logging.googleapis.com\/user\/\$\{google_logging_metric\.slo_conversation-metrics_degraded-turns_\w+\.name\}"/,
    );
    expect(degraded.denominator_filter).toMatch(/user\/\$\{google_logging_metric\.slo_conversation-metrics_turns_\w+\.name\}/);
    expect(degraded.aggregations[0].group_by_fields).toEqual(['metric.label.region']);
    expect(policy(json, /matched no intent/).conditions[0].condition_threshold.threshold_value).toBe(0.3);
    expect(policy(json, /breaker opened/).conditions[0].condition_threshold.threshold_value).toBe(0);
  });
});

describe('conversation quality alert', () => {
  test('ticket when the hourly mean of ended conversations stays below qualityScoreTarget (0.7) for 30 min, per region', () => {
    const { json } = build({ ticketChannels: [TICKETS] });
    const alert = policy(json, /mean conversation quality below/);
    expect(alert.display_name).toBe('slo: mean conversation quality below 0.7');
    expect(alert.severity).toBe('WARNING');
    expect(alert.user_labels).toEqual(expect.objectContaining({ severity: 'ticket', quality: 'conversation_quality' }));
    expect(alert.notification_channels).toEqual([TICKETS]);
    const condition = alert.conditions[0].condition_threshold;
    expect(condition.filter).toMatch(
      /^metric.type="logging.googleapis.com\/user\/\$\{google_logging_metric\.slo_conversation-metrics_conversation-quality_\w+\.name\}" resource.type="cloud_run_revision"$/,
    );
    expect(condition.comparison).toBe('COMPARISON_LT');
    expect(condition.threshold_value).toBe(0.7);
    expect(condition.duration).toBe('1800s');
    expect(condition.aggregations).toEqual([
      {
        alignment_period: '3600s',
        per_series_aligner: 'ALIGN_DELTA',
        cross_series_reducer: 'REDUCE_MEAN',
        group_by_fields: ['metric.label.region'],
      },
    ]);
    const runbook = `${DEFAULT_RUNBOOK_BASE_URL}/conversation-quality-low.md`;
    expect(alert.documentation.content).toContain(`Runbook: ${runbook}`);
    expect(alert.documentation.links).toEqual([{ display_name: 'Runbook', url: runbook }]);
  });

  test('qualityScoreTarget moves the threshold and the dashboard lines; conversationQualityAlert: false removes the alert', () => {
    const { json } = build({ qualityScoreTarget: 0.8 });
    expect(policy(json, /mean conversation quality below 0.8/).conditions[0].condition_threshold.threshold_value).toBe(0.8);
    const tiles: Json[] = dashboardOf(json).mosaicLayout.tiles;
    const chart = (title: string): Json => tiles.find((t) => t.widget.title === title)!.widget.xyChart;
    expect(chart('Mean turn quality (target 0.8)').thresholds).toEqual([{ value: 0.8 }]);
    expect(chart('Mean conversation quality at end (target 0.8)').thresholds).toEqual([{ value: 0.8 }]);
    const off = build({ conversationQualityAlert: false }).json;
    expect(policies(off).filter((p) => /conversation quality/.test(p.display_name))).toEqual([]);
    expect(policies(off)).toHaveLength(policies(build().json).length - 1);
  });
});

describe('uptime check', () => {
  test('HTTPS from three continents with the service agent ID token, and a page when 2+ fail', () => {
    const { json } = build({ uptimeHost: 'hook.acme.dev' });
    const [check] = Object.entries(resources(json, 'google_monitoring_uptime_check_config'));
    expect(check[1].selected_regions).toEqual(['USA', 'EUROPE', 'ASIA_PACIFIC']);
    expect(check[1].http_check).toEqual(
      expect.objectContaining({
        path: '/healthz',
        port: 443,
        use_ssl: true,
        validate_ssl: true,
        service_agent_authentication: { type: 'OIDC_TOKEN' },
      }),
    );
    expect(check[1].monitored_resource).toEqual({ type: 'uptime_url', labels: { project_id: 'acme-convai-prod', host: 'hook.acme.dev' } });
    const alert = policy(json, /failing from two or more regions/);
    expect(alert.user_labels.severity).toBe('page');
    expect(alert.conditions[0].condition_threshold.filter).toContain(
      `\${google_monitoring_uptime_check_config.${check[0]}.uptime_check_id}`,
    );
    expect(alert.conditions[0].condition_threshold.aggregations[0].cross_series_reducer).toBe('REDUCE_COUNT_FALSE');
    expect(alert.conditions[0].condition_threshold.threshold_value).toBe(1);
  });

  test('no uptimeHost, no uptime check', () => {
    expect(resources(build().json, 'google_monitoring_uptime_check_config')).toEqual({});
  });
});

describe('dashboard', () => {
  test('typed widgets: golden signals, SLOs, NLP and cache, conversation quality, on a 48-column mosaic', () => {
    const { json } = build();
    const dashboard = JSON.parse(Object.values(resources(json, 'google_monitoring_dashboard'))[0].dashboard_json);
    const tiles: Json[] = dashboard.mosaicLayout.tiles;
    const sections = tiles.filter((t) => t.widget.sectionHeader).map((t) => t.widget.title);
    expect(sections).toEqual([
      'Golden signals',
      'SLOs',
      'Natural Language and cache',
      'Conversation quality',
      'Conversation analytics — quality, feedback, experiments',
    ]);
    for (const t of tiles) expect(t.xPos + t.width).toBeLessThanOrEqual(48);
    const titles = tiles.map((t) => t.widget.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Requests per second',
        'Latency p95',
        'Instances',
        'Cache hit ratio by tier',
        'Degraded reply ratio',
        'Mean sentiment',
      ]),
    );
    const attainment = tiles.find((t) => t.widget.title === 'availability attainment (target 99.9%)')!.widget.scorecard;
    expect(attainment.timeSeriesQuery.timeSeriesFilter.filter).toMatch(
      /^select_slo_compliance\("\$\{google_monitoring_slo\.slo_availability-slo_\w+\.id\}"\)$/,
    );
    expect(attainment.thresholds).toEqual([{ value: 0.999, color: 'RED', direction: 'BELOW' }]);
    // No two tiles overlap.
    const cells = new Set<string>();
    for (const t of tiles)
      for (let x = t.xPos; x < t.xPos + t.width; x++)
        for (let y = t.yPos; y < t.yPos + t.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
  });
});

describe('dashboard: conversation analytics', () => {
  const tiles: Json[] = dashboardOf(build().json).mosaicLayout.tiles;
  const section = tiles.slice(tiles.findIndex((t) => t.widget.title === 'Conversation analytics — quality, feedback, experiments') + 1);
  const widget = (title: string): Json => {
    const found = section.filter((t) => t.widget.title === title);
    if (found.length !== 1) throw new Error(`expected one widget "${title}" in the analytics section, found ${found.length}`);
    return found[0].widget;
  };
  const dataSet = (title: string): Json => widget(title).xyChart.dataSets[0];
  const logMetric = (id: string): RegExp =>
    new RegExp(
      `^metric\\.type="logging\\.googleapis\\.com/user/\\$\\{google_logging_metric\\.slo_conversation-metrics_${id}_\\w+\\.name\\}" resource\\.type="cloud_run_revision"`,
    );

  test('the section comes last, with the widgets in order', () => {
    expect(section.map((t) => t.widget.title)).toEqual([
      'Mean turn quality (target 0.7)',
      'Mean conversation quality at end (target 0.7)',
      'Quality signals per second by signal',
      'Mean turn quality by handler tag',
      'Escalated conversation ratio',
      'Thumbs-up ratio',
      'CSAT mean (1..5)',
      'Feedback per second by kind',
      'Experiment exposures per second by variant',
      'Quality by experiment variant',
    ]);
  });

  test('quality means are count-weighted distribution means per region, with the target as threshold', () => {
    for (const [title, id] of [
      ['Mean turn quality (target 0.7)', 'turn-quality'],
      ['Mean conversation quality at end (target 0.7)', 'conversation-quality'],
    ]) {
      const { filter, aggregation } = dataSet(title).timeSeriesQuery.timeSeriesFilter;
      expect(filter).toMatch(logMetric(id));
      expect(aggregation).toEqual({
        alignmentPeriod: '300s',
        perSeriesAligner: 'ALIGN_DELTA',
        crossSeriesReducer: 'REDUCE_MEAN',
        groupByFields: ['metric.label.region'],
      });
      expect(widget(title).xyChart.thresholds).toEqual([{ value: 0.7 }]);
    }
    const csat = dataSet('CSAT mean (1..5)').timeSeriesQuery.timeSeriesFilter;
    expect(csat.filter).toMatch(logMetric('csat'));
    expect(csat.aggregation.perSeriesAligner).toBe('ALIGN_DELTA');
  });

  test("quality signals and quality per handler tag from the runtime's Prometheus metrics", () => {
    const signals = dataSet('Quality signals per second by signal').timeSeriesQuery.timeSeriesFilter;
    expect(signals.filter).toBe('metric.type="prometheus.googleapis.com/conversation_quality_signals_total/counter"');
    expect(signals.aggregation).toEqual(
      expect.objectContaining({ perSeriesAligner: 'ALIGN_RATE', groupByFields: ['metric.label.signal'] }),
    );
    const byTag = dataSet('Mean turn quality by handler tag').timeSeriesQuery.timeSeriesFilter;
    expect(byTag.filter).toBe('metric.type="prometheus.googleapis.com/conversation_turn_quality_score/histogram"');
    expect(byTag.aggregation).toEqual(expect.objectContaining({ perSeriesAligner: 'ALIGN_DELTA', groupByFields: ['metric.label.tag'] }));
  });

  test('ratios: escalated over ended conversations, thumbs up over thumbs feedback', () => {
    const escalated = dataSet('Escalated conversation ratio').timeSeriesQuery.timeSeriesFilterRatio;
    expect(escalated.numerator.filter).toMatch(logMetric('conversations-escalated'));
    expect(escalated.denominator.filter).toMatch(logMetric('conversations-ended'));
    const thumbs = dataSet('Thumbs-up ratio').timeSeriesQuery.timeSeriesFilterRatio;
    expect(thumbs.numerator.filter).toMatch(logMetric('thumbs-up'));
    expect(thumbs.denominator.filter).toMatch(logMetric('feedback'));
    expect(thumbs.denominator.filter).toMatch(/ metric\.label\.kind="thumbs"$/);
    expect(thumbs.numerator.aggregation.groupByFields).toEqual(['metric.label.region']);
  });

  // The synthesized JSON is read by Terraform first: `$${` is its escape for a literal `${`, so
  // Cloud Monitoring receives `${metric.labels.kind}` (unescaped, Terraform fails: undeclared "metric").
  test('feedback volume by kind and exposures per variant, stacked and named by their labels', () => {
    const feedback = dataSet('Feedback per second by kind');
    expect(feedback.plotType).toBe('STACKED_AREA');
    expect(feedback.legendTemplate).toBe('$${metric.labels.kind}');
    expect(feedback.timeSeriesQuery.timeSeriesFilter.filter).toMatch(logMetric('feedback'));
    expect(feedback.timeSeriesQuery.timeSeriesFilter.aggregation.groupByFields).toEqual(['metric.label.kind']);
    const exposures = dataSet('Experiment exposures per second by variant');
    expect(exposures.plotType).toBe('STACKED_AREA');
    expect(exposures.legendTemplate).toBe('$${metric.labels.experiment}: $${metric.labels.variant}');
    expect(exposures.timeSeriesQuery.timeSeriesFilter.filter).toMatch(logMetric('experiment-exposures'));
    expect(exposures.timeSeriesQuery.timeSeriesFilter.aggregation.groupByFields).toEqual([
      'metric.label.experiment',
      'metric.label.variant',
    ]);
  });

  test('quality by variant is explained, not charted, and points at the reports', () => {
    const text = widget('Quality by experiment variant').text;
    expect(text.format).toBe('MARKDOWN');
    expect(text.content).toContain('npm run experiments:report');
    expect(text.content).toContain('npm run analytics:report');
  });

  test('the old mixed feedback-score chart is gone', () => {
    expect(tiles.map((t) => t.widget.title)).not.toContain('Feedback score (mean)');
  });
});

describe('validation', () => {
  const attempt =
    (extra: Partial<SloAlertingProps>, stackProps = PROD_PROPS) =>
    () =>
      build(extra, stackProps);

  test.each([
    [{ availabilityObjective: 100 }, /availabilityObjective 100 is not a percentage between 0 and 100/],
    [{ availabilityObjective: 0 }, /availabilityObjective 0 is not a percentage/],
    [{ latencyObjective: 100.5 }, /latencyObjective 100.5 is not a percentage/],
    [{ latencyObjective: -1 }, /latencyObjective -1 is not a percentage/],
    [
      { availabilityObjective: 90 },
      /availabilityObjective 90 is so low that the fast-burn page \(14.4× the budget rate\) .* at least 93.06/,
    ],
    [{ latencyThreshold: Duration.millis(0) }, /latencyThreshold 0 s must be greater than 0: e.g. Duration.millis\(800\)/],
    [
      { window: SloWindow.rollingDays(31) },
      /window of 31 days is not supported by Cloud Monitoring: rolling SLO periods are 1 to 30 whole days/,
    ],
    [{ window: SloWindow.rollingDays(90) }, /window of 90 days is not supported/],
    [{ window: SloWindow.rollingDays(7.5) }, /window of 7.5 days is not supported/],
    [{ window: SloWindow.rollingDays(2) }, /window of 2 days is shorter than the ticket alert's 3-day burn-rate window/],
    [{ pageChannels: [] }, /pageChannels is empty in production/],
    [{ pageChannels: undefined }, /pageChannels is empty in production/],
    [{ saturationRatio: 1.5 }, /saturationRatio 1.5 must be in \(0, 1\]/],
    [
      { forecastHorizon: Duration.hours(61) },
      /forecastHorizon 61 h must be between 1 h and 60 h: Cloud Monitoring forecasts 1 to 60 hours ahead/,
    ],
    [{ forecastHorizon: Duration.minutes(30) }, /forecastHorizon 30 min must be between 1 h and 60 h/],
    [{ degradedRatioThreshold: 0 }, /degradedRatioThreshold 0 must be in \(0, 1\]/],
    [{ noMatchRatioThreshold: 2 }, /noMatchRatioThreshold 2 must be in \(0, 1\]/],
    [{ autoClose: Duration.minutes(6) }, /autoClose 6 min must be between 30 min and 7 d/],
    [{ autoClose: Duration.days(8) }, /autoClose 8 d must be between 30 min and 7 d/],
    [{ nlpQuotaPerMinute: 0 }, /nlpQuotaPerMinute 0 must be greater than 0/],
    [{ name: 'Bad Name' }, /name "Bad Name" is not a valid base name/],
    [
      { qualityScoreTarget: 1.5 },
      /qualityScoreTarget 1.5 must be between 0 and 1 \(exclusive\): it is the mean quality score \(0..1\) conversations should reach, e.g. 0.7/,
    ],
    [{ qualityScoreTarget: 1 }, /qualityScoreTarget 1 must be between 0 and 1 \(exclusive\)/],
    [{ qualityScoreTarget: 0 }, /qualityScoreTarget 0 must be between 0 and 1 \(exclusive\)/],
    [{ qualityScoreTarget: -0.2 }, /qualityScoreTarget -0.2 must be between 0 and 1/],
  ])('%p is rejected', (extra, message) => {
    expect(attempt(extra as Partial<SloAlertingProps>)).toThrow(message);
  });

  test('every broken rule is listed in one error', () => {
    expect(attempt({ availabilityObjective: 100, latencyThreshold: Duration.millis(0), pageChannels: [] })).toThrow(
      /Invalid props for test\/slo:\n {2}- availabilityObjective 100[\s\S]*\n {2}- latencyThreshold 0 s[\s\S]*\n {2}- pageChannels is empty/,
    );
  });

  test('the boundary objective is accepted, 28 days has its own floor', () => {
    expect(attempt({ availabilityObjective: 93.1 })).not.toThrow();
    expect(attempt({ availabilityObjective: 92.5, window: SloWindow.ROLLING_28_DAYS })).toThrow(/13.44× .* at least 92.56/);
  });

  test('a Cloud Run target needs services sharing one name', () => {
    const stack = platformStack(PROD_PROPS);
    expect(() => new SloAlerting(stack, 'none', { target: SloTarget.cloudRun({ services: [] }), pageChannels: [CHANNEL] })).toThrow(
      /target has no Cloud Run services/,
    );
    const a = webhookIn(stack);
    const b = new ScalableWebhook(stack, 'other', { image: IMAGE, domains: ['other.acme.dev'], projectNumber: '42' });
    expect(
      () =>
        new SloAlerting(stack, 'mixed', {
          target: SloTarget.cloudRun({ services: [...a.services, ...b.services] }),
          pageChannels: [CHANNEL],
        }),
    ).toThrow(/target services have different names \(webhook, other\)/);
  });

  test('production comes from the stack, or the prop', () => {
    expect(attempt({ pageChannels: undefined }, DEV_PROPS)).not.toThrow();
    expect(attempt({ pageChannels: undefined, production: true }, DEV_PROPS)).toThrow(/pageChannels is empty in production/);
  });
});

test('outside a PlatformStack the project comes from the provider configuration', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'plain');
  new GoogleProvider(stack, 'google', { project: 'acme-plain' });
  const webhook = new ScalableWebhook(stack, 'webhook', {
    image: IMAGE,
    domains: ['hook.acme.dev'],
    regions: ['us-central1'],
    projectNumber: '42',
  });
  new SloAlerting(stack, 'slo', { target: SloTarget.cloudRun({ services: webhook.services }), uptimeHost: 'hook.acme.dev' });
  const json = synth(stack);
  const check = Object.values(resources(json, 'google_monitoring_uptime_check_config'))[0];
  expect(check.monitored_resource.labels.project_id).toMatch(/^\$\{data\.google_client_config\.\w+\.project\}$/);
});
