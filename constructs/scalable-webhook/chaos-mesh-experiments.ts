import { isKnown, validateProps, Rule } from '../core/validation';
import { manifestYaml } from '../core/manifest-yaml';
import { Duration } from '../core/duration';
import { GkeWebhookWorkload } from './gke-workload';

/** The Chaos Mesh API the experiments are written for (Chaos Mesh 2.x). */
export const CHAOS_MESH_API_VERSION = 'chaos-mesh.org/v1alpha1';
/** Longest a rendered network fault may run: an experiment that outlives the person watching it is an outage. */
export const MAX_CHAOS_DURATION_SECONDS = 600;

export interface ChaosMeshExperimentsProps {
  /** Prefix of the experiments' names, e.g. the workload's name. */
  readonly name: string;
  /** Namespace of the webhook pods; the experiments are created there too. */
  readonly namespace: string;
  /** Labels that select the webhook pods (the Deployment's selector). */
  readonly selector: { [key: string]: string };
  /** The HPA's floor. @default - not checked: pod-kill is limited to one pod */
  readonly minReplicas?: number;
  /** The PodDisruptionBudget's minAvailable. @default - not checked: pod-kill is limited to one pod */
  readonly pdbMinAvailable?: number;
  /** Where network faults are aimed (IPs, CIDRs or host names outside the cluster). @default - all egress of the pods */
  readonly networkTargets?: string[];
}

export interface PodKillOptions {
  /** Pods killed at once. At most minReplicas − pdbMinAvailable, what the PDB allows to be down. @default 1 */
  readonly pods?: number;
}

export interface NetworkDelayOptions {
  /** Added to every packet the pods send. @default Duration.seconds(0.2) */
  readonly latency?: Duration;
  /** ± around the latency. @default Duration.seconds(0.05) */
  readonly jitter?: Duration;
  /** How long the delay stays, at most 10 minutes. @default Duration.minutes(2) */
  readonly duration?: Duration;
}

/** One rendered experiment: the manifest, and the same as YAML for `kubectl apply -f`. */
export class ChaosManifest {
  constructor(
    /** `PodChaos`, `NetworkChaos`. */
    public readonly kind: string,
    /** metadata.name */
    public readonly name: string,
    /** The manifest as an object. */
    public readonly manifest: { [key: string]: any },
  ) {}

  /** The manifest as YAML. */
  public get yaml(): string {
    return manifestYaml(this.manifest);
  }

  /** A file name for it: `<name>.yaml`. */
  public get fileName(): string {
    return `${this.name}.yaml`;
  }
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** What the PDB lets be down at the HPA's floor, when both are known. */
const disruptionAllowance = (p: ChaosMeshExperimentsProps): number | undefined =>
  isKnown(p.minReplicas) && isKnown(p.pdbMinAvailable) ? p.minReplicas! - p.pdbMinAvailable! : undefined;

const RULES: Rule<ChaosMeshExperimentsProps>[] = [
  {
    when: (p) => isKnown(p.namespace) && !DNS_LABEL.test(p.namespace),
    say: (p) => `namespace "${p.namespace}" is not a Kubernetes namespace name: lower-case letters, digits and "-", at most 63`,
  },
  {
    when: (p) => isKnown(p.name) && !DNS_LABEL.test(`${p.name}-network-delay`),
    say: (p) => `name "${p.name}" does not make valid experiment names: lower-case letters, digits and "-", at most 49`,
  },
  {
    when: (p) => Object.keys(p.selector ?? {}).length === 0,
    say: () => "selector is empty: an experiment without a selector would hit every pod in the namespace; pass the Deployment's labels",
  },
  {
    when: (p) => (disruptionAllowance(p) ?? 1) < 1,
    say: (p) =>
      `minReplicas ${p.minReplicas} with pdbMinAvailable ${p.pdbMinAvailable} leaves no pod to kill without breaking the PodDisruptionBudget: run at least pdbMinAvailable + 1 replicas`,
  },
];

/**
 * Chaos Mesh experiments against the webhook on GKE — the in-cluster counterpart of the local
 * chaos suite (`npm run chaos`): a pod killed mid-load (PodChaos `pod-kill`), and latency on the
 * pods' network (NetworkChaos `delay`). Rendered as YAML for `kubectl apply -f`, not as Terraform
 * resources: an experiment is an action with a start and an end, applied for a game day and
 * deleted after, not desired state to keep applied; and a `kubernetes_manifest` needs the Chaos
 * Mesh CRDs to exist when the stack is planned, which would tie every platform deploy to them.
 *
 * Every experiment is bounded: pod-kill never takes more pods than the PodDisruptionBudget allows
 * to be down at the HPA's floor, so the PDB and the HPA are expected to hold (ready pods ≥
 * minAvailable throughout, the HPA replaces the killed pod); network delays carry a duration of
 * at most 10 minutes.
 */
export class ChaosMeshExperiments {
  /** The Chaos Mesh API version of the manifests (the module constant `CHAOS_MESH_API_VERSION` holds the same, for JavaScript and TypeScript only) */
  public static readonly API_VERSION = CHAOS_MESH_API_VERSION;
  /** The longest an experiment may run, in seconds (the module constant `MAX_CHAOS_DURATION_SECONDS` holds the same, for JavaScript and TypeScript only) */
  public static readonly MAX_DURATION_SECONDS = MAX_CHAOS_DURATION_SECONDS;
  /** The experiments for a GKE workload: named after its Deployment, in its namespace, on its pods, within its HPA floor and PDB. */
  public static forWorkload(workload: GkeWebhookWorkload): ChaosMeshExperiments {
    return new ChaosMeshExperiments({
      name: workload.deploymentName,
      namespace: workload.namespaceName,
      selector: workload.selector,
      minReplicas: workload.minReplicas,
      pdbMinAvailable: workload.pdbMinAvailable,
      ...(workload.dependencyCidrs.length > 0 && { networkTargets: workload.dependencyCidrs }),
    });
  }

