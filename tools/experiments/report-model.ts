import { ExperimentMetricName } from '../../runtime/src/experiments/experiment-config';

/**
 * The analysis result, written as-is to `experiments-report.json`. Other tools read it (the
 * improvement prioritizer uses, per experiment: `experimentId`, `verdict.kind`, `verdict.text`,
 * `primaryMetric`, `primary.relativeDifference`, `primary.pValue` and `exposures`), so field names
 * are part of the tool's interface: add fields, do not rename them. Every number is finite; where a
 * value cannot be computed it is `null` and `notEnoughData` says why.
 *
 * {
 *   "generatedAt": "2026-11-02T09:00:00.000Z",
 *   "configVersion": 7,
 *   "experiments": [{
 *     "experimentId": "escalation-threshold", "description": "...", "status": "running",
 *     "configVersion": 7, "countedConfigVersions": [6, 7],
 *     "excludedExposures": [{ "configVersion": 5, "sessions": 812, "reason": "different-variants" }],
 *     "alpha": 0.05, "minimumDetectableEffect": 0.05,
 *     "primaryMetric": "containment_rate", "guardrailMetrics": ["csat", "conversation_quality"],
 *     "control": "control",
 *     "exposures": [{ "variant": "control", "sessions": 3012, "share": 0.501, "expectedShare": 0.5 }, ...],
 *     "totalExposures": 6010,
 *     "srm": { "chiSquare": 0.03, "degreesOfFreedom": 1, "pValue": 0.86, "mismatch": false, "threshold": 0.001, "expected": [3005, 3005] },
 *     "comparisons": [{ "metric": "containment_rate", "role": "primary", "variant": "strict", "control": "control",
 *                       "controlValue": 0.70, "variantValue": 0.75, "difference": 0.05, "relativeDifference": 0.071,
 *                       "ci": [0.027, 0.073], "pValue": 0.00001, "significant": true, "direction": "better", "harmful": false, ... }],
 *     "primary": { ...the primary-metric comparison the verdict is about, or null },
 *     "sampleSize": { "metric": "containment_rate", "sessionsPerVariant": 2597, "power": 0.8, "note": "..." },
 *     "verdict": { "kind": "ship", "variant": "strict", "text": "..." },
 *     "notes": ["..."]
 *   }]
 * }
 */
export interface ExperimentsReport {
  readonly generatedAt: string;
  /** `version` of the experiments file analysed. */
  readonly configVersion: number;
  readonly experiments: ExperimentAnalysis[];
}

export type VerdictKind = 'ship' | 'do-not-ship' | 'no-difference' | 'srm' | 'insufficient-data';

export interface Verdict {
  readonly kind: VerdictKind;
  /** The variant the verdict is about (the one to ship, the one that harms); null when none. */
  readonly variant: string | null;
  /** One plain-language sentence for people. */
  readonly text: string;
}

export interface VariantExposures {
  readonly variant: string;
  /** Sessions first exposed to this variant under a counted config version. */
  readonly sessions: number;
  /** sessions / total (0 when there are none). */
  readonly share: number;
  /** The configured traffic share (weights normalized). */
  readonly expectedShare: number;
}

export interface ExcludedExposures {
  readonly configVersion: number;
  readonly sessions: number;
  /** `different-variants`: that version's variants or weights differ from the current ones; `unknown-version`: no copy of that version was given. */
  readonly reason: 'different-variants' | 'unknown-version';
}

export interface SrmResult {
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  readonly mismatch: boolean;
  readonly threshold: number;
  /** Expected sessions per variant, in the order of `exposures`. */
  readonly expected: number[];
}

export interface MetricComparison {
  readonly metric: ExperimentMetricName;
  readonly role: 'primary' | 'guardrail';
  readonly kind: 'proportion' | 'mean';
  readonly higherIsBetter: boolean;
  readonly test: 'pooled z-test, Newcombe interval' | "Welch's t-test";
  readonly control: string;
  readonly variant: string;
  /** Sessions with a value for this metric (CSAT and thumbs: those that gave that feedback). */
  readonly controlSessions: number;
  readonly variantSessions: number;
  readonly controlValue: number | null;
  readonly variantValue: number | null;
  /** variantValue − controlValue. */
  readonly difference: number | null;
  /** difference / controlValue; null when the control value is 0 or unknown. */
  readonly relativeDifference: number | null;
  /** Confidence interval of `difference` at `confidenceLevel`. */
  readonly ci: [number, number] | null;
  readonly confidenceLevel: number;
  readonly pValue: number | null;
  /** The significance level this comparison was judged at (Bonferroni-adjusted for the primary metric). */
  readonly alpha: number;
  /** pValue < alpha. */
  readonly significant: boolean;
  /** The observed change in the metric's good direction, whatever its significance. */
  readonly direction: 'better' | 'worse' | 'same';
  /** Significant and worse. */
  readonly harmful: boolean;
  /** Why no test could be run; null when it was. */
  readonly notEnoughData: string | null;
}

export interface SampleSizeNote {
  readonly metric: ExperimentMetricName;
  /** Sessions per variant to detect `minimumDetectableEffect` at the primary alpha with `power`; null when it cannot be sized. */
  readonly sessionsPerVariant: number | null;
  readonly power: number;
  readonly note: string;
}

export interface ExperimentAnalysis {
  readonly experimentId: string;
  readonly description: string;
  readonly status: 'running' | 'paused' | 'stopped';
  readonly configVersion: number;
  /** Exposure config versions whose variants and weights equal the current ones: the data analysed. */
  readonly countedConfigVersions: number[];
  readonly excludedExposures: ExcludedExposures[];
  readonly alpha: number;
  readonly minimumDetectableEffect: number;
  readonly primaryMetric: ExperimentMetricName;
  readonly guardrailMetrics: ExperimentMetricName[];
  /** The control variant's name (the first variant). */
  readonly control: string;
  readonly exposures: VariantExposures[];
  readonly totalExposures: number;
  readonly srm: SrmResult;
  /** Every metric (primary, then guardrails) for every non-control variant against the control. */
  readonly comparisons: MetricComparison[];
  /** The primary-metric comparison the verdict is about; with two variants, the only one. Null without variants to compare. */
  readonly primary: MetricComparison | null;
  readonly sampleSize: SampleSizeNote;
  readonly verdict: Verdict;
  readonly notes: string[];
}
