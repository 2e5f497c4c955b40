import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { RequestSignals, cloudRunServiceNames, cloudRunSignals, gkeSignals } from '../core/request-signals';
import type { ScalableWebhook } from '../scalable-webhook/scalable-webhook';

/** What SloAlerting watches on Cloud Run: the webhook's services, one per region. */
export interface CloudRunSloTargetOptions {
  /**
   * The Cloud Run v2 services (e.g. `ScalableWebhook.services`). They must share one service name
   * (one per region), so one SLO covers the webhook across regions, as users experience it.
   */
  readonly services: CloudRunV2Service[];
}

/** What SloAlerting watches on GKE: a Kubernetes Service serving the webhook runtime. */
export interface GkeSloTargetOptions {
  /** GKE cluster name. */
  readonly cluster: string;
  /** Cluster location (region or zone). */
  readonly location: string;
  /** Kubernetes namespace of the workload. */
  readonly namespace: string;
  /** Kubernetes Service name (also the `job` label Managed Service for Prometheus gives its targets). */
  readonly service: string;
  /** Regions the workload serves from (for documentation and dashboards). @default - the location only */
  readonly regions?: string[];
  /** Replica ceiling of the autoscaler, for the saturation forecast. @default - no replica forecast */
  readonly maxReplicas?: number;
}

/**
 * What an SloAlerting watches: where the webhook's request signals live in Cloud Monitoring.
 * Enum-like class (jsii has no unions):
 *
 * - `fromWebhook(webhook)`: whatever platform the ScalableWebhook runs on; the platform says
 *   where its signals are (`ScalableWebhook.requestSignals`), so the caller never branches on it;
 * - `cloudRun`: Cloud Run services not made by a ScalableWebhook: request-based SLIs from Cloud
 *   Run's own metrics, forecast on instance count;
 * - `gkeWorkload`: a Kubernetes Service not made by a ScalableWebhook: SLIs from the runtime's
 *   Prometheus metrics collected by Google Cloud Managed Service for Prometheus (on by default on
 *   GKE Autopilot and recent Standard clusters; needs a PodMonitoring for `/metrics`).
 */
export class SloTarget {
  /** Watch a ScalableWebhook, on whichever platform it runs. */
  public static fromWebhook(webhook: ScalableWebhook): SloTarget {
    return new SloTarget(webhook.requestSignals, []);
  }

  /** Watch Cloud Run services (one per region, same service name). */
  public static cloudRun(options: CloudRunSloTargetOptions): SloTarget {
    const names = cloudRunServiceNames(options.services ?? []);
    const problems: string[] = [];
    if (names.length === 0) {
      problems.push(
        "target has no Cloud Run services: pass the webhook's services, e.g. SloTarget.cloudRun({ services: webhook.services }), or use SloTarget.fromWebhook(webhook)",
      );
    } else if (new Set(names).size > 1) {
      problems.push(
        `target services have different names (${[...new Set(names)].join(', ')}): one SloAlerting watches one webhook, whose services share a name across regions; create one SloAlerting per webhook`,
      );
    }
    return new SloTarget(cloudRunSignals(options.services ?? []), problems);
  }

  /** Watch a GKE workload through its Managed Service for Prometheus metrics. */
  public static gkeWorkload(options: GkeSloTargetOptions): SloTarget {
    return new SloTarget(gkeSignals(options), []);
  }

  private constructor(
    /** Where the watched workload's request signals live. */
    public readonly signals: RequestSignals,
    private readonly problems: string[],
  ) {}

  /**
   * What is wrong with the target as given, for SloAlerting's validation.
   * @internal
   */
  public _problems(): string[] {
    return [...this.problems];
  }
}