  constructor(private readonly props: ChaosMeshExperimentsProps) {
    validateProps(`ChaosMeshExperiments(${props.name})`, props, RULES);
  }

  /** Kill `pods` webhook pods at once (default one), as a node failure or an eviction would. */
  public podKill(options: PodKillOptions = {}): ChaosManifest {
    const pods = options.pods ?? 1;
    const allowance = disruptionAllowance(this.props) ?? 1;
    if (!Number.isInteger(pods) || pods < 1 || pods > allowance) {
      throw new Error(
        `ChaosMeshExperiments(${this.props.name}).podKill: pods ${pods} must be a whole number from 1 to ${allowance} ` +
          `(minReplicas − pdbMinAvailable): more would take the webhook below its PodDisruptionBudget`,
      );
    }
    const name = `${this.props.name}-pod-kill`;
    return new ChaosManifest('PodChaos', name, {
      apiVersion: CHAOS_MESH_API_VERSION,
      kind: 'PodChaos',
      metadata: { name, namespace: this.props.namespace },
      spec: {
        action: 'pod-kill',
        ...(pods === 1 ? { mode: 'one' } : { mode: 'fixed', value: String(pods) }),
        selector: this.selector(),
        // The pod gets SIGTERM and terminationGracePeriodSeconds, as in a node drain: the shutdown path is what is tested.
        gracePeriod: 30,
      },
    });
  }

  /** Delay what the webhook pods send (to `networkTargets` when given), for a bounded time. */
  public networkDelay(options: NetworkDelayOptions = {}): ChaosManifest {
    const latency = options.latency ?? Duration.seconds(0.2);
    const jitter = options.jitter ?? Duration.seconds(0.05);
    const duration = options.duration ?? Duration.minutes(2);
    const problems: string[] = [];
    if (duration.toSeconds() < 1 || duration.toSeconds() > MAX_CHAOS_DURATION_SECONDS)
      problems.push(`duration ${duration} must be from 1 s to ${MAX_CHAOS_DURATION_SECONDS / 60} min`);
    if (latency.toSeconds() <= 0 || latency.toSeconds() > 10) problems.push(`latency ${latency} must be above 0 and at most 10 s`);
    if (jitter.toSeconds() > latency.toSeconds()) problems.push(`jitter ${jitter} must not exceed the latency ${latency}`);
    if (problems.length) throw new Error(`ChaosMeshExperiments(${this.props.name}).networkDelay: ${problems.join('; ')}`);
    const name = `${this.props.name}-network-delay`;
    const targets = this.props.networkTargets ?? [];
    return new ChaosManifest('NetworkChaos', name, {
      apiVersion: CHAOS_MESH_API_VERSION,
      kind: 'NetworkChaos',
      metadata: { name, namespace: this.props.namespace },
      spec: {
        action: 'delay',
        mode: 'all',
        selector: this.selector(),
        direction: 'to',
        ...(targets.length > 0 && { externalTargets: targets }),
        delay: { latency: milliseconds(latency), jitter: milliseconds(jitter), correlation: '25' },
        duration: `${Math.round(duration.toSeconds())}s`,
      },
    });
  }

  /** Both experiments with their defaults. */
  public all(): ChaosManifest[] {
    return [this.podKill(), this.networkDelay()];
  }

  private selector(): { [key: string]: any } {
    return { namespaces: [this.props.namespace], labelSelectors: { ...this.props.selector } };
  }
}

function milliseconds(d: Duration): string {
  return `${Math.round(d.toSeconds() * 1000)}ms`;
}
