import { CloudRunV2Service, CloudRunV2ServiceTemplateContainersEnv } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Annotations, TerraformOutput, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { PlatformStack } from '../core/platform-stack';
import { PROJECT_GRANT_CONDITION_CHECK } from '../core/policy-check-ids';
import { PUBLIC_MEMBERS } from '../core/public-members';
import { PolicySuppressions } from '../core/policy-suppressions';
import { isToken, validateProps } from '../core/validation';
import { DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE, EDGE_REQUESTS_PER_SLOT_PER_SECOND, EdgeSecurityPolicy } from '../edge/edge-security-policy';
import { BackendProtocol, GlobalHttpsLoadBalancer } from '../edge/global-https-load-balancer';
import { SecretAccess } from '../secure-secrets/secret-access';
import { GOOGLE_LB_RANGES, GkeWebhookWorkload, quantity, resolveGkeOptions } from './gke-workload';
import { Platform } from './platform';
import { ScalableWebhookProps } from './scalable-webhook-props';
import { gkeRegion, ResolvedWebhookProps, SCALABLE_WEBHOOK_RULES } from './scalable-webhook-rules';

const DEFAULT_MAX_INSTANCES = 10;
const DEFAULT_CONCURRENCY = 80;
/**
 * Tells the runtime it is production (runtime/src/config.ts: it then refuses to start without
 * authentication). Set by the construct on a production webhook, not left to the image's
 * NODE_ENV or the caller's `env`: a custom image or a stray NODE_ENV must not turn checks off.
 */
const RUNTIME_ENV = { name: 'RUNTIME_ENV', value: 'production' } as const;
const DEFAULT_PORT = 8080;
/** Requests per second one pod serves at full load (balancing mode RATE of zonal NEGs). */
const MAX_RATE_PER_POD = 100;

/**
 * A Dialogflow webhook on Cloud Run in several regions behind one global HTTPS load balancer,
 * secure by default:
 *
 * - one Cloud Run v2 service per region (gen2), its own service account, startup and liveness
 *   probes, CPU/memory limits, min/max instances and concurrency, ingress only from the load
 *   balancer, deletion protection, IAM-authenticated (custom audiences = the domains);
 * - a global external Application Load Balancer (EXTERNAL_MANAGED) over one serverless NEG per
 *   region, with a managed certificate, TLS ≥ 1.2, HTTP→HTTPS redirect, outlier detection and
 *   request logging;
 * - a Cloud Armor policy (OWASP CRS + cve-canary, a per-IP flood guard sized from this webhook's
 *   capacity so Dialogflow's shared egress is never throttled first, Adaptive Protection);
 * - `roles/run.invoker` for the Dialogflow service agent only (or the given invokers).
 *
 * With `platform: Platform.gke({...})` the services are replaced by a restricted Deployment on a
 * GKE cluster (see `GkeWebhookWorkload`), exposed as zonal NEGs through the same load balancer,
 * SSL policy and Cloud Armor policy, plus a health check and a firewall rule for Google's ranges.
 */
export class ScalableWebhook extends Construct {
  /** Where the webhook runs. */
  public readonly platform: Platform;
  /** Escape hatch: the Cloud Run services, in `regions` order (empty on GKE). */
  public readonly services: CloudRunV2Service[];
  /** Escape hatch: the serverless NEGs, in `regions` order (empty on GKE). */
  public readonly networkEndpointGroups: ComputeRegionNetworkEndpointGroup[];
  /** Escape hatch: the Kubernetes resources, on GKE. */
  public readonly gke?: GkeWebhookWorkload;
  /** Escape hatch: the load balancer's health check of the pods, on GKE. */
  public readonly healthCheck?: ComputeHealthCheck;
  /** Escape hatch: the firewall rule letting Google's load balancer and health checks reach the pods, on GKE. */
  public readonly loadBalancerFirewall?: ComputeFirewall;
  /** The service account the containers run as. */
  public readonly serviceAccount: ServiceAccount;
  /** The load balancer in front of the services. */
  public readonly loadBalancer: GlobalHttpsLoadBalancer;
  /** The Cloud Armor policy created, when `securityPolicy` was not given. */
  public readonly edgePolicy?: EdgeSecurityPolicy;
  /**
   * Requests a minute one source IP may send at the edge: `rateLimitPerMinute`, else the
   * capacity this webhook is configured for (see `ScalableWebhookProps.rateLimitPerMinute`).
   */
  public readonly edgeRateLimitPerMinute: number;
  /** The grant that lets the runtime write spans to Cloud Trace, when `traceExport` is on. */
  public readonly traceWriterGrant?: ProjectIamMember;
  /** Regions served, primary first. */
  public readonly regions: string[];
  /** `https://<first domain>`: the URL to register as the Dialogflow webhook (add the route, e.g. `/webhook/cx`). */
  public readonly url: string;

