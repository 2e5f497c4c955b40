import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { ContainerCluster, ContainerClusterConfig } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';
import { PlatformStack } from '../core/platform-stack';
import { PROJECT_GRANT_CONDITION_CHECK } from '../core/policy-check-ids';
import { PolicySuppressions } from '../core/policy-suppressions';
import { isToken, validateProps } from '../core/validation';
import { ImageRepositories, ImageRepository } from './image-repository';

/** Node pool sizing for `GkeClusterMode.standard`. */
export interface StandardNodePoolOptions {
  /** Machine type of the nodes. @default "e2-standard-4" */
  readonly machineType?: string;
  /** Nodes per zone the autoscaler keeps at least. @default 1 */
  readonly minNodesPerZone?: number;
  /** Nodes per zone the autoscaler adds at most. @default 3 */
  readonly maxNodesPerZone?: number;
  /** Boot disk size per node in GB. @default 50 */
  readonly diskSizeGb?: number;
}

/** How the cluster's nodes are managed. Enum-like class: jsii has no unions. */
export class GkeClusterMode {
  /** GKE Autopilot: Google runs the nodes; you pay per pod request. */
  public static autopilot(): GkeClusterMode {
    return new GkeClusterMode('AUTOPILOT');
  }

  /** GKE Standard with one autoscaled, hardened node pool (the default node pool is removed). */
  public static standard(options: StandardNodePoolOptions = {}): GkeClusterMode {
    return new GkeClusterMode('STANDARD', options);
  }

  private constructor(
    /** `AUTOPILOT` or `STANDARD`. */
    public readonly kind: string,
    /** Node pool options of `standard`. */
    public readonly nodePool?: StandardNodePoolOptions,
  ) {}
}

/** A CIDR allowed to reach the control plane. */
export interface AuthorizedNetwork {
  /** e.g. "10.0.0.0/8". */
  readonly cidrBlock: string;
  /** What the range is, e.g. "ci-runners". */
  readonly displayName: string;
}

/** GKE release channels. */
export enum ReleaseChannel {
  /** Newest versions, soonest. */
  RAPID = 'RAPID',
  /** The balance most production clusters use. */
  REGULAR = 'REGULAR',
  /** Versions that have been in REGULAR for a while. */
  STABLE = 'STABLE',
}

export interface HardenedGkeClusterProps {
  /** Cluster name (1-40 lowercase letters, digits, "-"). */
  readonly name: string;
  /** Region of the (regional) cluster, e.g. "us-central1". */
  readonly region: string;
  /** Zones the nodes run in, all in `region`, e.g. ["us-central1-a", "us-central1-b", "us-central1-c"]. */
  readonly zones: string[];
  /** VPC network (name or self link). */
  readonly network: string;
  /** Subnetwork in `region` (name or self link), with secondary ranges for pods and services. */
  readonly subnetwork: string;
  /** Secondary range of the subnetwork for pods. @default - GKE creates one */
  readonly podsRangeName?: string;
  /** Secondary range of the subnetwork for services. @default - GKE creates one */
  readonly servicesRangeName?: string;
  /** Autopilot or Standard. @default GkeClusterMode.standard() */
  readonly mode?: GkeClusterMode;
  /** /28 range of the private control plane. @default "172.16.0.0/28" */
  readonly masterIpv4CidrBlock?: string;
  /**
   * Ranges allowed to reach the control plane (CI runners, bastions). 0.0.0.0/0 is refused.
   * @default - none: only the VPC reaches the private endpoint
   */
  readonly masterAuthorizedNetworks?: AuthorizedNetwork[];
  /**
   * Control plane reachable only on its private IP. Terraform must then run inside the VPC
   * (or through a peered/bastion network) to apply Kubernetes resources.
   * @default true
   */
  readonly privateEndpoint?: boolean;
  /** Release channel. @default ReleaseChannel.REGULAR */
  readonly releaseChannel?: ReleaseChannel;
  /**
   * Google Group that holds the groups used in Kubernetes RBAC (`gke-security-groups@<domain>`).
   * @default - none: RBAC by individual users and service accounts; checkov's CKV_GCP_65 is suppressed with that reason
   */
  readonly rbacSecurityGroup?: string;
  /** Terraform refuses to delete the cluster while true. @default true */
  readonly deletionProtection?: boolean;
  /** Project of the cluster, for the Workload Identity pool and node service account grants. @default - the PlatformStack's project */
  readonly projectId?: string;
  /**
   * Artifact Registry repositories the nodes pull images from: the node service account gets
   * `roles/artifactregistry.reader` on each repository, never on the project. Read one from an
   * image reference with `ImageRepositories.fromImage(image)`; add more later with
   * `grantImagePull`.
   * @default - none: the nodes can pull only public images until a repository is granted
   */
  readonly imageRepositories?: ImageRepository[];
}

