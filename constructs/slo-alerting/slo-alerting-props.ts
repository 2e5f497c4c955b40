import { Duration } from '../core/duration';
import type { MultiRegionDb } from '../multi-region-db/multi-region-db';
import { SloWindow } from './burn-rate';
import { SloTarget } from './slo-target';

export interface SloAlertingProps {
  /**
   * What to watch: `SloTarget.fromWebhook(webhook)` on any platform, or `SloTarget.cloudRun({...})` /
   * `SloTarget.gkeWorkload({...})` for workloads not made by a ScalableWebhook.
   */
  readonly target: SloTarget;
  /**
   * Base name for the Monitoring resources (custom service, SLO and log-based metric ids), 2-40
   * lowercase letters, digits and "-".
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /** Production defaults and rules. @default - the enclosing PlatformStack's, else false */
  readonly production?: boolean;
  /**
   * Availability objective in percent: the share of requests not answered with a server error (5xx).
   * @default 99.9
   */
  readonly availabilityObjective?: number;
  /**
   * Latency objective in percent: the share of requests faster than `latencyThreshold`.
   * @default 95
   */
  readonly latencyObjective?: number;
  /**
   * The latency a request must beat to count as good. Dialogflow CX gives up on a webhook after
   * 5 s by default, so keep it well below.
   * @default Duration.millis(800)
   */
  readonly latencyThreshold?: Duration;
  /** The SLO compliance period. @default SloWindow.ROLLING_30_DAYS */
  readonly window?: SloWindow;
  /**
   * Notification channel ids (`projects/p/notificationChannels/n`) for paging alerts: fast burn,
   * uptime. Required in production: an alert nobody hears is noise in the console.
   * @default - none (allowed outside production only)
   */
  readonly pageChannels?: string[];
  /**
   * Notification channel ids for ticket alerts: slow burn, saturation forecasts, conversation quality.
   * @default - the page channels
   */
  readonly ticketChannels?: string[];
  /**
   * Public host name of the webhook (e.g. the first domain of the ScalableWebhook). An HTTPS uptime
   * check probes `uptimePath` on it from several regions, with an alert when two or more fail.
   * @default - no uptime check
   */
  readonly uptimeHost?: string;
  /** Path the uptime check requests. @default "/healthz" */
  readonly uptimePath?: string;
  /**
   * The database the webhook depends on: forecast alerts on what its engine can run out of (Cloud
   * SQL: disk utilisation and connection count against its `max_connections`, per shard primary;
   * Firestore: nothing to forecast). Each Cloud SQL policy's construct id ends in the instance name
   * when the name is a literal, else in `db<index>` (the shard index): ids never carry a token.
   * @default - no database forecasts
   */
  readonly database?: MultiRegionDb;
  /**
   * The project's Cloud Natural Language request quota per minute (the console's Quotas page):
   * forecast alert on usage approaching it.
   * @default - no NLP quota forecast
   */
  readonly nlpQuotaPerMinute?: number;
  /**
   * Share of a limit (instances, disk, connections, quota) a forecast alert fires at, 0 < x ≤ 1.
   * @default 0.8
   */
  readonly saturationRatio?: number;
  /** How far ahead saturation forecasts look (Cloud Monitoring allows 1 to 60 hours). @default Duration.hours(6) */
  readonly forecastHorizon?: Duration;
  /**
   * Share of turns answered degraded (NLP failed, cache fallback, ...) over 10 minutes that opens a ticket.
   * @default 0.05
   */
  readonly degradedRatioThreshold?: number;
  /** Share of turns that matched no intent over 30 minutes that opens a ticket. @default 0.3 */
  readonly noMatchRatioThreshold?: number;
  /**
   * The mean quality score (0..1, the runtime's `qualityScore`) conversations should reach: the
   * threshold line on the dashboard's quality charts, and the level the conversation-quality ticket
   * fires below.
   * @default 0.7
   */
  readonly qualityScoreTarget?: number;
  /**
   * Open a ticket when the mean quality of conversations ending in a region (log event
   * `conversation.ended`) stays below `qualityScoreTarget`: mean over the last hour, below the
   * target for 30 minutes.
   * @default true
   */
  readonly conversationQualityAlert?: boolean;
  /**
   * How long after its condition has no new data an incident closes itself (30 minutes to 7 days).
   * @default Duration.hours(6)
   */
  readonly autoClose?: Duration;
  /**
   * Time between repeat notifications of an open incident, per channel (Cloud Monitoring's rate
   * limit for metric alerts; its `notificationRateLimit` is for log-match alerts only).
   * @default - Duration.hours(1) for pages, Duration.days(1) for tickets
   */
  readonly renotifyInterval?: Duration;
}
