import chiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/**
 * The few distribution functions the experiment statistics need, from stdlib's maintained
 * single-function packages (incomplete beta and gamma done right) rather than hand-written
 * special functions. Two-sided tails are taken from the lower tail of −|x|: 1 − cdf(|x|) would
 * round to 0 long before the true tail does.
 */

/** Two-sided p-value of a standard-normal statistic. */
export function normalTwoSidedP(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
}

/** The standard-normal quantile, e.g. 1.959964 for 0.975. */
export function standardNormalQuantile(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** Two-sided p-value of a Student t statistic with `df` (possibly fractional) degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** Student t quantile, e.g. 2.228139 for p = 0.975 and 10 degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  return tQuantile(p, df);
}

/** Upper tail P(X ≥ x) of a chi-square variable with `df` degrees of freedom. */
export function chiSquareUpperTail(x: number, df: number): number {
  return Math.max(0, 1 - chiSquareCdf(x, df));
}
