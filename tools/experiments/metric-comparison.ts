import { EXPERIMENT_METRICS, ExperimentMetricName } from '../../runtime/src/experiments/experiment-config';
import { MetricSample } from './experiment-data';
import { MetricComparison } from './report-model';
import { compareProportions } from './statistics/two-proportions';
import { welchTTest } from './statistics/welch-t-test';

export interface ComparisonInput {
  readonly metric: ExperimentMetricName;
  readonly role: 'primary' | 'guardrail';
  readonly control: { readonly name: string; readonly sample: MetricSample };
  readonly variant: { readonly name: string; readonly sample: MetricSample };
  /** Significance level of this comparison (the interval is at 1 − alpha). */
  readonly alpha: number;
}

/** One metric, one variant against the control, with the test its kind calls for. */
export function compareMetric(input: ComparisonInput): MetricComparison {
  const { metric, role, control, variant, alpha } = input;
  const { kind, higherIsBetter } = EXPERIMENT_METRICS[metric];
  const base = {
    metric,
    role,
    kind,
    higherIsBetter,
    test: kind === 'proportion' ? ('pooled z-test, Newcombe interval' as const) : ("Welch's t-test" as const),
    control: control.name,
    variant: variant.name,
    controlSessions: sessions(control.sample),
    variantSessions: sessions(variant.sample),
    controlValue: observed(control.sample),
    variantValue: observed(variant.sample),
    confidenceLevel: 1 - alpha,
    alpha,
  };
  const result =
    control.sample.kind === 'proportion' && variant.sample.kind === 'proportion'
      ? compareProportions(control.sample.sample, variant.sample.sample, alpha)
      : control.sample.kind === 'mean' && variant.sample.kind === 'mean'
        ? welchTTest(control.sample.sample, variant.sample.sample, alpha)
        : undefined;
  if (result === undefined) throw new Error(`${metric}: control and variant samples are of different kinds`);
  if (!result.ok) {
    const difference = base.controlValue !== null && base.variantValue !== null ? base.variantValue - base.controlValue : null;
    return {
      ...base,
      difference,
      relativeDifference: relative(difference, base.controlValue),
      ci: null,
      pValue: null,
      significant: false,
      direction: directionOf(difference, higherIsBetter),
      harmful: false,
      notEnoughData: result.reason,
    };
  }
  const significant = result.pValue < alpha;
  const direction = directionOf(result.difference, higherIsBetter);
  return {
    ...base,
    difference: result.difference,
    relativeDifference: relative(result.difference, base.controlValue),
    ci: [result.ci[0], result.ci[1]],
    pValue: result.pValue,
    significant,
    direction,
    harmful: significant && direction === 'worse',
    notEnoughData: null,
  };
}

function sessions(s: MetricSample): number {
  return s.kind === 'proportion' ? s.sample.trials : s.sample.n;
}

function observed(s: MetricSample): number | null {
  if (s.kind === 'proportion') return s.sample.trials > 0 ? s.sample.successes / s.sample.trials : null;
  return s.sample.n > 0 ? s.sample.mean : null;
}

function relative(difference: number | null, controlValue: number | null): number | null {
  return difference === null || controlValue === null || controlValue === 0 ? null : difference / Math.abs(controlValue);
}

function directionOf(difference: number | null, higherIsBetter: boolean): 'better' | 'worse' | 'same' {
  if (difference === null || difference === 0) return 'same';
  return difference > 0 === higherIsBetter ? 'better' : 'worse';
}
