import { createHash } from 'node:crypto';
import { Experiment, Variant } from './experiment-config';

/**
 * Sticky, deterministic assignment: a session's variant is a pure function of the experiment's
 * salt and the session name, so every instance in every region agrees without shared state,
 * and a session keeps its variant for its whole life. SHA-256 spreads any session naming
 * scheme uniformly; the first 52 bits give a point in [0, 1) (exact in a double), and the
 * variants own consecutive slices of that interval in proportion to their weights.
 */
export function assignmentPoint(experiment: Pick<Experiment, 'id' | 'salt'>, sessionName: string): number {
  const digest = createHash('sha256')
    .update(`${experiment.salt ?? experiment.id}\u0000${sessionName}`)
    .digest();
  // 52 bits: 6.5 bytes. High 20 bits from the first 3 bytes (minus 4 bits), low 32 bits next.
  const high = digest.readUIntBE(0, 3) >>> 4; // 20 bits
  const low = digest.readUInt32BE(3); // 32 bits
  return (high * 2 ** 32 + low) / 2 ** 52;
}

export function assignVariant(experiment: Pick<Experiment, 'id' | 'salt' | 'variants'>, sessionName: string): Variant {
  const point = assignmentPoint(experiment, sessionName);
  const total = experiment.variants.reduce((sum, v) => sum + v.weight, 0);
  let upper = 0;
  for (const variant of experiment.variants) {
    upper += variant.weight / total;
    if (point < upper) return variant;
  }
  // Float rounding can leave the cumulative sum a hair under 1.
  return experiment.variants[experiment.variants.length - 1];
}

/** Expected traffic shares of the variants, in order (what the report's SRM check tests against). */
export function expectedShares(experiment: Pick<Experiment, 'variants'>): number[] {
  const total = experiment.variants.reduce((sum, v) => sum + v.weight, 0);
  return experiment.variants.map((v) => v.weight / total);
}
