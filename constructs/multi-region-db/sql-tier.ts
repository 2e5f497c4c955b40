/**
 * What a Cloud SQL tier gives: memory, and from it the default `max_connections` Cloud SQL for
 * PostgreSQL applies (https://cloud.google.com/sql/docs/postgres/quotas#maximum_concurrent_connections).
 * We set the flag to that value explicitly so the runtime's pool sizing has a number to divide.
 */

/** Memory of a tier in MiB, or undefined when the tier name is not one we know. */
export function tierMemoryMiB(tier: string): number | undefined {
  if (tier === 'db-f1-micro') return 614;
  if (tier === 'db-g1-small') return 1740;
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) return Number(custom[2]);
  // Enterprise Plus: N2 performance-optimized machines carry 8 GiB per vCPU.
  const perf = /^db-perf-optimized-N-(\d+)$/.exec(tier);
  if (perf) return Number(perf[1]) * 8 * 1024;
  return undefined;
}

/** The number of vCPUs of a tier (shared-core tiers count as 0), or undefined. */
export function tierCpus(tier: string): number | undefined {
  if (tier === 'db-f1-micro' || tier === 'db-g1-small') return 0;
  const m = /^db-(?:custom-(\d+)-\d+|perf-optimized-N-(\d+))$/.exec(tier);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

/** Cloud SQL's default `max_connections` for a tier's memory (the table in the docs). */
export function maxConnectionsForTier(tier: string): number | undefined {
  const mib = tierMemoryMiB(tier);
  if (mib === undefined) return undefined;
  const gib = mib / 1024;
  if (gib < 3.75) return gib < 1 ? 25 : 50;
  if (gib < 6) return 100;
  if (gib < 7.5) return 200;
  if (gib < 15) return 400;
  if (gib < 30) return 500;
  if (gib < 60) return 600;
  if (gib < 120) return 800;
  return 1000;
}
