import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Grantee } from '../core/grantee';
import { RequestSignals } from '../core/request-signals';
import { BackendProtocol, GlobalHttpsLoadBalancer } from '../edge/global-https-load-balancer';
import type { GkeWebhookWorkload } from './gke-workload';

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
