import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';

/**
 * Where the user-facing request signals of a webhook live in Cloud Monitoring: the filters its
 * SLOs, alerts, log-based metrics and dashboards are built from. Each platform says where its own
 * are (`ScalableWebhook.requestSignals`), so nothing downstream branches on the platform.
 */
export interface RequestSignals {
  /** Service name shared by every region (Cloud Run service, or Kubernetes Service). */
  readonly serviceName: string;
  /** Regions the workload serves from. */
  readonly regions: string[];
  /** Requests answered with a server error. */
  readonly badRequestsFilter: string;
  /** Every request. */
  readonly totalRequestsFilter: string;
  /** Request latency distribution. */
  readonly latencyFilter: string;
  /** Units of `latencyFilter`'s buckets per millisecond (1 for ms, 0.001 for seconds). */
  readonly latencyUnitsPerMs: number;
  /** Label that tells regions apart in the request metrics. */
  readonly regionLabel: string;
  /** Log entries of the workload (for log-based metrics). */
  readonly logFilter: string;
  /** Monitored resource type of the workload's log-based metrics. */
  readonly logResourceType: string;
  /** Instance (replica) count gauge, when a saturation forecast applies. @default - no instance forecast */
  readonly instancesFilter?: string;
  /** Ceiling of `instancesFilter`. @default - no instance forecast */
  readonly maxInstances?: number;
  /**
   * Labels that reference the watched resources (`run_<region>` → the Cloud Run service's name),
   * put on the Monitoring service so the policy gate's graph sees what has SLOs (CKV_CONVAI_45).
   * @default - none
   */
  readonly resourceLabels?: { [key: string]: string };
}

/** The scope of a GKE workload's request signals (Managed Service for Prometheus). */
export interface GkeSignalScope {
  readonly cluster: string;
  readonly location: string;
  readonly namespace: string;
  readonly service: string;
  readonly regions?: string[];
  readonly maxReplicas?: number;
}

/** The Cloud Run service names as the user gave them (inputs, not tokens). */
export function cloudRunServiceNames(services: CloudRunV2Service[]): string[] {
  return services.map((s) => s.nameInput ?? s.name);
}

/** Cloud Run's own request metrics, for services that share one name across regions. */
export function cloudRunSignals(services: CloudRunV2Service[]): RequestSignals {
  const name = cloudRunServiceNames(services)[0];
  const max = services.map((s) => s.template.scaling.maxInstanceCountInput).filter((m): m is number => typeof m === 'number');
  const scope = `resource.type="cloud_run_revision" resource.label.service_name="${name}"`;
  return {
    serviceName: name,
    regions: services.map((s) => s.locationInput ?? s.location),
    badRequestsFilter: `metric.type="run.googleapis.com/request_count" ${scope} metric.label.response_code_class="5xx"`,
    totalRequestsFilter: `metric.type="run.googleapis.com/request_count" ${scope}`,
    latencyFilter: `metric.type="run.googleapis.com/request_latencies" ${scope}`,
    latencyUnitsPerMs: 1,
    regionLabel: 'resource.label.location',
    logFilter: `resource.type="cloud_run_revision" resource.labels.service_name="${name}"`,
    logResourceType: 'cloud_run_revision',
    instancesFilter: `metric.type="run.googleapis.com/container/instance_count" ${scope}`,
    maxInstances: max.length > 0 ? Math.min(...max) : undefined,
    // References, so the policy gate's graph sees which services have SLOs; the value is the name.
    resourceLabels: Object.fromEntries(services.map((s) => [`run_${s.locationInput ?? s.node.id}`, s.name])),
  };
}

/**
 * GKE has no request metrics of its own without a service mesh: the runtime's Prometheus metrics
 * (`webhook_requests_total`, `webhook_request_duration_seconds`), collected by Managed Service for
 * Prometheus.
 */
export function gkeSignals(g: GkeSignalScope): RequestSignals {
  const scope = `resource.type="prometheus_target" resource.label.cluster="${g.cluster}" resource.label.namespace="${g.namespace}" resource.label.job="${g.service}"`;
  return {
    serviceName: g.service,
    regions: g.regions ?? [g.location],
    badRequestsFilter: `metric.type="prometheus.googleapis.com/webhook_requests_total/counter" ${scope} metric.label.code=starts_with("5")`,
    totalRequestsFilter: `metric.type="prometheus.googleapis.com/webhook_requests_total/counter" ${scope}`,
    latencyFilter: `metric.type="prometheus.googleapis.com/webhook_request_duration_seconds/histogram" ${scope}`,
    latencyUnitsPerMs: 0.001,
    regionLabel: 'resource.label.location',
    logFilter: `resource.type="k8s_container" resource.labels.cluster_name="${g.cluster}" resource.labels.namespace_name="${g.namespace}"`,
    logResourceType: 'k8s_container',
    instancesFilter:
      g.maxReplicas === undefined
        ? undefined
        : // GKE's managed kube state metrics package; the HPA is expected to share the Service's name.
          `metric.type="prometheus.googleapis.com/kube_horizontalpodautoscaler_status_current_replicas/gauge" resource.type="prometheus_target" resource.label.cluster="${g.cluster}" resource.label.namespace="${g.namespace}" metric.label.horizontalpodautoscaler="${g.service}"`,
    maxInstances: g.maxReplicas,
  };
}
