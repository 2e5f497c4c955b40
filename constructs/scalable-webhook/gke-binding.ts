import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { TerraformOutput, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee, serviceAccountEmailOf } from '../core/grantee';
import { RequestSignals, gkeSignals } from '../core/request-signals';
import { BackendProtocol, GlobalHttpsLoadBalancer } from '../edge/global-https-load-balancer';
import { GOOGLE_LB_RANGES, GkeWebhookWorkload, quantity, resolveGkeOptions } from './gke-workload';
import type { GkePlatformOptions } from './gke-platform-options';
import type { IPlatformBinding, WebhookBackend } from './platform-binding';
import type { PlatformBindInputs } from './platform-inputs';
import { DEFAULT_PORT, MAX_RATE_PER_POD, RUNTIME_ENV } from './runtime-settings';

/** A restricted Deployment on GKE, exposed as zonal NEGs, with a health check and a firewall rule for Google's ranges. */
export class GkeBinding implements IPlatformBinding {
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
    o: PlatformBindInputs,
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
