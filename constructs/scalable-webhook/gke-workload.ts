import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import {
  HorizontalPodAutoscalerV2,
  HorizontalPodAutoscalerV2SpecMetric,
} from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1, NetworkPolicyV1SpecEgress } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { isToken, validateProps } from '../core/validation';
import { GKE_WORKLOAD_RULES, ResolvedGkeOptions } from './gke-workload-rules';
import { GkePlatformOptions } from './gke-platform-options';

/**
 * Source ranges of Google's external Application Load Balancers (GFEs) and health checkers:
 * with container-native load balancing, requests reach the pods from these.
 */
export const GOOGLE_LB_RANGES: readonly string[] = ['130.211.0.0/22', '35.191.0.0/16'];
/** private.googleapis.com and restricted.googleapis.com. */
export const PRIVATE_GOOGLE_APIS_RANGES: readonly string[] = ['199.36.153.8/30', '199.36.153.4/30'];
/** The GKE metadata server (Workload Identity tokens): 169.254.169.254:80, and :988 on the legacy dataplane. */
const METADATA_SERVER = '169.254.169.254/32';
const METADATA_SERVER_LEGACY = '169.254.169.252/32';
/** The runtime image's `node` user (see runtime/Dockerfile). */
const RUNTIME_UID = 1000;
/** A number as the string the Kubernetes provider wants; a number token stays a reference. */
export function quantity(n: number): string {
  return Token.isUnresolved(n) ? Token.asString(n) : String(n);
}

/** Port of the Kubernetes Service; the NEG and load balancer use it. */
export const SERVICE_PORT = 80;

export interface GkeWebhookWorkloadProps {
  /** Name of the Kubernetes objects (Deployment, Service, ...), a DNS label. */
  readonly name: string;
  /** Container image. */
  readonly image: string;
  /** Port the container listens on. */
  readonly containerPort: number;
  /** Liveness endpoint. */
  readonly healthPath: string;
  /** Readiness endpoint, also the startup probe. */
  readonly readinessPath: string;
  /** Plain environment variables. */
  readonly env: { [name: string]: string };
  /** The Google service account the pods act as through Workload Identity. */
  readonly googleServiceAccount: ServiceAccount;
  /** Workload Identity pool of the cluster (`<project>.svc.id.goog`). */
  readonly workloadIdentityPool: string;
  /** Name of the zonal NEGs GKE creates for the Service. */
  readonly negName: string;
  /** Production rules (at least 2 replicas). */
  readonly production: boolean;
  /** Placement, sizing, scaling and network options. */
  readonly options: GkePlatformOptions;
}

const DEFAULT_MAX_REPLICAS = 10;

/** The GKE options with defaults applied. */
export function resolveGkeOptions(name: string, production: boolean, options: GkePlatformOptions): ResolvedGkeOptions {
  const minReplicas = options.minReplicas ?? (production ? 3 : 2);
  return {
    ...options,
    production,
    namespace: options.namespace ?? name,
    minReplicas,
    maxReplicas: options.maxReplicas ?? DEFAULT_MAX_REPLICAS,
    cpuRequest: options.cpuRequest ?? '250m',
    memoryRequest: options.memoryRequest ?? '256Mi',
    cpuLimit: options.cpuLimit ?? '1',
    memoryLimit: options.memoryLimit ?? '512Mi',
    targetCpuUtilization: options.targetCpuUtilization ?? 60,
    // One pod may be evicted at a time at the floor; with 1 replica (dev only) nothing is protected.
    pdbMinAvailable: options.pdbMinAvailable ?? (isToken(minReplicas) ? 1 : Math.max(minReplicas - 1, 0)),
  };
}

/**
 * The webhook's Kubernetes resources on GKE: namespace, Workload Identity service account,
 * a restricted Deployment spread across zones, its Service (exposed as standalone zonal NEGs for
 * the shared global load balancer), an autoscaling/v2 HPA, a PodDisruptionBudget, and
 * default-deny NetworkPolicies with the minimum allows.
 */