  private readonly invokerGrants: CloudRunV2ServiceIamMember[] = [];
  private projectData?: DataGoogleProject;

  constructor(scope: Construct, id: string, props: ScalableWebhookProps) {
    super(scope, id);
    const platform = PlatformStack.find(this);
    const production = props.production ?? platform?.production ?? false;
    this.platform = props.platform ?? Platform.cloudRun();
    const gkeRegionName = this.platform.isGke ? gkeRegion(props) : undefined;
    const p: ResolvedWebhookProps = {
      ...props,
      platform: this.platform,
      name: props.name ?? id.toLowerCase(),
      regions: props.regions ?? (gkeRegionName ? [gkeRegionName] : (platform?.regions ?? [])),
      minInstances: props.minInstances ?? (production ? 1 : 0),
      maxInstances: props.maxInstances ?? DEFAULT_MAX_INSTANCES,
      concurrency: props.concurrency ?? DEFAULT_CONCURRENCY,
      cpu: props.cpu ?? '1',
      memory: props.memory ?? '512Mi',
    };
    validateProps(this.node.path, p, SCALABLE_WEBHOOK_RULES);
    this.regions = [...p.regions];
    this.url = `https://${p.domains[0]}`;
    let backendGroups: string[];

    if (this.platform.isGke) {
      this.serviceAccount = new ServiceAccount(this, 'service-account', {
        accountId: `${p.name}-gke`,
        displayName: `Webhook ${p.name} (GKE)`,
        description: 'The webhook pods act as this account through Workload Identity; it holds only the grants this construct adds.',
      });
      this.services = [];
      this.networkEndpointGroups = [];
      const negs = this.gkeWorkload(p, production);
      this.gke = negs.workload;
      this.healthCheck = negs.healthCheck;
      this.loadBalancerFirewall = negs.firewall;
      backendGroups = negs.groups;
    } else {
      this.serviceAccount = new ServiceAccount(this, 'service-account', {
        accountId: `${p.name}-run`,
        displayName: `Webhook ${p.name} (Cloud Run)`,
        description: 'Runs the conversational webhook; holds only the grants this construct adds.',
      });

      // One accessor grant per secret (on the secret, never the project), through the same helper
      // as PlatformSecret.grantAccess (SecretAccess.grant). A secret used both as env and as a file is granted once.
      const granted = new Set<string>();
      for (const [envName, ref] of Object.entries(p.secretEnv ?? {})) {
        if (granted.has(ref.secret)) continue;
        granted.add(ref.secret);
        SecretAccess.grant(this, `secret-access-${envName}`, ref.secret, this.serviceAccount.member);
      }
      for (const [i, ref] of Object.values(p.secretFiles ?? {}).entries()) {
        if (granted.has(ref.secret)) continue;
        granted.add(ref.secret);
        SecretAccess.grant(this, `secret-file-access-${i}`, ref.secret, this.serviceAccount.member);
      }

      this.services = p.regions.map((region) => this.service(region, p, production));
      this.networkEndpointGroups = p.regions.map(
        (region, i) =>
          new ComputeRegionNetworkEndpointGroup(this, `neg-${region}`, {
            name: `${p.name}-neg-${region}`,
            region,
            networkEndpointType: 'SERVERLESS',
            cloudRun: { service: this.services[i].name },
          }),
      );
      backendGroups = this.networkEndpointGroups.map((neg) => neg.id);
    }

    if (p.traceExport ?? true) this.traceWriterGrant = this.grantTraceWrite('trace-writer', this.serviceAccount.member);

    const capacity = this.edgeCapacityPerMinute(p, production);
    this.edgeRateLimitPerMinute = p.rateLimitPerMinute ?? capacity;
    if (p.rateLimitPerMinute !== undefined && !isToken(p.rateLimitPerMinute) && p.rateLimitPerMinute < capacity) {
      Annotations.of(this).addWarning(
        `rateLimitPerMinute ${p.rateLimitPerMinute} is below this webhook's capacity (${capacity} requests a minute): every Dialogflow call comes from Google's shared egress, so a busy agent will be answered 429 at the edge (webhook.error for users). Omit it to size the edge from capacity.`,
      );
    }
    if (!p.securityPolicy) {
      this.edgePolicy = new EdgeSecurityPolicy(this, 'edge-policy', {
        name: `${p.name}-edge`,
        rateLimitPerMinute: this.edgeRateLimitPerMinute,
        allowedSourceRanges: p.allowedSourceRanges,
        wafSensitivity: p.wafSensitivity,
      });
    }

    this.loadBalancer = new GlobalHttpsLoadBalancer(this, 'load-balancer', {
      name: p.name,
      domains: p.domains,
      backendGroups,
      securityPolicy: p.securityPolicy ?? this.edgePolicy!.policy.id,
      tlsProfile: p.tlsProfile,
      ...(this.gke
        ? { backendProtocol: BackendProtocol.HTTP, healthCheck: this.healthCheck!.id, maxRatePerEndpoint: MAX_RATE_PER_POD }
        : {}),
    });

    if (this.gke) {
      // GKE's NEG controller creates the NEGs once the Service exists; the backend needs them.
      // `dependable()` writes the bare address Terraform's depends_on takes (`fqn` is "${...}").
      this.loadBalancer.backendService.dependsOn = [dependable(this.gke.service)];
    } else {
      for (const [i, member] of (p.invokers ?? [this.dialogflowServiceAgent(p)]).entries()) {
        this.invokerGrants.push(...this.grantInvoke(`invoker-${i}`, member));
      }
    }

    new TerraformOutput(this, 'load-balancer-ip', {
      value: this.loadBalancer.address.address,
      description: 'Point the DNS A records of the domains here.',
    });
    new TerraformOutput(this, 'webhook-url', { value: this.url, description: 'Register this URL (plus the route) in Dialogflow.' });
    if (this.gke) {
      new TerraformOutput(this, 'kubernetes-deployment', {
        value: `${this.gke.deployment.metadata.namespace}/${this.gke.deployment.metadata.name}`,
        description: 'Namespace/name of the webhook Deployment.',
      });
    } else {
      new TerraformOutput(this, 'service-names', {
        value: Object.fromEntries(p.regions.map((r, i) => [r, this.services[i].name])),
        description: 'Cloud Run service per region.',
      });
    }
  }

