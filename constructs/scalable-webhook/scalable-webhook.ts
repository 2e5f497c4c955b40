import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Annotations, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee } from '../core/grantee';
import { PlatformStack } from '../core/platform-stack';
import { PROJECT_GRANT_CONDITION_CHECK } from '../core/policy-check-ids';
import { PolicySuppressions } from '../core/policy-suppressions';
import { RequestSignals } from '../core/request-signals';
import { isToken, validateProps } from '../core/validation';
import { DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE, EdgeSecurityPolicy } from '../edge/edge-security-policy';
import { GlobalHttpsLoadBalancer } from '../edge/global-https-load-balancer';
import { GkeWebhookWorkload } from './gke-workload';
import { IPlatformBinding, Platform, ScalableWebhookProps } from './platform';
import { ResolvedWebhookProps, SCALABLE_WEBHOOK_RULES } from './scalable-webhook-rules';

const DEFAULT_MAX_INSTANCES = 10;
const DEFAULT_CONCURRENCY = 80;

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
 * The platform deploys itself (`Platform.bind`): this construct never branches on which it is.
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
  /** What the platform deployed, and the behaviour that differs by platform. */
  public readonly binding: IPlatformBinding;

  private projectData?: DataGoogleProject;

  constructor(scope: Construct, id: string, props: ScalableWebhookProps) {
    super(scope, id);
    const stack = PlatformStack.find(this);
    const production = props.production ?? stack?.production ?? false;
    this.platform = props.platform ?? Platform.cloudRun();
    const p: ResolvedWebhookProps = {
      ...props,
      platform: this.platform,
      production,
      name: props.name ?? id.toLowerCase(),
      regions: props.regions ?? this.platform._defaultRegions(stack?.regions ?? []),
      minInstances: props.minInstances ?? (production ? 1 : 0),
      maxInstances: props.maxInstances ?? DEFAULT_MAX_INSTANCES,
      concurrency: props.concurrency ?? DEFAULT_CONCURRENCY,
      cpu: props.cpu ?? '1',
      memory: props.memory ?? '512Mi',
    };
    validateProps(this.node.path, p, [...SCALABLE_WEBHOOK_RULES, ...this.platform._rules()]);
    this.regions = [...p.regions];
    this.url = `https://${p.domains[0]}`;

    this.binding = this.platform.bind(this, {
      props,
      name: p.name,
      regions: p.regions,
      production,
      projectId: this.projectId(),
      minInstances: p.minInstances,
      maxInstances: p.maxInstances,
      concurrency: p.concurrency,
      cpu: p.cpu,
      memory: p.memory,
      invokers: p.invokers ?? [this.dialogflowServiceAgent(p)],
      runtimeEnv: Object.fromEntries(this.traceEnv(p)),
    });
    this.serviceAccount = this.binding.serviceAccount;
    this.services = this.binding.services;
    this.networkEndpointGroups = this.binding.networkEndpointGroups;
    this.gke = this.binding.workload;
    this.healthCheck = this.binding.healthCheck;
    this.loadBalancerFirewall = this.binding.loadBalancerFirewall;

    if (p.traceExport ?? true)
      this.traceWriterGrant = this.grantTraceWrite('trace-writer', Grantee.fromServiceAccount(this.serviceAccount));

    const capacity = this.edgeCapacityPerMinute(p);
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

    const backend = this.binding.backend;
    this.loadBalancer = new GlobalHttpsLoadBalancer(this, 'load-balancer', {
      name: p.name,
      domains: p.domains,
      backendGroups: backend.groups,
      securityPolicy: p.securityPolicy ?? this.edgePolicy!.policy.id,
      tlsProfile: p.tlsProfile,
      backendProtocol: backend.protocol,
      healthCheck: backend.healthCheck,
      maxRatePerEndpoint: backend.maxRatePerEndpoint,
    });

    new TerraformOutput(this, 'load-balancer-ip', {
      value: this.loadBalancer.address.address,
      description: 'Point the DNS A records of the domains here.',
    });
    new TerraformOutput(this, 'webhook-url', { value: this.url, description: 'Register this URL (plus the route) in Dialogflow.' });
    this.binding.connect(this.loadBalancer);
  }

  /**
   * Where this webhook's request metrics live in Cloud Monitoring, as its platform says: what
   * `SloTarget.fromWebhook` watches. On GKE it needs `Platform.gke({ clusterName })`.
   */
  public get requestSignals(): RequestSignals {
    return this.binding.requestSignals;
  }

  /**
   * Let `grantee` write spans to Cloud Trace (`roles/cloudtrace.agent` on the project, additive). Spans
   * carry no resource name an IAM condition could narrow the grant to, so CKV_CONVAI_39 is recorded
   * as accepted with that reason.
   * @param id construct id of the grant; unique within this webhook
   */
  public grantTraceWrite(id: string, grantee: Grantee): ProjectIamMember {
    const grant = new ProjectIamMember(this, id, { project: this.projectId(), role: 'roles/cloudtrace.agent', member: grantee.member });
    PolicySuppressions.add(
      grant,
      PROJECT_GRANT_CONDITION_CHECK,
      'Cloud Trace has no resource-level IAM: spans are written to the project, so roles/cloudtrace.agent cannot be conditioned to a resource name.',
    );
    return grant;
  }

  /**
   * Let `grantee` invoke the webhook in every region (additive `roles/run.invoker`). Cloud Run only:
   * on GKE the runtime verifies Google ID tokens itself, for the callers listed in `invokers`.
   * @param id construct id prefix for the grants; unique within this webhook
   * @param grantee e.g. `Grantee.fromServiceAccountEmail("caller@project.iam.gserviceaccount.com")`
   * @returns one IAM member resource per region
   */
  public grantInvoke(id: string, grantee: Grantee): CloudRunV2ServiceIamMember[] {
    return this.binding.grantInvoke(id, grantee);
  }

  /** The project the webhook runs in: the PlatformStack's, else read with a data source. */
  private projectId(): string {
    return PlatformStack.find(this)?.projectId ?? this.project().projectId;
  }

  /**
   * Requests a minute the webhook serves at its configured maximum, over all regions: the
   * platform's requests per second per region (Cloud Run, maxInstances × concurrency ×
   * EDGE_REQUESTS_PER_SLOT_PER_SECOND; GKE, maxReplicas × the load balancer's rate per pod). The
   * default edge limit when any input is a token.
   */
  private edgeCapacityPerMinute(p: ResolvedWebhookProps): number {
    const inputs = this.platform._capacityFactors(p);
    if (inputs.some((n) => isToken(n)) || isToken(p.regions)) return DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE;
    const perRegionPerSecond = inputs.reduce((a, b) => a * b, 1);
    if (!(perRegionPerSecond > 0)) return DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE;
    return EdgeSecurityPolicy.floodGuardPerMinute(perRegionPerSecond * Math.max(p.regions.length, 1));
  }

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

  /** One google_project data source, created on first use. */
  private project(): DataGoogleProject {
    this.projectData ??= new DataGoogleProject(this, 'project');
    return this.projectData;
  }

  private dialogflowServiceAgent(p: ResolvedWebhookProps): Grantee {
    const projectNumber = p.projectNumber ?? this.project().number;
    return Grantee.fromServiceAccountEmail(`service-${projectNumber}@gcp-sa-dialogflow.iam.gserviceaccount.com`);
  }
}
