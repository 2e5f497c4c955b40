import { chiSquareUpperTail } from './distributions';

/** The conventional SRM alarm: a mismatch this unlikely under correct assignment means a bug, not chance. */
export const SRM_P_THRESHOLD = 0.001;

export interface SampleRatioCheck {
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  /** pValue < threshold: the observed split is not what the assignment promises. */
  readonly mismatch: boolean;
  readonly threshold: number;
  /** total × share per variant, in the order given. */
  readonly expected: number[];
}

/**
 * Sample-ratio mismatch check: Pearson's chi-square goodness-of-fit of the exposures per variant
 * against the configured traffic shares, χ² = Σ (O − E)² / E with k − 1 degrees of freedom.
 * A mismatch means sessions were lost or duplicated unevenly (a variant that crashes before the
 * exposure is written, a bot hitting one arm, a redirect): every other number of the experiment is
 * then biased, whatever its p-value (Kohavi, Tang & Xu, "Trustworthy Online Controlled
 * Experiments", 2020, ch. 21). The conventional 0.001 threshold keeps false alarms rare across
 * many experiments and daily re-runs, while still catching the few-percent imbalances real bugs
 * cause at experiment scale.
 */
export function sampleRatioMismatch(observed: readonly number[], shares: readonly number[], threshold = SRM_P_THRESHOLD): SampleRatioCheck {
  if (observed.length !== shares.length || observed.length < 2) {
    throw new RangeError(
      `need one observed count per share and at least two variants (${observed.length} counts, ${shares.length} shares)`,
    );
  }
  const shareTotal = shares.reduce((s, x) => s + x, 0);
  const total = observed.reduce((s, x) => s + x, 0);
  const expected = shares.map((s) => (total * s) / shareTotal);
  const degreesOfFreedom = observed.length - 1;
  if (total === 0) return { chiSquare: 0, degreesOfFreedom, pValue: 1, mismatch: false, threshold, expected };
  const chiSquare = observed.reduce((sum, o, i) => sum + (o - expected[i]) ** 2 / expected[i], 0);
  const pValue = chiSquareUpperTail(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, mismatch: pValue < threshold, threshold, expected };
}