const CLUSTER_NAME = /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
/**
 * The least a node service account needs to send logs and metrics (Google's minimal node service
 * account roles, less `artifactregistry.reader`, which is granted per repository). Telemetry is
 * written to the project: these roles have no resource a grant or condition could name.
 */
const NODE_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
];
const NODE_ROLES_REASON =
  'GKE nodes write logs, metrics and resource metadata to the project; these telemetry roles are authorized on the project and have no resource name a condition could narrow them to.';

/**
 * A private, hardened GKE cluster for the webhook, for teams that have none: private nodes and
 * control plane, master authorized networks, Workload Identity, a release channel, shielded
 * nodes with secure boot and integrity monitoring, Binary Authorization, network policy,
 * system and workload logging and monitoring, no legacy ABAC or client certificate, and a
 * dedicated least-privilege node service account. Standard mode removes the default node pool
 * and adds one autoscaled COS pool with auto-repair and auto-upgrade.
 */
export class HardenedGkeCluster extends Construct {
  /** Escape hatch: the cluster. */
  public readonly cluster: ContainerCluster;
  /** Escape hatch: the node pool (Standard mode only). */
  public readonly nodePool?: ContainerNodePool;
  /** The nodes' service account. */
  public readonly nodeServiceAccount: ServiceAccount;
  /** Zones the nodes run in. */
  public readonly zones: string[];
  /** `<project>.svc.id.goog`. */
  public readonly workloadIdentityPool: string;
  /** The VPC network. */
  public readonly network: string;
  /** Escape hatch: the image-pull grants, one per repository (`imageRepositories` and `grantImagePull`). */
  public readonly imagePullGrants: ArtifactRegistryRepositoryIamMember[] = [];

  private readonly projectId: string;

