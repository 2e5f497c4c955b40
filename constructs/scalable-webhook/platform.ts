import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';
import { Grantee } from '../core/grantee';
import { RequestSignals } from '../core/request-signals';
import { Rule, isToken } from '../core/validation';
import { EDGE_REQUESTS_PER_SLOT_PER_SECOND } from '../edge/edge-security-policy';
import { BackendProtocol, GlobalHttpsLoadBalancer } from '../edge/global-https-load-balancer';
import { CloudRunBinding } from './cloud-run-binding';
import { GkeBinding } from './gke-binding';
import { GkeWebhookWorkload, resolveGkeOptions } from './gke-workload';
import { MAX_RATE_PER_POD } from './runtime-settings';
import type { ScalableWebhookProps } from './scalable-webhook-props';
import type { ResolvedWebhookProps } from './scalable-webhook-rules';

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

/** What a ScalableWebhook resolved from its props, for the platform it is bound to. */
export interface PlatformBindOptions {
  /** The webhook's props as given. */
  readonly props: ScalableWebhookProps;
  /** Base name of the GCP resources. */
  readonly name: string;
  /** Regions served, primary first. */
  readonly regions: string[];
  /** Production defaults and rules. */
  readonly production: boolean;
  /** Project the webhook runs in. */
  readonly projectId: string;
  /** Instances kept warm per region. */
  readonly minInstances: number;
  /** Instance ceiling per region. */
  readonly maxInstances: number;
  /** Concurrent requests per instance. */
  readonly concurrency: number;
  /** CPUs per instance. */
  readonly cpu: string;
  /** Memory per instance. */
  readonly memory: string;
  /** Who may call the webhook: `invokers`, else the project's Dialogflow service agent. */
  readonly invokers: Grantee[];
  /** Runtime settings the webhook sets on every platform (trace export) that the user's `env` does not override. */
  readonly runtimeEnv: { [name: string]: string };
}

/** How the load balancer reaches a platform's backends. */
export interface WebhookBackend {
  /** Backend groups (NEG ids or self links). */
  readonly groups: string[];
  /** Protocol to the backends. @default BackendProtocol.HTTPS */
  readonly protocol?: BackendProtocol;
  /** Health check of the backends (zonal NEGs). @default - none (serverless NEGs refuse one) */
  readonly healthCheck?: string;
  /** Requests per second per endpoint at full load (zonal NEGs). @default - no balancing mode */
  readonly maxRatePerEndpoint?: number;
}

/** What a platform deployed for one webhook, and the behaviour that differs by platform. */
export interface IPlatformBinding {
  /** The service account the containers run as. */
  readonly serviceAccount: ServiceAccount;
  /** The Cloud Run services, in `regions` order (empty on GKE). */
  readonly services: CloudRunV2Service[];
  /** The serverless NEGs, in `regions` order (empty on GKE). */
  readonly networkEndpointGroups: ComputeRegionNetworkEndpointGroup[];
  /** The Kubernetes resources, on GKE. */
  readonly workload?: GkeWebhookWorkload;
  /** The load balancer's health check of the pods, on GKE. */
  readonly healthCheck?: ComputeHealthCheck;
  /** The firewall rule letting Google's load balancer and health checks reach the pods, on GKE. */
  readonly loadBalancerFirewall?: ComputeFirewall;
  /** How the load balancer reaches the backends. */
  readonly backend: WebhookBackend;
  /** Where the webhook's request metrics live in Cloud Monitoring (what `SloTarget.fromWebhook` watches). */
  readonly requestSignals: RequestSignals;
  /**
   * Let `grantee` invoke the webhook in every region.
   * @param id construct id prefix for the grants; unique within the webhook
   */
  grantInvoke(id: string, grantee: Grantee): CloudRunV2ServiceIamMember[];
  /** Wire the platform to the webhook's load balancer once it exists: invoker grants or ordering, and the platform's outputs. */
  connect(loadBalancer: GlobalHttpsLoadBalancer): void;
}

