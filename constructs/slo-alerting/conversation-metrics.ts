import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { Construct } from 'constructs';

/**
 * Log-based metrics for conversation quality, from the runtime's structured log events
 * (`jsonPayload.event`): one counter per harmful outcome, per region; distributions of sentiment,
 * turn quality and conversation quality; explicit feedback (thumbs and CSAT kept apart, since a
 * thumb and a star are different scales); and experiment exposures by experiment and variant.
 * Log-based rather than Prometheus so they work on Cloud Run without a collector sidecar.
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
  /** Distribution of `qualityScore` (0..1) of scored turns (`webhook.turn`), by region. */
  public readonly turnQuality: LoggingMetric;
  /** Distribution of a conversation's final `qualityScore` (0..1) when it ends (`conversation.ended`), by region. */
  public readonly conversationQuality: LoggingMetric;
  /** Conversations known to have ended (`conversation.ended`), by region: the denominator of the escalation ratio. */
  public readonly conversationsEnded: LoggingMetric;
  /** Conversations that ended in a handoff to a human (`conversation.ended` with `escalated: true`), by region. */
  public readonly conversationsEscalated: LoggingMetric;
  /** Explicit feedback received (`feedback.received`), by region and `kind` ("thumbs" or "csat"). */
  public readonly feedback: LoggingMetric;
  /** Thumbs-up feedback (`kind: "thumbs"`, `score: 1`), by region: over `feedback` of kind thumbs, the thumbs-up ratio. */
  public readonly thumbsUp: LoggingMetric;
  /** Distribution of CSAT scores (`kind: "csat"`, `score` 1..5), one bucket per score, by region. */
  public readonly csat: LoggingMetric;
  /** A session's first exposure to an experiment (`experiment.exposure`), by experiment, variant and region. */
  public readonly experimentExposures: LoggingMetric;

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
    this.turnQuality = this.score(
      'turn-quality',
      props,
      `${turn} AND jsonPayload.qualityScore:*`,
      'Quality score of scored turns (0 poor .. 1 good).',
    );

    const ended = `${props.logFilter} AND jsonPayload.event="conversation.ended"`;
    this.conversationQuality = this.score(
      'conversation-quality',
      props,
      `${ended} AND jsonPayload.qualityScore:*`,
      'Quality score of conversations when they end (0 poor .. 1 good).',
    );
    this.conversationsEnded = this.counter('conversations-ended', props, ended, 'Conversations known to have ended.');
    this.conversationsEscalated = this.counter(
      'conversations-escalated',
      props,
      `${ended} AND jsonPayload.escalated=true`,
      'Conversations that ended in a handoff to a human.',
    );

    // Thumbs (0/1) and CSAT (1..5) are different scales: one distribution of both would average
    // stars with thumbs. Counted apart instead; `normalizedScore` stays in the logs and the database.
    const feedback = `${props.logFilter} AND jsonPayload.event="feedback.received"`;
    this.feedback = new LoggingMetric(this, 'feedback', {
      name: `${props.prefix}-feedback`,
      description: 'Explicit user feedback received, by kind (runtime log event feedback.received).',
      filter: feedback,
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'INT64',
        labels: [
          { key: 'region', valueType: 'STRING', description: 'Region that received the feedback' },
          { key: 'kind', valueType: 'STRING', description: 'thumbs or csat' },
        ],
      },
      labelExtractors: { ...byRegion, kind: 'EXTRACT(jsonPayload.kind)' },
    });
    this.thumbsUp = this.counter(
      'thumbs-up',
      props,
      `${feedback} AND jsonPayload.kind="thumbs" AND jsonPayload.score=1`,
      'Thumbs-up feedback.',
    );
    this.csat = new LoggingMetric(this, 'csat', {
      name: `${props.prefix}-csat`,
      description: 'CSAT scores (1..5) of feedback.received events with kind csat.',
      filter: `${feedback} AND jsonPayload.kind="csat"`,
      metricDescriptor: { metricKind: 'DELTA', valueType: 'DISTRIBUTION', unit: '1', labels: regionLabel },
      valueExtractor: 'EXTRACT(jsonPayload.score)',
      labelExtractors: byRegion,
      // [0.5, 1.5), [1.5, 2.5), ... [4.5, 5.5): one bucket per score.
      bucketOptions: { linearBuckets: { numFiniteBuckets: 5, width: 1, offset: 0.5 } },
    });

    this.experimentExposures = new LoggingMetric(this, 'experiment-exposures', {
      name: `${props.prefix}-experiment-exposures`,
      description: "Sessions' first exposures to an experiment, by experiment and variant (runtime log event experiment.exposure).",
      filter: `${props.logFilter} AND jsonPayload.event="experiment.exposure"`,
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'INT64',
        labels: [
          { key: 'region', valueType: 'STRING', description: 'Region that assigned the variant' },
          { key: 'experiment', valueType: 'STRING', description: 'Experiment id' },
          { key: 'variant', valueType: 'STRING', description: 'Variant the session was assigned' },
        ],
      },
      labelExtractors: { ...byRegion, experiment: 'EXTRACT(jsonPayload.experiment)', variant: 'EXTRACT(jsonPayload.variant)' },
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

  /**
   * A 0..1 score as a distribution, by region: 20 buckets of 0.05 (a perfect 1.0 lands in the
   * overflow bucket [1, ∞); the mean is exact either way).
   */
  private score(id: string, props: ConversationMetricsProps, filter: string, description: string): LoggingMetric {
    return new LoggingMetric(this, id, {
      name: `${props.prefix}-${id}`,
      description,
      filter,
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'DISTRIBUTION',
        unit: '1',
        labels: [{ key: 'region', valueType: 'STRING', description: 'Region that logged the event' }],
      },
      valueExtractor: 'EXTRACT(jsonPayload.qualityScore)',
      labelExtractors: { region: 'EXTRACT(jsonPayload.region)' },
      bucketOptions: { linearBuckets: { numFiniteBuckets: 20, width: 0.05, offset: 0 } },
    });
  }
}
