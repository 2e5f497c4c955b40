import { isToken, Rule, isKnown } from '../core/validation';
import { memoryMiB } from './cloud-run-sizing';
import { GkePlatformOptions } from './gke-platform-options';

/** GKE options after defaults are applied: what the rules judge. */
export interface ResolvedGkeOptions extends GkePlatformOptions {
  readonly production: boolean;
  readonly namespace: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  readonly cpuLimit: string;
  readonly memoryLimit: string;
  readonly targetCpuUtilization: number;
  readonly pdbMinAvailable: number;
}

/** A DNS-1123 label: what Kubernetes accepts as a namespace name. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Namespaces the workload must not share: system ones, and `default` (checkov CKV_K8S_21). */
const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const ZONE = /^[a-z]+-[a-z]+\d+-[a-z]$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const CPU = /^(\d+(?:\.\d+)?)(m?)$/;

/** CPU quantity in cores ("250m" = 0.25), undefined if malformed. */
export function cpuCores(cpu: string): number | undefined {
  const m = CPU.exec(cpu);
  if (!m) return undefined;
  return m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]);
}
const regionOf = (zone: string): string => zone.replace(/-[a-z]$/, '');
const zoneRegions = (o: ResolvedGkeOptions): string[] => [...new Set((o.zones ?? []).filter((z) => !isToken(z)).map(regionOf))];
const badCidrs = (o: ResolvedGkeOptions): string[] =>
  [o.redisCidr, o.databaseCidr, ...(o.googleApisCidrs ?? [])].filter((c): c is string => isKnown(c) && !CIDR.test(c!));
const badQuantities = (o: ResolvedGkeOptions): string[] => [
  ...(['cpuRequest', 'cpuLimit'] as const).filter((k) => isKnown(o[k]) && cpuCores(o[k]) === undefined).map((k) => `${k} "${o[k]}"`),
  ...(['memoryRequest', 'memoryLimit'] as const).filter((k) => isKnown(o[k]) && memoryMiB(o[k]) === undefined).map((k) => `${k} "${o[k]}"`),
];
const requestAboveLimit = (o: ResolvedGkeOptions): string[] => {
  const out: string[] = [];
  const [cr, cl, mr, ml] = [cpuCores(o.cpuRequest), cpuCores(o.cpuLimit), memoryMiB(o.memoryRequest), memoryMiB(o.memoryLimit)];
  if (cr !== undefined && cl !== undefined && cr > cl) out.push(`cpuRequest ${o.cpuRequest} > cpuLimit ${o.cpuLimit}`);
  if (mr !== undefined && ml !== undefined && mr > ml) out.push(`memoryRequest ${o.memoryRequest} > memoryLimit ${o.memoryLimit}`);
  return out;
};

