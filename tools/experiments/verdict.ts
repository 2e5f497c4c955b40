import { ExperimentMetricName } from '../../runtime/src/experiments/experiment-config';
import { formatP, formatRelative, formatDifference } from './format';
import { MetricComparison, SampleSizeNote, SrmResult, Verdict } from './report-model';

export interface VerdictInput {
  readonly primaryMetric: ExperimentMetricName;
  readonly minimumDetectableEffect: number;
  readonly totalExposures: number;
  readonly srm: SrmResult;
  /** Every comparison of the experiment (primary and guardrails, every variant). */
  readonly comparisons: readonly MetricComparison[];
  readonly sampleSize: SampleSizeNote;
  /** Sessions per variant with a primary value below which no conclusion is drawn. */
  readonly minimumSessions: number;
}

/**
 * The decision, in order: no data; broken assignment (SRM makes every other number suspect);
 * too few sessions; a variant that wins the primary metric without harming a guardrail (ship, once
 * the planned sample is reached); a variant that harms the primary or a guardrail (do not ship);
 * otherwise no difference. Harm is acted on as soon as it is significant — stopping a harmful
 * variant early is cheap — but a win only at the planned sample size: re-running the report every
 * day and shipping at the first p < alpha would make false wins far likelier than alpha.
 */
export function decideVerdict(input: VerdictInput): { verdict: Verdict; primary: MetricComparison | null } {
  const primaries = input.comparisons.filter((c) => c.role === 'primary');
  const firstPrimary = primaries[0] ?? null;
  const metric = input.primaryMetric;
  const effect = `${Math.round(input.minimumDetectableEffect * 1000) / 10}%`;

  if (input.totalExposures === 0) {
    return {
      verdict: {
        kind: 'insufficient-data',
        variant: null,
        text: 'Not enough data: no exposures recorded for the counted config versions yet.',
      },
      primary: firstPrimary,
    };
  }
  if (input.srm.mismatch) {
    return {
      verdict: {
        kind: 'srm',
        variant: null,
        text: `SRM detected (χ² = ${input.srm.chiSquare.toFixed(1)}, p = ${formatP(input.srm.pValue)} < ${input.srm.threshold}): the traffic split is not the configured one, so assignment or exposure logging is broken — do not trust any metric of this experiment until it is fixed.`,
      },
      primary: firstPrimary,
    };
  }
  const short = primaries.find(
    (c) => c.notEnoughData !== null || c.controlSessions < input.minimumSessions || c.variantSessions < input.minimumSessions,
  );
  if (short) {
    const counts = primaries.map((c) => `${c.variant} ${c.variantSessions}`).join(', ');
    return {
      verdict: {
        kind: 'insufficient-data',
        variant: null,
        text: `Not enough data: ${metric} needs at least ${input.minimumSessions} sessions per variant before any conclusion (control ${short.controlSessions}, ${counts})${sizing(input.sampleSize, effect, fewest(primaries))}.`,
      },
      primary: firstPrimary,
    };
  }

  const harmsOf = (variant: string): MetricComparison[] => input.comparisons.filter((c) => c.variant === variant && c.harmful);
  const winners = primaries
    .filter((c) => c.significant && c.direction === 'better' && harmsOf(c.variant).length === 0)
    .sort((a, b) => Math.abs(b.difference ?? 0) - Math.abs(a.difference ?? 0));
  const winner = winners[0];
  if (winner) {
    const lift = `${metric} by ${formatRelative(winner.relativeDifference)} (${formatDifference(winner.kind, winner.difference)}, p = ${formatP(winner.pValue)})`;
    const planned = input.sampleSize.sessionsPerVariant;
    const have = Math.min(winner.controlSessions, winner.variantSessions);
    if (planned !== null && have < planned) {
      return {
        verdict: {
          kind: 'insufficient-data',
          variant: winner.variant,
          text: `Variant ${winner.variant} leads on ${lift}, but has ${have} of the ~${planned} sessions per variant planned to detect ${effect}: keep it running — stopping at the first significant p-value inflates false wins.`,
        },
        primary: winner,
      };
    }
    const unmeasured = input.comparisons.filter((c) => c.variant === winner.variant && c.role === 'guardrail' && c.notEnoughData !== null);
    const caveat = unmeasured.length === 0 ? '' : ` (not measurable yet: ${unmeasured.map((c) => c.metric).join(', ')})`;
    return {
      verdict: {
        kind: 'ship',
        variant: winner.variant,
        text: `Variant ${winner.variant} improves ${lift} with no guardrail harmed${caveat} — ship.`,
      },
      primary: winner,
    };
  }

  const harmful = primaries.map((p) => ({ primary: p, harms: harmsOf(p.variant) })).find((h) => h.harms.length > 0);
  if (harmful) {
    const described = harmful.harms
      .map(
        (c) =>
          `${c.role === 'primary' ? 'primary' : 'guardrail'} ${c.metric} ${formatRelative(c.relativeDifference)} (${formatDifference(c.kind, c.difference)}, p = ${formatP(c.pValue)})`,
      )
      .join('; ');
    return {
      verdict: {
        kind: 'do-not-ship',
        variant: harmful.primary.variant,
        text: `Variant ${harmful.primary.variant} harms ${described} — do not ship.`,
      },
      primary: harmful.primary,
    };
  }

  const closest = [...primaries].sort((a, b) => (a.pValue ?? 1) - (b.pValue ?? 1))[0] ?? null;
  const observed = closest ? ` (${closest.variant}: ${formatRelative(closest.relativeDifference)}, p = ${formatP(closest.pValue)})` : '';
  return {
    verdict: {
      kind: 'no-difference',
      variant: null,
      text: `No significant difference in ${metric}${observed}${sizing(input.sampleSize, effect, fewest(primaries))}.`,
    },
    primary: closest,
  };
}

/** The smallest per-variant sample among the primary comparisons. */
function fewest(primaries: readonly MetricComparison[]): number {
  return Math.min(...primaries.flatMap((c) => [c.controlSessions, c.variantSessions]));
}

function sizing(s: SampleSizeNote, effect: string, have: number): string {
  if (s.sessionsPerVariant === null) return '';
  if (have >= s.sessionsPerVariant) {
    return `; with ${have} sessions per variant it had ${s.power * 100}% power to detect a ${effect} change, so any real effect is likely smaller`;
  }
  return `; need ~${s.sessionsPerVariant} sessions per variant to detect a ${effect} change (have ${have})`;
}