  constructor(scope: Construct, id: string, props: HardenedGkeClusterProps) {
    super(scope, id);
    const stack = PlatformStack.find(this);
    const projectId = props.projectId ?? stack?.projectId;
    const region = props.region;
    validateProps(this.node.path, props, [
      {
        when: (p) => !isToken(p.name) && !CLUSTER_NAME.test(p.name),
        say: (p) => `name "${p.name}" is not a valid cluster name: use 1-40 lowercase letters, digits and "-", starting with a letter`,
      },
      {
        when: (p) => !isToken(p.zones) && (p.zones ?? []).length === 0,
        say: () => 'zones is empty: give the zones the nodes run in, e.g. ["us-central1-a", "us-central1-b", "us-central1-c"]',
      },
      {
        when: (p) => !isToken(p.zones) && (p.zones ?? []).some((z) => !z.startsWith(`${region}-`)),
        say: (p) =>
          `zones ${p.zones.filter((z) => !z.startsWith(`${region}-`)).join(', ')} are not in region ${region}: list zones of ${region}`,
      },
      {
        when: (p) =>
          (p.masterAuthorizedNetworks ?? []).some((n) => !isToken(n.cidrBlock) && (!CIDR.test(n.cidrBlock) || n.cidrBlock.endsWith('/0'))),
        say: () => 'masterAuthorizedNetworks must be CIDRs narrower than /0 (e.g. "10.20.0.0/16"): a public control plane is refused',
      },
      {
        when: () => !projectId,
        say: () => 'projectId is unset and there is no enclosing PlatformStack: give projectId (it names the Workload Identity pool)',
      },
      {
        when: (p) => (p.imageRepositories ?? []).some((r) => ImageRepositories.problems(r).length > 0),
        say: (p) =>
          `imageRepositories: ${(p.imageRepositories ?? []).flatMap((r) => ImageRepositories.problems(r)).join('; ')} (ImageRepositories.fromImage reads them from an image reference)`,
      },
    ]);
    this.projectId = projectId!;
    const mode = props.mode ?? GkeClusterMode.standard();
    const autopilot = mode.kind === 'AUTOPILOT';
    this.zones = [...props.zones];
    this.network = props.network;
    this.workloadIdentityPool = `${projectId}.svc.id.goog`;

    this.nodeServiceAccount = new ServiceAccount(this, 'node-service-account', {
      accountId: `${props.name.slice(0, 24)}-nodes`,
      displayName: `GKE nodes of ${props.name}`,
      description: 'Runs the cluster nodes: writes logs and metrics and pulls images, nothing else.',
    });
    // These roles have no resource-level binding: nodes write to the project's logs and metrics.
    for (const role of NODE_ROLES) {
      const grant = new ProjectIamMember(this, `node-${role.replace(/^roles\//, '').replace(/\./g, '-')}`, {
        project: projectId!,
        role,
        member: this.nodeServiceAccount.member,
      });
      PolicySuppressions.add(grant, PROJECT_GRANT_CONDITION_CHECK, NODE_ROLES_REASON);
    }
    // Images: read access on the repositories named, never the project's every repository.
    const pullIds = new Set<string>();
    (props.imageRepositories ?? []).forEach((repository, i) => {
      const grantId = repositoryGrantId(repository, i);
      if (pullIds.has(grantId)) return; // the same repository listed twice: one grant
      pullIds.add(grantId);
      this.grantImagePull(grantId, repository);
    });

    const shielded = { enableSecureBoot: true, enableIntegrityMonitoring: true };
    const common: ContainerClusterConfig = {
      name: props.name,
      location: region,
      nodeLocations: props.zones,
      network: props.network,
      subnetwork: props.subnetwork,
      deletionProtection: props.deletionProtection ?? true,
      resourceLabels: stack?.labels,
      releaseChannel: { channel: props.releaseChannel ?? ReleaseChannel.REGULAR },
      workloadIdentityConfig: { workloadPool: this.workloadIdentityPool },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: props.privateEndpoint ?? true,
        masterIpv4CidrBlock: props.masterIpv4CidrBlock ?? '172.16.0.0/28',
        masterGlobalAccessConfig: { enabled: false },
      },
      masterAuthorizedNetworksConfig: { cidrBlocks: props.masterAuthorizedNetworks ?? [] },
      ipAllocationPolicy: { clusterSecondaryRangeName: props.podsRangeName, servicesSecondaryRangeName: props.servicesRangeName },
      binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      enableLegacyAbac: false,
      enableShieldedNodes: true,
      enableIntranodeVisibility: true,
      loggingService: 'logging.googleapis.com/kubernetes',
      monitoringService: 'monitoring.googleapis.com/kubernetes',
      loggingConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'WORKLOADS'] },
      monitoringConfig: { enableComponents: ['SYSTEM_COMPONENTS'], managedPrometheus: { enabled: true } },
      authenticatorGroupsConfig: props.rbacSecurityGroup ? { securityGroup: props.rbacSecurityGroup } : undefined,
    };

    if (autopilot) {
      this.cluster = new ContainerCluster(this, 'cluster', {
        ...common,
        enableAutopilot: true,
        // Autopilot nodes still run as our least-privilege account, not the default compute one.
        clusterAutoscaling: {
          autoProvisioningDefaults: {
            serviceAccount: this.nodeServiceAccount.email,
            oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
          },
        },
      });
      // Autopilot fixes these itself and refuses the Standard-only fields checkov looks for.
      PolicySuppressions.add(
        this.cluster,
        'CKV_GCP_12',
        'Autopilot always enforces NetworkPolicy with GKE Dataplane V2 and rejects the network_policy block.',
      );
      PolicySuppressions.add(
        this.cluster,
        'CKV_GCP_69',
        'Autopilot always runs the GKE metadata server (Workload Identity is mandatory) and rejects node_config.',
      );
    } else {
      const pool = mode.nodePool ?? {};
      const nodeConfig = {
        machineType: pool.machineType ?? 'e2-standard-4',
        imageType: 'COS_CONTAINERD',
        diskSizeGb: pool.diskSizeGb ?? 50,
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        shieldedInstanceConfig: shielded,
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        labels: stack?.labels,
        metadata: { 'disable-legacy-endpoints': 'true' },
      };
      this.cluster = new ContainerCluster(this, 'cluster', {
        ...common,
        // The default pool cannot be hardened in place: create the smallest one, delete it, add ours.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        // Applies to the short-lived default pool too, so even it never runs unshielded.
        nodeConfig,
        networkPolicy: { enabled: true, provider: 'CALICO' },
        addonsConfig: { networkPolicyConfig: { disabled: false } },
      });
      this.nodePool = new ContainerNodePool(this, 'node-pool', {
        name: `${props.name.slice(0, 30)}-pool`,
        cluster: this.cluster.id,
        location: region,
        nodeLocations: props.zones,
        autoscaling: { minNodeCount: pool.minNodesPerZone ?? 1, maxNodeCount: pool.maxNodesPerZone ?? 3 },
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
        nodeConfig,
      });
    }
    if (!props.rbacSecurityGroup) {
      PolicySuppressions.add(
        this.cluster,
        'CKV_GCP_65',
        'No Google Groups for RBAC were given (rbacSecurityGroup); RBAC binds named users and service accounts instead.',
      );
    }
  }

  /**
   * Let the nodes pull images from an Artifact Registry repository (additive
   * `roles/artifactregistry.reader` on that repository only).
   * @param id construct id of the grant; unique within this cluster
   * @param repository the repository, e.g. `ImageRepositories.fromImage('us-docker.pkg.dev/acme/webhook/runtime@sha256:...')`
   * @returns the grant
   */
  public grantImagePull(id: string, repository: ImageRepository): ArtifactRegistryRepositoryIamMember {
    const problems = ImageRepositories.problems(repository);
    if (problems.length > 0) throw new Error(`${this.node.path}.grantImagePull("${id}"): ${problems.join('; ')}`);
    const grant = new ArtifactRegistryRepositoryIamMember(this, id, {
      project: repository.project ?? this.projectId,
      location: repository.location,
      repository: repository.repositoryId,
      role: 'roles/artifactregistry.reader',
      member: this.nodeServiceAccount.member,
    });
    this.imagePullGrants.push(grant);
    return grant;
  }
}

/**
 * Construct id of a repository's grant: from its location and id when they are literals, so the
 * address survives reordering the list; by position when they are tokens (never token text in ids).
 */
function repositoryGrantId(repository: ImageRepository, index: number): string {
  const parts = [repository.project, repository.location, repository.repositoryId];
  if (parts.some((v) => v !== undefined && isToken(v))) return `image-pull-${index}`;
  return ['image-pull', ...parts.filter((v): v is string => v !== undefined)].join('-').replace(/[^a-zA-Z0-9-]/g, '-');
}