/**
 * Where the webhook runs. Enum-like class: jsii has no unions. Each platform deploys itself
 * (`bind`), so the webhook, its SLOs and the reference stack never branch on which one it is.
 *
 * - `Platform.cloudRun()`: one Cloud Run service per region (scale to zero, no cluster to run);
 * - `Platform.gke(options)`: a Deployment on an existing GKE cluster (pods always on, scales with
 *   an HPA), for teams that run everything on Kubernetes.
 *
 * Both are exposed through the same global HTTPS load balancer, Cloud Armor and SSL policy.
 */
export abstract class Platform {
  /** Cloud Run v2 in every region (the default). */
  public static cloudRun(): Platform {
    return new CloudRunPlatform();
  }

  /** A Deployment on a GKE cluster, behind container-native load balancing. */
  public static gke(options: GkePlatformOptions): Platform {
    return new GkePlatform(options);
  }

  /**
   * Deploy the webhook on this platform, inside `scope` (the ScalableWebhook): its service account
   * and compute. The webhook then puts its load balancer in front of `backend` and calls `connect`.
   */
  public abstract bind(scope: Construct, options: PlatformBindOptions): IPlatformBinding;

  /**
   * Regions to serve from when the webhook's props give none.
   * @internal
   */
  public _defaultRegions(stackRegions: string[]): string[] {
    return stackRegions;
  }

  /**
   * The rules this platform adds to the webhook's.
   * @internal
   */
  public _rules(): ReadonlyArray<Rule<ResolvedWebhookProps>> {
    return [];
  }

  /**
   * Factors whose product is the requests per second one region serves at its configured maximum.
   * @internal
   */
  public abstract _capacityFactors(p: ResolvedWebhookProps): number[];
}

class CloudRunPlatform extends Platform {
  public bind(scope: Construct, options: PlatformBindOptions): IPlatformBinding {
    return new CloudRunBinding(scope, options);
  }

  public _capacityFactors(p: ResolvedWebhookProps): number[] {
    return [p.maxInstances, p.concurrency, EDGE_REQUESTS_PER_SLOT_PER_SECOND];
  }
}

/** The region of a GKE platform's zones, when known. */
function zonesRegion(options: GkePlatformOptions): string | undefined {
  const zone = options.zones?.[0];
  return zone === undefined || isToken(zone) ? undefined : zone.replace(/-[a-z]$/, '');
}

class GkePlatform extends Platform {
  constructor(public readonly options: GkePlatformOptions) {
    super();
  }

  public bind(scope: Construct, options: PlatformBindOptions): IPlatformBinding {
    return new GkeBinding(scope, options, this.options);
  }

  public _defaultRegions(stackRegions: string[]): string[] {
    const region = zonesRegion(this.options);
    return region ? [region] : stackRegions;
  }

  public _capacityFactors(p: ResolvedWebhookProps): number[] {
    return [resolveGkeOptions(p.name, p.production, this.options).maxReplicas, MAX_RATE_PER_POD];
  }

  public _rules(): ReadonlyArray<Rule<ResolvedWebhookProps>> {
    const region = zonesRegion(this.options);
    return [
      {
        when: (p) => Object.keys(p.secretEnv ?? {}).length > 0,
        say: (p) =>
          `secretEnv (${Object.keys(p.secretEnv ?? {}).join(', ')}) is not supported on Platform.gke yet: read the secret in the runtime with the Secret Manager client (the pods' service account can be granted accessor), or use Platform.cloudRun()`,
      },
      {
        when: (p) => (p.invokers ?? []).some((g) => g.serviceAccountEmail === undefined),
        say: (p) =>
          `invokers ${JSON.stringify((p.invokers ?? []).map((g) => g.member))} on Platform.gke must all be service accounts (Grantee.fromServiceAccount, Grantee.fromServiceAccountEmail, or a "serviceAccount:" member): the runtime checks the ID token's email against them (AUTH_ALLOWED_PRINCIPALS)`,
      },
      {
        when: (p) => !isToken(p.regions) && region !== undefined && (p.regions.length !== 1 || p.regions[0] !== region),
        say: (p) =>
          `regions is ${JSON.stringify(p.regions)} but Platform.gke serves from one cluster in ${region}: omit regions or give ["${region}"] (one ScalableWebhook per cluster)`,
      },
    ];
  }
}
