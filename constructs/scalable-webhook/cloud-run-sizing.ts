/**
 * Cloud Run (second-generation execution environment) CPU and memory rules, from the Cloud Run
 * "configure CPU/memory limits" documentation. Checked at synth so a bad combination fails
 * here rather than at `terraform apply`, minutes into a deploy.
 */

/** Whole CPUs the gen2 environment accepts (fractional CPU needs gen1 and concurrency 1). */
export const ALLOWED_CPUS = ['1', '2', '4', '6', '8'];

/** Memory floor per CPU count, in MiB. */
const MIN_MEMORY_MIB_FOR_CPU: Record<string, number> = { '1': 512, '2': 512, '4': 2048, '6': 4096, '8': 4096 };

/** CPU floor per memory size: above `overMib`, at least `cpus`. */
const MIN_CPU_FOR_MEMORY: Array<{ overMib: number; cpus: number }> = [
  { overMib: 24 * 1024, cpus: 8 },
  { overMib: 16 * 1024, cpus: 6 },
  { overMib: 8 * 1024, cpus: 4 },
  { overMib: 4 * 1024, cpus: 2 },
];

const GEN2_MIN_MEMORY_MIB = 512;
const MAX_MEMORY_MIB = 32 * 1024;

/** Parse a Kubernetes-style quantity (`512Mi`, `2Gi`, `1G`, `1000M`) into MiB; undefined if malformed. */
export function memoryMiB(memory: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)$/.exec(memory);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'Mi':
      return n;
    case 'Gi':
      return n * 1024;
    case 'M':
      return (n * 1e6) / 2 ** 20;
    default:
      return (n * 1e9) / 2 ** 20;
  }
}

/** Everything wrong with a cpu/memory pair, each with the fix; empty when Cloud Run accepts it. */
export function sizingProblems(cpu: string, memory: string): string[] {
  const problems: string[] = [];
  const mib = memoryMiB(memory);
  if (!ALLOWED_CPUS.includes(cpu)) {
    problems.push(`cpu "${cpu}" is not accepted by Cloud Run gen2: use one of ${ALLOWED_CPUS.join(', ')}`);
  }
  if (mib === undefined) {
    problems.push(`memory "${memory}" is not a quantity: use e.g. "512Mi" or "2Gi"`);
    return problems;
  }
  if (mib < GEN2_MIN_MEMORY_MIB) problems.push(`memory "${memory}" is below the gen2 minimum: use at least 512Mi`);
  if (mib > MAX_MEMORY_MIB) problems.push(`memory "${memory}" is above Cloud Run's maximum: use at most 32Gi`);
  if (ALLOWED_CPUS.includes(cpu)) {
    const floor = MIN_MEMORY_MIB_FOR_CPU[cpu];
    if (mib < floor) problems.push(`cpu "${cpu}" needs at least ${floor}Mi of memory, got "${memory}": raise memory or lower cpu`);
    const needed = MIN_CPU_FOR_MEMORY.find((r) => mib > r.overMib);
    if (needed && Number(cpu) < needed.cpus) {
      problems.push(`memory "${memory}" needs at least ${needed.cpus} CPUs, got cpu "${cpu}": raise cpu or lower memory`);
    }
  }
  return problems;
}
