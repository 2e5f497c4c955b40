import { standardNormalQuantile } from './distributions';

/** Default power for the sample-size note: the usual 80 % chance of detecting a true effect of the stated size. */
export const DEFAULT_POWER = 0.8;

export type SampleSize = { readonly ok: true; readonly sessionsPerVariant: number } | { readonly ok: false; readonly reason: string };

/**
 * Sessions per variant for a two-sided pooled z-test to detect a change of a proportion from
 * `baseline` to `baseline × (1 ± relativeEffect)` (Fleiss, Levin & Paik, "Statistical Methods
 * for Rates and Proportions", 3rd ed., ch. 4, without continuity correction):
 *   n = [z(1−α/2)·√(2·p̄(1−p̄)) + z(power)·√(p₁(1−p₁) + p₂(1−p₂))]² / (p₂ − p₁)²,  p̄ = (p₁ + p₂)/2.
 * It matches the test the report runs (pooled variance under H0, unpooled under H1). The change
 * is taken in the metric's good direction, or the other one when that would leave [0, 1]
 * (a 98 % containment cannot rise 5 %).
 */
export function sessionsForProportion(
  baseline: number,
  relativeEffect: number,
  alpha: number,
  higherIsBetter: boolean,
  power = DEFAULT_POWER,
): SampleSize {
  if (!(baseline > 0 && baseline < 1)) {
    return { ok: false, reason: `the control rate is ${baseline}; a relative change of a rate of 0 or 1 cannot be sized` };
  }
  let target = baseline * (1 + (higherIsBetter ? relativeEffect : -relativeEffect));
  if (target >= 1 || target <= 0) target = baseline * (1 + (higherIsBetter ? -relativeEffect : relativeEffect));
  if (target >= 1 || target <= 0) return { ok: false, reason: `a ${relativeEffect * 100}% change of ${baseline} leaves [0, 1]` };
  const zAlpha = standardNormalQuantile(1 - alpha / 2);
  const zPower = standardNormalQuantile(power);
  const mean = (baseline + target) / 2;
  const numerator = zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zPower * Math.sqrt(baseline * (1 - baseline) + target * (1 - target));
  return { ok: true, sessionsPerVariant: Math.ceil((numerator * numerator) / (target - baseline) ** 2) };
}

/**
 * Sessions per variant for a two-sided two-sample test of means to detect a change of
 * `relativeEffect × |baseline mean|`, with the control's standard deviation for both groups:
 *   n = 2·(z(1−α/2) + z(power))²·σ² / δ².
 * The normal approximation to Welch's test: at the sample sizes experiments need (hundreds and
 * more) the t quantiles differ from the normal ones in the third digit. At α = 0.05 and 80 % power
 * it is Lehr's rule n ≈ 16·σ²/δ².
 */
export function sessionsForMean(
  baselineMean: number,
  standardDeviation: number,
  relativeEffect: number,
  alpha: number,
  power = DEFAULT_POWER,
): SampleSize {
  const delta = Math.abs(baselineMean) * relativeEffect;
  if (!(delta > 0)) return { ok: false, reason: `the control mean is ${baselineMean}; a relative change of 0 cannot be sized` };
  if (!(standardDeviation > 0)) return { ok: false, reason: 'the control values do not vary; the spread needed for sizing is unknown' };
  const z = standardNormalQuantile(1 - alpha / 2) + standardNormalQuantile(power);
  return { ok: true, sessionsPerVariant: Math.ceil((2 * z * z * standardDeviation ** 2) / (delta * delta)) };
}
