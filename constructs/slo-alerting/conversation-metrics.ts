import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { Construct } from 'constructs';

/**
 * Log-based metrics for conversation quality, from the runtime's structured log events
 * (`jsonPayload.event`): one counter per harmful outcome, per region, plus distributions of
 * sentiment and feedback. Log-based rather than Prometheus so they work on Cloud Run without a
 * collector sidecar.
 */
export interface ConversationMetricsProps {
  /** Prefix of the metric names, unique in the project. */
  readonly prefix: string;
  /** Log entries of the workload (resource type and service). */
  readonly logFilter: string;
}

export class ConversationMetrics extends Construct {
  /** Every handled turn (`webhook.turn`), by region and protocol: the denominator of the ratios. */
  public readonly turns: LoggingMetric;
  /** Turns answered degraded (`degraded: true`), by region. */
  public readonly degradedTurns: LoggingMetric;
  /** Turns that matched no intent (`noMatch: true`), by region. */
  public readonly noMatchTurns: LoggingMetric;
  /** Distribution of `sentimentScore` (-1..1) over analysed turns, by region. */
  public readonly sentiment: LoggingMetric;
  /** Times the NLP circuit breaker opened (`nlp.breaker` with `state: "open"`), by region. */
  public readonly breakerOpened: LoggingMetric;
  /** Distribution of user feedback scores (`feedback.received`). */
  public readonly feedbackScore: LoggingMetric;

  constructor(scope: Construct, id: string, props: ConversationMetricsProps) {
    super(scope, id);
    const turn = `${props.logFilter} AND jsonPayload.event="webhook.turn"`;
    const byRegion = { region: 'EXTRACT(jsonPayload.region)' };
    const regionLabel = [{ key: 'region', valueType: 'STRING', description: 'Region that handled the turn' }];

    this.turns = new LoggingMetric(this, 'turns', {
      name: `${props.prefix}-turns`,
      description: 'Webhook turns handled (runtime log event webhook.turn).',
      filter: turn,
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'INT64',
        labels: [...regionLabel, { key: 'protocol', valueType: 'STRING', description: 'cx or es' }],
      },
      labelExtractors: { ...byRegion, protocol: 'EXTRACT(jsonPayload.protocol)' },
    });
    this.degradedTurns = this.counter(
      'degraded-turns',
      props,
      `${turn} AND jsonPayload.degraded=true`,
      'Turns answered with a degraded reply.',
    );
    this.noMatchTurns = this.counter('no-match-turns', props, `${turn} AND jsonPayload.noMatch=true`, 'Turns that matched no intent.');
    this.breakerOpened = this.counter(
      'nlp-breaker-opened',
      props,
      `${props.logFilter} AND jsonPayload.event="nlp.breaker" AND jsonPayload.state="open"`,
      'Times the Natural Language circuit breaker opened.',
    );
    this.sentiment = new LoggingMetric(this, 'sentiment', {
      name: `${props.prefix}-sentiment`,
      description: 'Sentiment score of analysed turns (-1 negative .. 1 positive).',
      filter: `${turn} AND jsonPayload.sentimentScore:*`,
      metricDescriptor: { metricKind: 'DELTA', valueType: 'DISTRIBUTION', unit: '1', labels: regionLabel },
      valueExtractor: 'EXTRACT(jsonPayload.sentimentScore)',
      labelExtractors: byRegion,
      bucketOptions: { linearBuckets: { numFiniteBuckets: 20, width: 0.1, offset: -1 } },
    });
    this.feedbackScore = new LoggingMetric(this, 'feedback-score', {
      name: `${props.prefix}-feedback-score`,
      description: 'User feedback scores (runtime log event feedback.received).',
      filter: `${props.logFilter} AND jsonPayload.event="feedback.received"`,
      metricDescriptor: { metricKind: 'DELTA', valueType: 'DISTRIBUTION', unit: '1' },
      valueExtractor: 'EXTRACT(jsonPayload.score)',
      // Scores up to 10 in steps of 0.5: fits 1-5 stars and 0-10 NPS-style scales alike.
      bucketOptions: { linearBuckets: { numFiniteBuckets: 20, width: 0.5, offset: 0 } },
    });
  }

  /** The metric type alerts and dashboards query: `logging.googleapis.com/user/<name>`. */
  public static metricType(metric: LoggingMetric): string {
    return `logging.googleapis.com/user/${metric.name}`;
  }

  private counter(id: string, props: ConversationMetricsProps, filter: string, description: string): LoggingMetric {
    return new LoggingMetric(this, id, {
      name: `${props.prefix}-${id}`,
      description,
      filter,
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'INT64',
        labels: [{ key: 'region', valueType: 'STRING', description: 'Region that logged the event' }],
      },
      labelExtractors: { region: 'EXTRACT(jsonPayload.region)' },
    });
  }
}
