import { CloudRunV2Service, CloudRunV2ServiceTemplateContainersEnv } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { TerraformOutput, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee, serviceAccountEmailOf } from '../core/grantee';
import { RequestSignals, cloudRunSignals, gkeSignals } from '../core/request-signals';
import { Rule, isToken } from '../core/validation';
import { EDGE_REQUESTS_PER_SLOT_PER_SECOND } from '../edge/edge-security-policy';
import { BackendProtocol, GlobalHttpsLoadBalancer } from '../edge/global-https-load-balancer';
import { SecretAccess } from '../secure-secrets/secret-access';
import { GOOGLE_LB_RANGES, GkeWebhookWorkload, quantity, resolveGkeOptions } from './gke-workload';
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

/**
 * Tells the runtime it is production (runtime/src/config.ts: it then refuses to start without
 * authentication). Set by the platform on a production webhook, not left to the image's NODE_ENV
 * or the caller's `env`: a custom image or a stray NODE_ENV must not turn checks off.
 */
const RUNTIME_ENV = { name: 'RUNTIME_ENV', value: 'production' } as const;
/** Port the container listens on when `containerPort` is not given. */
export const DEFAULT_PORT = 8080;
/** Requests per second one pod serves at full load (balancing mode RATE of zonal NEGs). */
const MAX_RATE_PER_POD = 100;
/** Seconds a request may take when `requestTimeout` is not given. */
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

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

/** One Cloud Run v2 service per region, each behind a serverless NEG. */
class CloudRunBinding implements IPlatformBinding {
  public readonly serviceAccount: ServiceAccount;
  public readonly services: CloudRunV2Service[];
  public readonly networkEndpointGroups: ComputeRegionNetworkEndpointGroup[];
  public readonly backend: WebhookBackend;
  public readonly requestSignals: RequestSignals;

  constructor(
    private readonly scope: Construct,
    private readonly o: PlatformBindOptions,
  ) {
    const p = o.props;
    this.serviceAccount = new ServiceAccount(scope, 'service-account', {
      accountId: `${o.name}-run`,
      displayName: `Webhook ${o.name} (Cloud Run)`,
      description: 'Runs the conversational webhook; holds only the grants this construct adds.',
    });
    const runtime = Grantee.fromServiceAccount(this.serviceAccount);

    // One accessor grant per secret (on the secret, never the project), through the same helper
    // as PlatformSecret.grantAccess (SecretAccess.grant). A secret used both as env and as a file is granted once.
    const granted = new Set<string>();
    for (const [envName, ref] of Object.entries(p.secretEnv ?? {})) {
      if (granted.has(ref.secret)) continue;
      granted.add(ref.secret);
      SecretAccess.grant(scope, `secret-access-${envName}`, ref.secret, runtime);
    }
    for (const [i, ref] of Object.values(p.secretFiles ?? {}).entries()) {
      if (granted.has(ref.secret)) continue;
      granted.add(ref.secret);
      SecretAccess.grant(scope, `secret-file-access-${i}`, ref.secret, runtime);
    }

    this.services = o.regions.map((region) => this.service(region));
    this.networkEndpointGroups = o.regions.map(
      (region, i) =>
        new ComputeRegionNetworkEndpointGroup(scope, `neg-${region}`, {
          name: `${o.name}-neg-${region}`,
          region,
          networkEndpointType: 'SERVERLESS',
          cloudRun: { service: this.services[i].name },
        }),
    );
    this.backend = { groups: this.networkEndpointGroups.map((neg) => neg.id) };
    this.requestSignals = cloudRunSignals(this.services);
  }

  public grantInvoke(id: string, grantee: Grantee): CloudRunV2ServiceIamMember[] {
    return this.services.map(
      (service, i) =>
        new CloudRunV2ServiceIamMember(this.scope, `${id}-${this.o.regions[i]}`, {
          name: service.name,
          location: service.location,
          role: 'roles/run.invoker',
          member: grantee.member,
        }),
    );
  }

  public connect(_loadBalancer: GlobalHttpsLoadBalancer): void {
    for (const [i, invoker] of this.o.invokers.entries()) this.grantInvoke(`invoker-${i}`, invoker);
    new TerraformOutput(this.scope, 'service-names', {
      value: Object.fromEntries(this.o.regions.map((r, i) => [r, this.services[i].name])),
      description: 'Cloud Run service per region.',
    });
  }