export class GkeWebhookWorkload extends Construct {
  public readonly namespace?: NamespaceV1;
  public readonly kubernetesServiceAccount: ServiceAccountV1;
  public readonly workloadIdentityBinding: ServiceAccountIamMember;
  public readonly deployment: DeploymentV1;
  public readonly service: ServiceV1;
  public readonly autoscaler: HorizontalPodAutoscalerV2;
  public readonly disruptionBudget: PodDisruptionBudgetV1;
  public readonly defaultDenyPolicy: NetworkPolicyV1;
  public readonly allowPolicy: NetworkPolicyV1;
  /** Pod labels the Service, HPA, PDB and policies select on. */
  public readonly selector: { [key: string]: string };
  /** Name of the Deployment (and Service, HPA, PDB). */
  public readonly deploymentName: string;
  /** The namespace's name as written (not a reference), for what is rendered outside Terraform, e.g. ChaosMeshExperiments. */
  public readonly namespaceName: string;
  /** The HPA's floor: replicas that run when load is low. */
  public readonly minReplicas: number;
  /** The PodDisruptionBudget's minAvailable. */
  public readonly pdbMinAvailable: number;
  /** Plain CIDRs of the Memorystore and Cloud SQL ranges, when given: the dependencies a network fault can target. */
  public readonly dependencyCidrs: string[];

