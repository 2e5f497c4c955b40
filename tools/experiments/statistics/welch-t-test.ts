import { studentTQuantile, tTwoSidedP } from './distributions';
import { NotEnoughData, notEnoughData } from './result';

/** Summary statistics of one sample: what SQL's count, avg and var_samp give. */
export interface MeanSample {
  readonly n: number;
  readonly mean: number;
  /** Sample variance, n − 1 denominator. */
  readonly variance: number;
}

export interface MeanComparison {
  readonly ok: true;
  readonly controlMean: number;
  readonly variantMean: number;
  /** variant − control. */
  readonly difference: number;
  /** difference ± t(1 − alpha/2, df) · SE. */
  readonly ci: readonly [number, number];
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom (fractional). */
  readonly df: number;
  readonly pValue: number;
}

/**
 * Welch's two-sample t-test (Welch 1947) on summary statistics:
 *   SE² = s²v/nv + s²c/nc,  t = (x̄v − x̄c) / SE,
 *   df = SE⁴ / ((s²v/nv)²/(nv − 1) + (s²c/nc)²/(nc − 1))   (Welch–Satterthwaite).
 * Chosen over Student's pooled-variance test because a variant can change the spread as well as
 * the mean (a stricter escalation threshold shortens some conversations and lengthens others), and
 * Welch's test keeps its error rate when variances differ while losing almost nothing when they do
 * not. Needs two observations per group for a variance, and some variation in at least one group.
 */
export function welchTTest(control: MeanSample, variant: MeanSample, alpha = 0.05): MeanComparison | NotEnoughData {
  for (const [name, s] of [
    ['control', control],
    ['variant', variant],
  ] as const) {
    if (!(s.n >= 2)) return notEnoughData(`${s.n} ${name} session(s) with a value; a variance needs at least 2`);
    if (!Number.isFinite(s.mean) || !(s.variance >= 0)) throw new RangeError(`${name}: mean ${s.mean}, variance ${s.variance}`);
  }
  const a = control.variance / control.n;
  const b = variant.variance / variant.n;
  const se2 = a + b;
  if (!(se2 > 0)) {
    return notEnoughData(`no variation in either group (every control value ${control.mean}, every variant value ${variant.mean})`);
  }
  const se = Math.sqrt(se2);
  const difference = variant.mean - control.mean;
  const t = difference / se;
  // The Welch–Satterthwaite formula in shares of SE², so tiny variances do not underflow SE⁴ to 0/0.
  const shareControl = a / se2;
  const shareVariant = b / se2;
  const df = 1 / ((shareControl * shareControl) / (control.n - 1) + (shareVariant * shareVariant) / (variant.n - 1));
  const half = studentTQuantile(1 - alpha / 2, df) * se;
  return {
    ok: true,
    controlMean: control.mean,
    variantMean: variant.mean,
    difference,
    ci: [difference - half, difference + half],
    t,
    df,
    pValue: tTwoSidedP(t, df),
  };
}

/** Summary statistics of raw values (two-pass variance: no catastrophic cancellation). */
export function summarize(values: readonly number[]): MeanSample {
  const n = values.length;
  const mean = n === 0 ? 0 : values.reduce((s, v) => s + v, 0) / n;
  const variance = n < 2 ? 0 : values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}
