import { SloTarget } from './slo-target';

/**
 * Where the user-facing signals of a target live in Cloud Monitoring: the filters SLOs, alerts,
 * log-based metrics and dashboards are built from. One place per platform, so adding one (or a
 * service mesh) touches nothing else.
 */
export interface TargetSignals {
  /** Service name shared by every region (Cloud Run service, or Kubernetes Service). */
  readonly serviceName: string;
  readonly regions: string[];
  /** Requests answered with a server error. */
  readonly badRequestsFilter: string;
  readonly totalRequestsFilter: string;
  /** Request latency distribution and the unit its buckets are in. */
  readonly latencyFilter: string;
  readonly latencyUnitsPerMs: number;
  /** Label that tells regions apart in the request metrics. */
  readonly regionLabel: string;
  /** Log entries of the workload (for log-based metrics). */
  readonly logFilter: string;
  /** Monitored resource type of the workload's log-based metrics. */
  readonly logResourceType: string;
  /** Instance (replica) count gauge and its ceiling, when a saturation forecast applies. */
  readonly instancesFilter?: string;
  readonly maxInstances?: number;
}

/** The Cloud Run service name, location and max instances as the user gave them (inputs, not tokens). */
function cloudRunInputs(target: SloTarget): { names: string[]; regions: string[]; max: number[] } {
  const services = target.cloudRunOptions?.services ?? [];
  return {
    names: services.map((s) => s.nameInput ?? s.name),
    regions: services.map((s) => s.locationInput ?? s.location),
    max: services.map((s) => s.template.scaling.maxInstanceCountInput).filter((m): m is number => typeof m === 'number'),
  };
}

export function signalsOf(target: SloTarget): TargetSignals {
  if (target.kind === 'GKE') {
    const g = target.gkeOptions!;
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
  const { names, regions, max } = cloudRunInputs(target);
  const name = names[0];
  const scope = `resource.type="cloud_run_revision" resource.label.service_name="${name}"`;
  return {
    serviceName: name,
    regions,
    badRequestsFilter: `metric.type="run.googleapis.com/request_count" ${scope} metric.label.response_code_class="5xx"`,
    totalRequestsFilter: `metric.type="run.googleapis.com/request_count" ${scope}`,
    latencyFilter: `metric.type="run.googleapis.com/request_latencies" ${scope}`,
    latencyUnitsPerMs: 1,
    regionLabel: 'resource.label.location',
    logFilter: `resource.type="cloud_run_revision" resource.labels.service_name="${name}"`,
    logResourceType: 'cloud_run_revision',
    instancesFilter: `metric.type="run.googleapis.com/container/instance_count" ${scope}`,
    maxInstances: max.length > 0 ? Math.min(...max) : undefined,
  };
}

/** Service names of a Cloud Run target, for validation (they must all be the same). */
export function cloudRunServiceNames(target: SloTarget): string[] {
  return target.kind === 'CLOUD_RUN' ? cloudRunInputs(target).names : [];
}