  /**
   * Let `member` write spans to Cloud Trace (`roles/cloudtrace.agent` on the project, additive). Spans
   * carry no resource name an IAM condition could narrow the grant to, so CKV_CONVAI_39 is recorded
   * as accepted with that reason.
   * @param id construct id of the grant; unique within this webhook
   */
  public grantTraceWrite(id: string, member: string): ProjectIamMember {
    const grant = new ProjectIamMember(this, id, { project: this.projectId(), role: 'roles/cloudtrace.agent', member });
    PolicySuppressions.add(
      grant,
      PROJECT_GRANT_CONDITION_CHECK,
      'Cloud Trace has no resource-level IAM: spans are written to the project, so roles/cloudtrace.agent cannot be conditioned to a resource name.',
    );
    return grant;
  }

  /** The project the webhook runs in: the PlatformStack's, else read with a data source. */
  private projectId(): string {
    return PlatformStack.find(this)?.projectId ?? this.project().projectId;
  }

  /**
   * Requests a minute the webhook serves at its configured maximum, over all regions: Cloud Run,
   * maxInstances × concurrency × EDGE_REQUESTS_PER_SLOT_PER_SECOND; GKE, maxReplicas × the load
   * balancer's rate per pod. The default edge limit when any input is a token.
   */
  private edgeCapacityPerMinute(p: ResolvedWebhookProps, production: boolean): number {
    const inputs = this.platform.isGke
      ? [resolveGkeOptions(p.name, production, this.platform.gkeOptions!).maxReplicas, MAX_RATE_PER_POD]
      : [p.maxInstances, p.concurrency, EDGE_REQUESTS_PER_SLOT_PER_SECOND];
    if (inputs.some((n) => isToken(n)) || isToken(p.regions)) return DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE;
    const perRegionPerSecond = inputs.reduce((a, b) => a * b, 1);
    if (!(perRegionPerSecond > 0)) return DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE;
    return EdgeSecurityPolicy.floodGuardPerMinute(perRegionPerSecond * Math.max(p.regions.length, 1));
  }