  private service(region: string): CloudRunV2Service {
    const o = this.o;
    const p = o.props;
    const port = p.containerPort ?? DEFAULT_PORT;
    const env: CloudRunV2ServiceTemplateContainersEnv[] = [
      ...Object.entries(p.env ?? {})
        .filter(([name]) => !(o.production && name === RUNTIME_ENV.name))
        .map(([name, value]) => ({ name, value })),
      ...(o.production ? [RUNTIME_ENV] : []),
      ...Object.entries(p.secretEnv ?? {}).map(([name, ref]) => ({
        name,
        valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version ?? 'latest' } },
      })),
      { name: 'WEBHOOK_REGION', value: region },
      ...Object.entries(o.runtimeEnv).map(([name, value]) => ({ name, value })),
    ];
    // One volume per secret file, mounted at the file's directory (Cloud Run mounts per directory).
    const secretFiles = Object.entries(p.secretFiles ?? {}).map(([path, ref], i) => ({
      volume: {
        name: `secret-file-${i}`,
        secret: { secret: ref.secret, items: [{ version: ref.version ?? 'latest', path: path.slice(path.lastIndexOf('/') + 1) }] },
      },
      mount: { name: `secret-file-${i}`, mountPath: path.slice(0, path.lastIndexOf('/')) },
    }));
    return new CloudRunV2Service(this.scope, `service-${region}`, {
      name: o.name,
      location: region,
      description: `Conversational webhook ${o.name} in ${region}`,
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
      deletionProtection: p.deletionProtection ?? true,
      // Callers come through the load balancer, so their ID tokens name the public URL.
      customAudiences: p.audiences ?? p.domains.map((d) => `https://${d}`),
      template: {
        serviceAccount: this.serviceAccount.email,
        executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
        maxInstanceRequestConcurrency: o.concurrency,
        timeout: `${p.requestTimeout?.toSeconds() ?? DEFAULT_REQUEST_TIMEOUT_SECONDS}s`,
        volumes: secretFiles.length > 0 ? secretFiles.map((f) => f.volume) : undefined,
        scaling: { minInstanceCount: o.minInstances, maxInstanceCount: o.maxInstances },
        containers: [
          {
            image: p.image,
            ports: { containerPort: port },
            resources: { limits: { cpu: o.cpu, memory: o.memory }, cpuIdle: true, startupCpuBoost: true },
            env,
            volumeMounts: secretFiles.length > 0 ? secretFiles.map((f) => f.mount) : undefined,
            startupProbe: {
              httpGet: { path: p.readinessPath ?? '/readyz', port },
              initialDelaySeconds: 0,
              periodSeconds: 2,
              timeoutSeconds: 1,
              failureThreshold: 30,
            },
            livenessProbe: {
              httpGet: { path: p.healthPath ?? '/healthz', port },
              periodSeconds: 15,
              timeoutSeconds: 3,
              failureThreshold: 3,
            },
          },
        ],
      },
    });
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

/** A restricted Deployment on GKE, exposed as zonal NEGs, with a health check and a firewall rule for Google's ranges. */
class GkeBinding implements IPlatformBinding {
  public readonly serviceAccount: ServiceAccount;
  public readonly services: CloudRunV2Service[] = [];
  public readonly networkEndpointGroups: ComputeRegionNetworkEndpointGroup[] = [];
  public readonly workload: GkeWebhookWorkload;
  public readonly healthCheck: ComputeHealthCheck;
  public readonly loadBalancerFirewall: ComputeFirewall;
  public readonly backend: WebhookBackend;
  private readonly namespace: string;
  private readonly maxReplicas: number;
  private readonly regions: string[];