  constructor(scope: Construct, id: string, props: GkeWebhookWorkloadProps) {
    super(scope, id);
    const o = resolveGkeOptions(props.name, props.production, props.options);
    validateProps(this.node.path, o, GKE_WORKLOAD_RULES);
    const ns = o.namespace;
    this.namespaceName = ns;
    this.deploymentName = props.name;
    this.minReplicas = o.minReplicas;
    this.pdbMinAvailable = o.pdbMinAvailable;
    this.dependencyCidrs = [o.redisCidr, o.databaseCidr].filter((c): c is string => c !== undefined);
    this.selector = { 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/component': 'webhook' };
    const labels = { ...this.selector, 'app.kubernetes.io/managed-by': 'cdktf' };

    if (o.createNamespace ?? true) {
      this.namespace = new NamespaceV1(this, 'namespace', {
        metadata: {
          name: ns,
          // Pod Security Admission rejects any pod in the namespace that is not "restricted".
          labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
        },
      });
    }
    // Resources are created in the namespace; the reference makes Terraform order them after it.
    const namespaceRef = this.namespace?.metadata.name ?? ns;

    this.kubernetesServiceAccount = new ServiceAccountV1(this, 'service-account', {
      metadata: {
        name: props.name,
        namespace: namespaceRef,
        labels,
        annotations: { 'iam.gke.io/gcp-service-account': props.googleServiceAccount.email },
      },
      // The webhook never calls the Kubernetes API: no token in the pod.
      automountServiceAccountToken: false,
    });
    this.workloadIdentityBinding = new ServiceAccountIamMember(this, 'workload-identity', {
      serviceAccountId: props.googleServiceAccount.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${props.workloadIdentityPool}[${ns}/${props.name}]`,
    });

    const port = props.containerPort;
    const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path, port: quantity(port) },
      periodSeconds,
      timeoutSeconds: 2,
      failureThreshold,
    });
    this.deployment = new DeploymentV1(this, 'deployment', {
      metadata: { name: props.name, namespace: namespaceRef, labels },
      // The HPA owns the replica count after creation; Terraform must not reset it on every apply.
      lifecycle: { ignoreChanges: ['spec[0].replicas'] },
      waitForRollout: true,
      spec: {
        replicas: quantity(o.minReplicas),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        // Never fewer ready pods than wanted during a rollout: surge first, then retire.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '0', maxSurge: '25%' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: props.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 30,
            // A zone outage must leave pods in the other zones; spread evenly, refuse to stack.
            topologySpreadConstraint: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: [{ matchLabels: this.selector }],
              },
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: [{ matchLabels: this.selector }],
              },
            ],
            securityContext: {
              runAsNonRoot: true,
              runAsUser: String(RUNTIME_UID),
              runAsGroup: String(RUNTIME_UID),
              fsGroup: String(RUNTIME_UID),
              seccompProfile: { type: 'RuntimeDefault' },
            },
            container: [
              {
                name: 'webhook',
                image: props.image,
                // With a digest this costs one manifest check; with a tag it picks up the pushed image.
                imagePullPolicy: 'Always',
                port: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                env: Object.entries(props.env).map(([name, value]) => ({ name, value })),
                resources: {
                  requests: { cpu: o.cpuRequest, memory: o.memoryRequest },
                  limits: { cpu: o.cpuLimit, memory: o.memoryLimit },
                },
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: String(RUNTIME_UID),
                  runAsGroup: String(RUNTIME_UID),
                  privileged: false,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                // Up to 60 s to become ready (NLP clients, cache warm-up), then the usual checks.
                startupProbe: probe(props.readinessPath, 2, 30),
                livenessProbe: probe(props.healthPath, 15, 3),
                readinessProbe: probe(props.readinessPath, 5, 2),
                // The runtime writes only to /tmp: give it a small in-memory volume there.
                volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volume: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
          },
        },
      },
    });

    this.service = new ServiceV1(this, 'service', {
      metadata: {
        name: props.name,
        namespace: namespaceRef,
        labels,
        // Standalone zonal NEGs, one per zone with pods, named so the load balancer can point at them.
        annotations: { 'cloud.google.com/neg': JSON.stringify({ exposed_ports: { [String(SERVICE_PORT)]: { name: props.negName } } }) },
      },
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        port: [{ name: 'http', port: SERVICE_PORT, targetPort: quantity(port), protocol: 'TCP' }],
      },
    });

    const metrics: HorizontalPodAutoscalerV2SpecMetric[] = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: o.targetCpuUtilization } } },
    ];
    if (o.requestsPerSecondMetric) {
      metrics.push({
        type: 'Pods',
        pods: {
          metric: { name: o.requestsPerSecondMetric },
          target: { type: 'AverageValue', averageValue: quantity(o.targetRequestsPerSecond ?? 50) },
        },
      });
    }
    this.autoscaler = new HorizontalPodAutoscalerV2(this, 'autoscaler', {
      metadata: { name: props.name, namespace: namespaceRef, labels },
      spec: {
        minReplicas: o.minReplicas,
        maxReplicas: o.maxReplicas,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.metadata.name },
        metric: metrics,
        behavior: {
          // Traffic spikes (a campaign, a failover from another region) need capacity now.
          scaleUp: [
            {
              stabilizationWindowSeconds: 0,
              selectPolicy: 'Max',
              policy: [
                { type: 'Percent', value: 100, periodSeconds: 30 },
                { type: 'Pods', value: 4, periodSeconds: 30 },
              ],
            },
          ],
          // Scale down slowly so a lull between conversation waves does not cause flapping.
          scaleDown: [
            { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policy: [{ type: 'Percent', value: 25, periodSeconds: 60 }] },
          ],
        },
      },
    });

    this.disruptionBudget = new PodDisruptionBudgetV1(this, 'disruption-budget', {
      metadata: { name: props.name, namespace: namespaceRef, labels },
      spec: { minAvailable: quantity(o.pdbMinAvailable), selector: { matchLabels: this.selector } },
    });

    this.defaultDenyPolicy = new NetworkPolicyV1(this, 'default-deny', {
      metadata: { name: 'default-deny-all', namespace: namespaceRef, labels },
      // Every pod in the namespace: nothing in, nothing out unless another policy allows it.
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    const tcp = (...ports: number[]) => ports.map((p) => ({ port: quantity(p), protocol: 'TCP' }));
    const egress: NetworkPolicyV1SpecEgress[] = [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [
          { port: '53', protocol: 'UDP' },
          { port: '53', protocol: 'TCP' },
        ],
      },
      { to: [{ ipBlock: { cidr: METADATA_SERVER } }], ports: tcp(80) },
      { to: [{ ipBlock: { cidr: METADATA_SERVER_LEGACY } }], ports: tcp(988) },
      { to: (o.googleApisCidrs ?? [...PRIVATE_GOOGLE_APIS_RANGES]).map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(443) },
    ];
    // Memorystore serves TLS on 6378, plaintext on 6379.
    if (o.redisCidr) egress.push({ to: [{ ipBlock: { cidr: o.redisCidr } }], ports: tcp(6378, 6379) });
    // Postgres directly, or through the Cloud SQL connector's server-side port.
    if (o.databaseCidr) egress.push({ to: [{ ipBlock: { cidr: o.databaseCidr } }], ports: tcp(5432, 3307) });

    this.allowPolicy = new NetworkPolicyV1(this, 'allow-webhook', {
      metadata: { name: `${props.name}-allow`, namespace: namespaceRef, labels },
      spec: {
        podSelector: { matchLabels: this.selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: GOOGLE_LB_RANGES.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(port) }],
        egress,
      },
    });
  }
}