  /**
   * Let `member` invoke the webhook in every region (additive `roles/run.invoker`).
   * @param id construct id prefix for the grants; unique within this webhook
   * @param member e.g. `serviceAccount:caller@project.iam.gserviceaccount.com`
   * @returns one IAM member resource per region
   */
  public grantInvoke(id: string, member: string): CloudRunV2ServiceIamMember[] {
    if (this.platform.isGke) {
      throw new Error(
        `${this.node.path}.grantInvoke("${id}"): Cloud Run IAM does not apply on Platform.gke; the runtime verifies Google ID tokens for the webhook's audiences`,
      );
    }
    if (PUBLIC_MEMBERS.includes(member)) {
      throw new Error(
        `${this.node.path}.grantInvoke("${id}"): member ${member} would make the webhook public; grant named identities instead`,
      );
    }
    return this.services.map(
      (service, i) =>
        new CloudRunV2ServiceIamMember(this, `${id}-${this.regions[i]}`, {
          name: service.name,
          location: service.location,
          role: 'roles/run.invoker',
          member,
        }),
    );
  }

  private service(region: string, p: ResolvedWebhookProps, production: boolean): CloudRunV2Service {
    const port = p.containerPort ?? DEFAULT_PORT;
    const env: CloudRunV2ServiceTemplateContainersEnv[] = [
      ...Object.entries(p.env ?? {})
        .filter(([name]) => !(production && name === RUNTIME_ENV.name))
        .map(([name, value]) => ({ name, value })),
      ...(production ? [RUNTIME_ENV] : []),
      ...Object.entries(p.secretEnv ?? {}).map(([name, ref]) => ({
        name,
        valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version ?? 'latest' } },
      })),
      { name: 'WEBHOOK_REGION', value: region },
      ...this.traceEnv(p).map(([name, value]) => ({ name, value })),
    ];
    // One volume per secret file, mounted at the file's directory (Cloud Run mounts per directory).
    const secretFiles = Object.entries(p.secretFiles ?? {}).map(([path, ref], i) => ({
      volume: {
        name: `secret-file-${i}`,
        secret: { secret: ref.secret, items: [{ version: ref.version ?? 'latest', path: path.slice(path.lastIndexOf('/') + 1) }] },
      },
      mount: { name: `secret-file-${i}`, mountPath: path.slice(0, path.lastIndexOf('/')) },
    }));
    return new CloudRunV2Service(this, `service-${region}`, {
      name: p.name,
      location: region,
      description: `Conversational webhook ${p.name} in ${region}`,
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
      deletionProtection: p.deletionProtection ?? true,
      // Callers come through the load balancer, so their ID tokens name the public URL.
      customAudiences: p.audiences ?? p.domains.map((d) => `https://${d}`),
      template: {
        serviceAccount: this.serviceAccount.email,
        executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
        maxInstanceRequestConcurrency: p.concurrency,
        timeout: `${p.requestTimeoutSeconds ?? 30}s`,
        volumes: secretFiles.length > 0 ? secretFiles.map((f) => f.volume) : undefined,
        scaling: { minInstanceCount: p.minInstances, maxInstanceCount: p.maxInstances },
        containers: [
          {
            image: p.image,
            ports: { containerPort: port },
            resources: { limits: { cpu: p.cpu, memory: p.memory }, cpuIdle: true, startupCpuBoost: true },
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

  /** The GKE workload and what the load balancer needs to reach its zonal NEGs. */
  private gkeWorkload(
    p: ResolvedWebhookProps,
    production: boolean,
  ): { workload: GkeWebhookWorkload; healthCheck: ComputeHealthCheck; firewall: ComputeFirewall; groups: string[] } {
    const options = p.platform.gkeOptions!;
    const port = p.containerPort ?? DEFAULT_PORT;
    const stack = PlatformStack.find(this);
    const projectId = stack?.projectId ?? this.project().projectId;
    const negName = `${p.name}-neg`;
    const workload = new GkeWebhookWorkload(this, 'gke', {
      name: p.name,
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
        AUTH_ALLOWED_PRINCIPALS: (p.invokers ?? [this.dialogflowServiceAgent(p)]).map((m) => m.replace(/^serviceAccount:/, '')).join(','),
        GOOGLE_CLOUD_PROJECT: projectId,
        ...Object.fromEntries(this.traceEnv(p)),
        ...p.env,
        ...(production && { [RUNTIME_ENV.name]: RUNTIME_ENV.value }),
        PORT: quantity(port),
        WEBHOOK_REGION: p.regions[0],
      },
      googleServiceAccount: this.serviceAccount,
      workloadIdentityPool: options.workloadIdentityPool ?? `${projectId}.svc.id.goog`,
      negName,
      production,
      options,
    });
    const healthCheck = new ComputeHealthCheck(this, 'health-check', {
      name: `${p.name}-hc`,
      description: 'Readiness of the webhook pods, from the load balancer',
      checkIntervalSec: 5,
      timeoutSec: 3,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      httpHealthCheck: { portSpecification: 'USE_SERVING_PORT', requestPath: p.readinessPath ?? '/readyz' },
      logConfig: { enable: true },
    });
    // Container-native load balancing sends traffic and health checks straight to the pod IPs.
    const firewall = new ComputeFirewall(this, 'lb-firewall', {
      name: `${p.name}-allow-lb`,
      description: 'Google load balancer and health checks to the webhook pods',
      network: options.network,
      direction: 'INGRESS',
      sourceRanges: [...GOOGLE_LB_RANGES],
      allow: [{ protocol: 'tcp', ports: [quantity(port)] }],
      targetServiceAccounts: options.nodeServiceAccount ? [options.nodeServiceAccount] : undefined,
      logConfig: { metadata: 'EXCLUDE_ALL_METADATA' },
    });
    const groups = options.zones.map((zone) => `projects/${projectId}/zones/${zone}/networkEndpointGroups/${negName}`);
    return { workload, healthCheck, firewall, groups };
  }

  /** One google_project data source, created on first use. */
  /**
   * The runtime's trace settings when `traceExport` is on; the user's env may override them. On GKE
   * GOOGLE_CLOUD_PROJECT is set anyway (the ID-token check needs it).
   */
  private traceEnv(p: ResolvedWebhookProps): Array<[string, string]> {
    if (!(p.traceExport ?? true)) return [];
    const env: Array<[string, string]> = [
      ['TRACE_EXPORTER', 'cloud-trace'],
      ['GOOGLE_CLOUD_PROJECT', this.projectId()],
    ];
    return env.filter(([name]) => p.env?.[name] === undefined);
  }

  private project(): DataGoogleProject {
    this.projectData ??= new DataGoogleProject(this, 'project');
    return this.projectData;
  }

  private dialogflowServiceAgent(p: ResolvedWebhookProps): string {
    const projectNumber = p.projectNumber ?? this.project().number;
    return `serviceAccount:service-${projectNumber}@gcp-sa-dialogflow.iam.gserviceaccount.com`;
  }
}
