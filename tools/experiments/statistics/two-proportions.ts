import { normalTwoSidedP, standardNormalQuantile } from './distributions';
import { NotEnoughData, notEnoughData } from './result';

/** Successes out of trials. `successes` may be fractional (a per-session share summed over sessions). */
export interface ProportionSample {
  readonly successes: number;
  readonly trials: number;
}

export interface ProportionComparison {
  readonly ok: true;
  readonly controlRate: number;
  readonly variantRate: number;
  /** variant − control. */
  readonly difference: number;
  /** Newcombe's hybrid score interval for the difference at 1 − alpha. */
  readonly ci: readonly [number, number];
  /** Pooled two-proportion z statistic. */
  readonly z: number;
  /** Two-sided p-value of the pooled z-test. */
  readonly pValue: number;
}

/**
 * Wilson score interval for one proportion (Wilson 1927): inverts the score test, so it stays
 * inside [0, 1] and keeps near-nominal coverage at small n and at rates near 0 or 1, where the
 * Wald interval p ± z·√(p(1−p)/n) collapses to a point.
 */
export function wilsonInterval(sample: ProportionSample, z: number): [number, number] {
  const { successes: x, trials: n } = sample;
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Compare two proportions: variant − control with a confidence interval and a two-sided test.
 *
 * Interval: Newcombe's hybrid score method ("method 10" of Newcombe, Statistics in Medicine
 * 17:873–890, 1998), which combines the two Wilson intervals:
 *   L = d − √((p̂v − lv)² + (uc − p̂c)²),  U = d + √((uv − p̂v)² + (p̂c − lc)²).
 * Chosen over the Wald interval because experiment metrics are often near 0 or 1 (escalation,
 * no-match) and guardrails are often measured on few sessions (CSAT, thumbs): there Wald's
 * coverage falls well below nominal and it can leave [−1, 1]; Newcombe's does neither, and for
 * thousands of sessions the two agree.
 *
 * Test: the pooled z-test, z = d / √(p̂(1−p̂)(1/nv + 1/nc)) with p̂ the pooled rate (the
 * standard test of H0: pv = pc; z² is Pearson's chi-square for the 2×2 table). Being a different
 * construction from the interval, very near the boundary the two can disagree about whether 0 is
 * excluded; the report's `significant` follows the p-value.
 */
export function compareProportions(
  control: ProportionSample,
  variant: ProportionSample,
  alpha = 0.05,
): ProportionComparison | NotEnoughData {
  for (const [name, s] of [
    ['control', control],
    ['variant', variant],
  ] as const) {
    if (!(s.trials > 0)) return notEnoughData(`no ${name} sessions`);
    if (s.successes < 0 || s.successes > s.trials) throw new RangeError(`${name}: successes ${s.successes} not in [0, ${s.trials}]`);
  }
  const pc = control.successes / control.trials;
  const pv = variant.successes / variant.trials;
  const difference = pv - pc;

  const zCrit = standardNormalQuantile(1 - alpha / 2);
  const [lc, uc] = wilsonInterval(control, zCrit);
  const [lv, uv] = wilsonInterval(variant, zCrit);
  const lower = difference - Math.sqrt((pv - lv) ** 2 + (uc - pc) ** 2);
  const upper = difference + Math.sqrt((uv - pv) ** 2 + (pc - lc) ** 2);

  const pooled = (control.successes + variant.successes) / (control.trials + variant.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.trials + 1 / variant.trials));
  // A pooled rate of exactly 0 or 1 means both groups are all-failure or all-success: identical
  // rates, no evidence of a difference (and no 0/0).
  const z = se > 0 ? difference / se : 0;
  return {
    ok: true,
    controlRate: pc,
    variantRate: pv,
    difference,
    ci: [Math.max(-1, lower), Math.min(1, upper)],
    z,
    pValue: se > 0 ? normalTwoSidedP(z) : 1,
  };
}