export const GKE_WORKLOAD_RULES: ReadonlyArray<Rule<ResolvedGkeOptions>> = [
  {
    when: (o) => isKnown(o.namespace) && (!DNS_LABEL.test(o.namespace) || RESERVED_NAMESPACES.includes(o.namespace)),
    say: (o) =>
      `namespace "${o.namespace}" is not usable: Kubernetes needs a DNS label (1-63 lowercase letters, digits, "-", starting and ending alphanumeric) and the webhook must not share ${RESERVED_NAMESPACES.join('/')}; pick e.g. "convai-webhook"`,
  },
  {
    when: (o) => !isToken(o.zones) && (o.zones ?? []).length === 0,
    say: () => 'zones is empty: give the zones of the cluster\'s nodes, e.g. ["us-central1-a", "us-central1-b", "us-central1-c"]',
  },
  {
    when: (o) => (o.zones ?? []).some((z) => isKnown(z) && !ZONE.test(z)),
    say: (o) => `zones ${o.zones.filter((z) => isKnown(z) && !ZONE.test(z)).join(', ')} are not zone names: use e.g. "us-central1-a"`,
  },
  {
    when: (o) => zoneRegions(o).length > 1,
    say: (o) => `zones span regions ${zoneRegions(o).join(', ')}: one GKE cluster serves one region; list zones of one region`,
  },
  {
    when: (o) => isKnown(o.network) && o.network.trim() === '',
    say: () => "network is empty: give the cluster's VPC network, so load-balancer health checks can be allowed to the pods",
  },
  {
    when: (o) => isKnown(o.minReplicas) && !(Number.isInteger(o.minReplicas) && o.minReplicas >= 1),
    say: (o) => `minReplicas is ${o.minReplicas}: use a whole number ≥ 1 (≥ 2 in production)`,
  },
  {
    when: (o) => o.production && isKnown(o.minReplicas) && Number.isInteger(o.minReplicas) && o.minReplicas >= 1 && o.minReplicas < 2,
    say: (o) => `minReplicas is ${o.minReplicas} in production: use at least 2 so a node upgrade or a zone failure leaves a pod serving`,
  },
  {
    when: (o) => isKnown(o.maxReplicas) && isKnown(o.minReplicas) && o.maxReplicas < o.minReplicas,
    say: (o) => `maxReplicas (${o.maxReplicas}) is below minReplicas (${o.minReplicas}): raise maxReplicas or lower minReplicas`,
  },
  {
    when: (o) => isKnown(o.pdbMinAvailable) && !(Number.isInteger(o.pdbMinAvailable) && o.pdbMinAvailable >= 0),
    say: (o) => `pdbMinAvailable is ${o.pdbMinAvailable}: use a whole number ≥ 0`,
  },
  {
    when: (o) => isKnown(o.pdbMinAvailable) && isKnown(o.minReplicas) && o.pdbMinAvailable >= o.minReplicas,
    say: (o) =>
      `pdbMinAvailable (${o.pdbMinAvailable}) is not below minReplicas (${o.minReplicas}): the PodDisruptionBudget would block every eviction and no node could be drained; use at most ${o.minReplicas - 1}`,
  },
  {
    when: (o) => (['cpuRequest', 'memoryRequest'] as const).some((k) => o[k] !== undefined && !isToken(o[k]) && o[k].trim() === ''),
    say: () =>
      'cpuRequest/memoryRequest is empty: pods without resource requests get no guaranteed capacity and break the CPU autoscaler; give e.g. "250m" and "256Mi"',
  },
  {
    when: (o) => badQuantities(o).filter((q) => !q.endsWith('""')).length > 0,
    say: (o) =>
      `${badQuantities(o)
        .filter((q) => !q.endsWith('""'))
        .join(', ')} not a Kubernetes quantity: use CPU like "250m" or "1" and memory like "256Mi" or "1Gi"`,
  },
  {
    when: (o) => requestAboveLimit(o).length > 0,
    say: (o) => `${requestAboveLimit(o).join('; ')}: a request cannot exceed its limit; raise the limit or lower the request`,
  },
  {
    when: (o) =>
      isKnown(o.targetCpuUtilization) &&
      !(Number.isInteger(o.targetCpuUtilization) && o.targetCpuUtilization >= 10 && o.targetCpuUtilization <= 95),
    say: (o) => `targetCpuUtilization is ${o.targetCpuUtilization}: use a whole percentage in 10..95 (60 leaves headroom for bursts)`,
  },
  {
    when: (o) => isKnown(o.targetRequestsPerSecond) && !(o.targetRequestsPerSecond! > 0),
    say: (o) => `targetRequestsPerSecond is ${o.targetRequestsPerSecond}: use a positive number of requests per second per pod`,
  },
  {
    when: (o) => badCidrs(o).length > 0,
    say: (o) => `${badCidrs(o).join(', ')} not CIDR ranges (redisCidr, databaseCidr, googleApisCidrs): use e.g. "10.10.0.0/29"`,
  },
];
