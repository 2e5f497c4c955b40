import { EXPERIMENT_METRICS } from '../../../runtime/src/experiments/experiment-config';
import { Queryable } from '../../../runtime/src/storage/database';
import { Candidate, candidateKey } from './candidate';
import { count, percent } from './format';
import { Comparison, ExperimentResult, VerdictKind } from './experiments-report';
import { Period } from './period';
import { Impact, RELATIVE_CHANGE_BANDS, bandOf } from './rice';

/**
 * Source (c): experiments whose verdict calls for work.
 *   ship         the winner should reach everyone: an opportunity; Reach = every session the
 *                experiment targeted in the period, Impact = the best significant improvement.
 *   do-not-ship  a variant harmed a metric (a guardrail): roll it back, fix it; Reach = the
 *                sessions in the harmful variants, Impact = the worst significant harm.
 *   srm          the observed split differs from the configured one: assignment or exposure
 *                logging is broken and no result of the experiment can be trusted. Impact is
 *                massive (3) and the candidate is flagged urgent whatever its rank.
 * 'no-difference' and 'insufficient-data' ask for no work and make no candidate.
 * Reach and Confidence use the exposures recorded in the period (experiment_exposures), so an
 * experiment without traffic in the period is only watched.
 */
export const ACTIONABLE_VERDICTS: ReadonlySet<VerdictKind> = new Set(['ship', 'do-not-ship', 'srm']);

/** Default effort in person-weeks: a rollout or a rollback is a config change; an SRM is a debugging hunt. */
export const DEFAULT_EXPERIMENT_EFFORT: Readonly<Record<'ship' | 'do-not-ship' | 'srm', number>> = {
  ship: 0.5,
  'do-not-ship': 0.5,
  srm: 1,
};

/** Impact when the report states no usable effect size for the verdict. */
const UNSTATED_IMPACT: Impact = 1;

/** Sessions exposed in the period, per experiment and variant. */
export type Exposures = ReadonlyMap<string, ReadonlyMap<string, number>>;

export async function readExposures(db: Queryable, p: Period, experimentIds: readonly string[]): Promise<Exposures> {
  const out = new Map<string, Map<string, number>>();
  if (experimentIds.length === 0) return out;
  const { rows } = await db.query<{ experiment_id: string; variant: string; sessions: number }>(
    `SELECT experiment_id, variant, count(*)::int AS sessions FROM experiment_exposures
      WHERE exposed_at >= $1 AND exposed_at < $2 AND experiment_id = ANY($3::text[])
      GROUP BY experiment_id, variant`,
    [p.from, p.to, experimentIds],
  );
  for (const r of rows) {
    if (!out.has(r.experiment_id)) out.set(r.experiment_id, new Map());
    out.get(r.experiment_id)!.set(r.variant, r.sessions);
  }
  return out;
}

/** The change of a comparison in the "better" direction (negative: worse); undefined for a metric we do not know. */
export function improvementOf(c: Comparison): number | undefined {
  const known = (EXPERIMENT_METRICS as Record<string, { higherIsBetter: boolean } | undefined>)[c.metric];
  if (!known) return undefined;
  return known.higherIsBetter ? c.relativeDifference : -c.relativeDifference;
}

interface Effect {
  readonly comparison: Comparison;
  /** Size of the change, > 0. */
  readonly size: number;
}

/** The largest significant effect in the wanted direction. */
function largest(comparisons: readonly Comparison[], direction: 1 | -1): Effect | undefined {
  let best: Effect | undefined;
  for (const c of comparisons) {
    const improvement = improvementOf(c);
    if (!c.significant || improvement === undefined || improvement * direction <= 0) continue;
    const size = Math.abs(improvement);
    if (!best || size > best.size) best = { comparison: c, size };
  }
  return best;
}

export function experimentCandidate(result: ExperimentResult, exposures: ReadonlyMap<string, number> | undefined): Candidate | undefined {
  const kind = result.verdict.kind;
  if (kind !== 'ship' && kind !== 'do-not-ship' && kind !== 'srm') return undefined;
  const byVariant = exposures ?? new Map<string, number>();
  const total = [...byVariant.values()].reduce((a, b) => a + b, 0);
  const exposed = `${count(total)} sessions exposed in the period`;
  const base = {
    key: candidateKey('experiment', result.experimentId),
    kind: 'experiment' as const,
    name: result.experimentId,
    sample: total,
    defaultEffort: DEFAULT_EXPERIMENT_EFFORT[kind],
  };
  const evidence = {
    verdict: kind,
    verdictText: result.verdict.text,
    exposures: total,
    ...Object.fromEntries([...byVariant].map(([v, n]) => [`exposures.${v}`, n])),
  };

  if (kind === 'srm') {
    return {
      ...base,
      affected: total,
      impact: 3,
      impactBasis: 'sample ratio mismatch: every result of the experiment is void: massive',
      why: `sample ratio mismatch: ${result.verdict.text} (${exposed})`,
      action: 'Fix urgently: pause the experiment and find why assignment or exposure logging skews the split before reading any result',
      urgent: true,
      evidence,
    };
  }

  const effect = largest(result.comparisons, kind === 'ship' ? 1 : -1);
  const band = effect ? bandOf(RELATIVE_CHANGE_BANDS, effect.size)! : undefined;
  const effectText = effect
    ? `${effect.comparison.metric} ${kind === 'ship' ? 'better' : 'worse'} by ${percent(effect.size, 1)} in "${effect.comparison.variant}"`
    : undefined;
  const impactBasis = band ? `${effectText}: ${band.label}` : 'effect size not stated in the report: medium assumed';
  const fullEvidence = {
    ...evidence,
    effectMetric: effect?.comparison.metric ?? null,
    effectVariant: effect?.comparison.variant ?? null,
    effectRelativeChange: effect ? effect.size : null,
    effectPValue: effect?.comparison.pValue ?? null,
  };

  if (kind === 'ship') {
    return {
      ...base,
      affected: total,
      impact: band?.value ?? UNSTATED_IMPACT,
      impactBasis,
      why: `ship: ${result.verdict.text} (${exposed})`,
      action: effect
        ? `Roll out variant "${effect.comparison.variant}" to all targeted traffic and retire the experiment`
        : 'Roll out the winning variant to all targeted traffic and retire the experiment',
      urgent: false,
      evidence: fullEvidence,
    };
  }

  // do-not-ship: the users in the harmful variants are the ones being hurt now.
  const harmful = new Set(result.comparisons.filter((c) => c.significant && (improvementOf(c) ?? 0) < 0).map((c) => c.variant));
  const harmed = [...harmful].reduce((a, v) => a + (byVariant.get(v) ?? 0), 0);
  return {
    ...base,
    affected: harmful.size > 0 ? harmed : total,
    impact: band?.value ?? UNSTATED_IMPACT,
    impactBasis,
    why: `do not ship: ${result.verdict.text} (${exposed}${harmful.size > 0 ? `, ${count(harmed)} in the harmful variant${harmful.size > 1 ? 's' : ''}` : ''})`,
    action: effect
      ? `Roll back variant "${effect.comparison.variant}" (stop the experiment), then fix what worsened ${effect.comparison.metric} before re-testing`
      : "Roll back the experiment's variants (stop it), then fix the harm its report describes before re-testing",
    urgent: false,
    evidence: fullEvidence,
  };
}
