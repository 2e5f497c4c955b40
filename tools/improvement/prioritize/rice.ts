/**
 * The scoring framework: RICE = Reach × Impact × Confidence / Effort, with each factor defined
 * so that two people computing it from the same data get the same number. docs/improvement/prioritization.md
 * explains the choices; the constants here are the single source of them.
 */

/** Intercom's RICE impact scale: minimal, low, medium, high, massive. */
export type Impact = 0.25 | 0.5 | 1 | 2 | 3;

export interface Band<T> {
  /** Inclusive lower bound of the band. */
  readonly min: number;
  readonly value: T;
  readonly label: string;
}

/**
 * Impact of a quality problem from its gap: reference quality (platform mean or a target) minus
 * the candidate's mean conversation quality, in points of the 0..1 quality score. The bands
 * roughly double: a 0.02 gap is one conversation in fifty turning from good to bad, 0.05 one in
 * twenty, 0.10 one in ten, 0.20 one in five; 0.30 and more means the candidate is failing most
 * of the conversations it touches. A gap under 0.02 is not a candidate at all: below what a
 * change to an intent or a page can be expected to show.
 */
export const QUALITY_GAP_BANDS: ReadonlyArray<Band<Impact>> = [
  { min: 0.3, value: 3, label: 'massive' },
  { min: 0.2, value: 2, label: 'high' },
  { min: 0.1, value: 1, label: 'medium' },
  { min: 0.05, value: 0.5, label: 'low' },
  { min: 0.02, value: 0.25, label: 'minimal' },
];

/** The smallest quality gap that makes an intent or a page a candidate. */
export const MIN_QUALITY_GAP = QUALITY_GAP_BANDS[QUALITY_GAP_BANDS.length - 1].min;

/**
 * Impact of an experiment's result from the size of its significant effect, as a relative change
 * of the metric (|relativeDifference|): the same five steps as the quality gap, on the relative
 * scale experiment reports use. Any significant effect is at least minimal.
 */
export const RELATIVE_CHANGE_BANDS: ReadonlyArray<Band<Impact>> = [
  { min: 0.2, value: 3, label: 'massive' },
  { min: 0.1, value: 2, label: 'high' },
  { min: 0.05, value: 1, label: 'medium' },
  { min: 0.02, value: 0.5, label: 'low' },
  { min: 0, value: 0.25, label: 'minimal' },
];

/** The band `x` falls in (bands ordered from the highest `min`), or undefined below the lowest. */
export function bandOf<T>(bands: ReadonlyArray<Band<T>>, x: number): Band<T> | undefined {
  return bands.find((b) => x >= b.min);
}

/**
 * Confidence from the sample size n (conversations observed). A proportion's 95% confidence
 * interval has half-width 1.96·√(p(1−p)/n) ≤ 0.98/√n, and so does the mean of any score
 * bounded in [0, 1] (its variance is at most 1/4, like a proportion's at p = ½):
 *   n ≥ 400: half-width ≤ 4.9 points, smaller than the 5-point "low" impact band, so the
 *            measured gap is trustworthy to within one band: 100%;
 *   n ≥ 100: half-width ≤ 9.8 points, enough to tell a medium gap from none: 80%;
 *   n ≥ the minimum sample (default 30, the usual floor for a normal approximation):
 *            half-width ≤ 17.9 points, a direction more than a size: 50%.
 * Below the minimum sample a candidate is not scored at all but listed to watch.
 */
export const CONFIDENCE_BANDS: ReadonlyArray<Band<number>> = [
  { min: 400, value: 1, label: 'high' },
  { min: 100, value: 0.8, label: 'medium' },
  { min: 0, value: 0.5, label: 'low' },
];

export const DEFAULT_MIN_SAMPLE = 30;

export function confidenceFor(n: number): number {
  return bandOf(CONFIDENCE_BANDS, n)!.value;
}

export interface RiceFactors {
  /** Conversations affected per month. */
  readonly reach: number;
  readonly impact: Impact;
  /** 0..1. */
  readonly confidence: number;
  /** Person-weeks, > 0. */
  readonly effort: number;
}

export function riceScore(f: RiceFactors): number {
  if (!(f.effort > 0)) throw new Error(`effort must be positive, got ${f.effort}`);
  return (f.reach * f.impact * f.confidence) / f.effort;
}
