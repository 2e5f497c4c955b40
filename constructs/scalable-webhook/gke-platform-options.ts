/** Options of the GKE platform: where the webhook's pods run and how they scale. */
export interface GkePlatformOptions {
  /**
   * Name of the cluster (`HardenedGkeCluster.cluster.name`): the scope of the webhook's request
   * metrics in Managed Service for Prometheus, which `SloTarget.fromWebhook` watches.
   * @default - none: the webhook has no request signals, and `SloTarget.fromWebhook` refuses it
   */
  readonly clusterName?: string;
  /**
   * Zones the cluster's nodes run in, e.g. `["us-central1-a", "us-central1-b", "us-central1-c"]`
   * (`HardenedGkeCluster.zones`). GKE's NEG controller makes one network endpoint group per zone
   * with pods; the load balancer points at these. All zones must be in one region.
   */
  readonly zones: string[];
  /**
   * VPC network of the cluster (name or self link): the firewall rule that lets Google's load
   * balancer and health checks reach the pods is created in it.
   */
  readonly network: string;
  /**
   * Email of the nodes' service account (`HardenedGkeCluster.nodeServiceAccount.email`): the
   * firewall rule for Google's load balancer then targets only the cluster's nodes.
   * @default - the rule applies to every instance in `network` (on the container port only)
   */
  readonly nodeServiceAccount?: string;
  /**
   * Kubernetes namespace of the workload (a DNS label, not `default` or `kube-*`).
   * @default - the webhook's base name
   */
  readonly namespace?: string;
  /**
   * Create the namespace. Turn off when another team owns it.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Workload Identity pool of the cluster (`<project>.svc.id.goog`).
   * @default - `<PlatformStack projectId>.svc.id.goog`
   */
  readonly workloadIdentityPool?: string;
  /** Pods kept at all times (HPA floor). At least 2 in production. @default - 3 in production, 2 elsewhere */
  readonly minReplicas?: number;
  /** HPA ceiling. @default 10 */
  readonly maxReplicas?: number;
  /** CPU request per pod (Kubernetes quantity). @default "250m" */
  readonly cpuRequest?: string;
  /** Memory request per pod. @default "256Mi" */
  readonly memoryRequest?: string;
  /** CPU limit per pod. @default "1" */
  readonly cpuLimit?: string;
  /** Memory limit per pod (also its request ceiling: the runtime is OOM-killed above it). @default "512Mi" */
  readonly memoryLimit?: string;
  /** Average CPU utilisation (% of the request) the HPA aims for. @default 60 */
  readonly targetCpuUtilization?: number;
  /**
   * Also scale on requests per second per pod, read from this Pods metric (e.g. a Prometheus
   * metric exported through Managed Service for Prometheus, such as
   * `prometheus.googleapis.com|webhook_requests_per_second|gauge`). Needs the custom metrics adapter.
   * @default - CPU only
   */
  readonly requestsPerSecondMetric?: string;
  /** Target of `requestsPerSecondMetric` per pod. @default 50 */
  readonly targetRequestsPerSecond?: number;
  /**
   * Pods the PodDisruptionBudget keeps during voluntary disruptions (node upgrades, scale-down).
   * Must be below `minReplicas`, or no node could ever be drained.
   * @default - minReplicas - 1
   */
  readonly pdbMinAvailable?: number;
  /**
   * CIDR of the Redis instance the pods may reach (egress on 6378/6379).
   * @default - no egress to Redis
   */
  readonly redisCidr?: string;
  /**
   * CIDR of the database the pods may reach (egress on 5432 and 3307 for the Cloud SQL connector).
   * @default - no egress to a database
   */
  readonly databaseCidr?: string;
  /**
   * Where Google APIs are reached from the pods (egress on 443). Route `*.googleapis.com` to
   * private.googleapis.com in Cloud DNS so API traffic stays on these ranges.
   * @default - private.googleapis.com (199.36.153.8/30) and restricted.googleapis.com (199.36.153.4/30)
   */
  readonly googleApisCidrs?: string[];
}
