import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';

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
 * What an SloAlerting watches. Enum-like class: jsii has no unions.
 *
 * - `cloudRun`: request-based SLIs from Cloud Run's own metrics (`run.googleapis.com/request_count`
 *   by response code class, `run.googleapis.com/request_latencies`), forecast on instance count.
 * - `gkeWorkload`: GKE has no request metrics of its own without a service mesh, so the SLIs come
 *   from the runtime's Prometheus metrics (`webhook_requests_total`, `webhook_request_duration_seconds`)
 *   collected by Google Cloud Managed Service for Prometheus (on by default on GKE Autopilot and
 *   recent Standard clusters; needs a PodMonitoring for `/metrics`).
 */
export class SloTarget {
  /** Watch Cloud Run services (one per region, same service name). */
  public static cloudRun(options: CloudRunSloTargetOptions): SloTarget {
    return new SloTarget('CLOUD_RUN', options, undefined);
  }

  /** Watch a GKE workload through its Managed Service for Prometheus metrics. */
  public static gkeWorkload(options: GkeSloTargetOptions): SloTarget {
    return new SloTarget('GKE', undefined, options);
  }

  private constructor(
    /** `CLOUD_RUN` or `GKE`. */
    public readonly kind: string,
    /** Set for `cloudRun`. */
    public readonly cloudRunOptions?: CloudRunSloTargetOptions,
    /** Set for `gkeWorkload`. */
    public readonly gkeOptions?: GkeSloTargetOptions,
  ) {}
}