  constructor(
    private readonly scope: Construct,
    o: PlatformBindOptions,
    private readonly options: GkePlatformOptions,
  ) {
    const p = o.props;
    this.serviceAccount = new ServiceAccount(scope, 'service-account', {
      accountId: `${o.name}-gke`,
      displayName: `Webhook ${o.name} (GKE)`,
      description: 'The webhook pods act as this account through Workload Identity; it holds only the grants this construct adds.',
    });
    const port = p.containerPort ?? DEFAULT_PORT;
    const negName = `${o.name}-neg`;
    const resolved = resolveGkeOptions(o.name, o.production, options);
    this.namespace = resolved.namespace;
    this.maxReplicas = resolved.maxReplicas;
    this.workload = new GkeWebhookWorkload(scope, 'gke', {
      name: o.name,
      image: p.image,
      containerPort: port,
      healthPath: p.healthPath ?? '/healthz',
      readinessPath: p.readinessPath ?? '/readyz',
      // Defaults first so the user's env wins, except what the construct must own.
      env: {
        NODE_ENV: 'production',
        // Cloud Run checks ID tokens at the platform; on GKE the runtime does.
        AUTH_MODE: 'google-id-token',
        AUTH_AUDIENCE: (p.audiences ?? p.domains.map((d) => `https://${d}`))[0],
        // Any Google identity can mint a token for our audience: only these callers are accepted.
        AUTH_ALLOWED_PRINCIPALS: o.invokers.map((g) => serviceAccountEmailOf(g, `${scope.node.path} invokers`)).join(','),
        GOOGLE_CLOUD_PROJECT: o.projectId,
        ...o.runtimeEnv,
        ...p.env,
        ...(o.production && { [RUNTIME_ENV.name]: RUNTIME_ENV.value }),
        PORT: quantity(port),
        WEBHOOK_REGION: o.regions[0],
      },
      googleServiceAccount: this.serviceAccount,
      workloadIdentityPool: options.workloadIdentityPool ?? `${o.projectId}.svc.id.goog`,
      negName,
      production: o.production,
      options,
    });
    this.healthCheck = new ComputeHealthCheck(scope, 'health-check', {
      name: `${o.name}-hc`,
      description: 'Readiness of the webhook pods, from the load balancer',
      checkIntervalSec: 5,
      timeoutSec: 3,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      httpHealthCheck: { portSpecification: 'USE_SERVING_PORT', requestPath: p.readinessPath ?? '/readyz' },
      logConfig: { enable: true },
    });
    // Container-native load balancing sends traffic and health checks straight to the pod IPs.
    this.loadBalancerFirewall = new ComputeFirewall(scope, 'lb-firewall', {
      name: `${o.name}-allow-lb`,
      description: 'Google load balancer and health checks to the webhook pods',
      network: options.network,
      direction: 'INGRESS',
      sourceRanges: [...GOOGLE_LB_RANGES],
      allow: [{ protocol: 'tcp', ports: [quantity(port)] }],
      targetServiceAccounts: options.nodeServiceAccount ? [options.nodeServiceAccount] : undefined,
      logConfig: { metadata: 'EXCLUDE_ALL_METADATA' },
    });
    this.backend = {
      groups: options.zones.map((zone) => `projects/${o.projectId}/zones/${zone}/networkEndpointGroups/${negName}`),
      protocol: BackendProtocol.HTTP,
      healthCheck: this.healthCheck.id,
      maxRatePerEndpoint: MAX_RATE_PER_POD,
    };
    this.regions = o.regions;
  }

  /** The runtime's Prometheus metrics in the cluster's Managed Service for Prometheus; needs `clusterName`. */
  public get requestSignals(): RequestSignals {
    if (this.options.clusterName === undefined) {
      throw new Error(
        `${this.scope.node.path}: Platform.gke was given no clusterName, so the webhook's request metrics cannot be scoped to its cluster: pass Platform.gke({ clusterName: cluster.cluster.name, ... }) to watch it with SloTarget.fromWebhook`,
      );
    }
    return gkeSignals({
      cluster: this.options.clusterName,
      location: this.regions[0],
      namespace: this.namespace,
      service: this.workload.service.metadata.name,
      regions: [this.regions[0]],
      maxReplicas: this.maxReplicas,
    });
  }

  public grantInvoke(id: string, _grantee: Grantee): CloudRunV2ServiceIamMember[] {
    throw new Error(
      `${this.scope.node.path}.grantInvoke("${id}"): Cloud Run IAM does not apply on Platform.gke; the runtime verifies Google ID tokens for the webhook's audiences`,
    );
  }

  public connect(loadBalancer: GlobalHttpsLoadBalancer): void {
    // GKE's NEG controller creates the NEGs once the Service exists; the backend needs them.
    // `dependable()` writes the bare address Terraform's depends_on takes (`fqn` is "${...}").
    loadBalancer.backendService.dependsOn = [dependable(this.workload.service)];
    new TerraformOutput(this.scope, 'kubernetes-deployment', {
      value: `${this.workload.deployment.metadata.namespace}/${this.workload.deployment.metadata.name}`,
      description: 'Namespace/name of the webhook Deployment.',
    });
  }
}
