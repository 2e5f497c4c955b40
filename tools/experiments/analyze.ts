import { expectedShares } from '../../runtime/src/experiments/assignment';
import { EXPERIMENT_METRICS, Experiment, ExperimentsFile } from '../../runtime/src/experiments/experiment-config';
import { Queryable } from '../../runtime/src/storage/database';
import { versionStatus } from './config-versions';
import { VariantData, emptyVariantData, exposuresByVersion, variantData } from './experiment-data';
import { compareMetric } from './metric-comparison';
import { ExcludedExposures, ExperimentAnalysis, ExperimentsReport, MetricComparison, SampleSizeNote } from './report-model';
import { sampleRatioMismatch } from './statistics/sample-ratio-mismatch';
import { DEFAULT_POWER, sessionsForMean, sessionsForProportion } from './statistics/sample-size';
import { decideVerdict } from './verdict';

export interface AnalyzeOptions {
  /**
   * Copies of earlier versions of the experiments file. Exposures recorded under one of them are
   * pooled with the current version's when the experiment's variants (names, shares, treatment)
   * are unchanged. @default [] (only exposures of the current version count)
   */
  readonly history?: readonly ExperimentsFile[];
  /** Sessions per variant with a primary-metric value below which the verdict is "not enough data". @default 100 */
  readonly minimumSessions?: number;
  /** Power for the sample-size note and the planned sample a win must reach. @default 0.8 */
  readonly power?: number;
  /** Timestamp of the report. @default now */
  readonly now?: Date;
}

/**
 * Analyse every experiment of `file` from the stored exposures, conversations and feedback.
 * Run it inside one REPEATABLE READ transaction (as the CLI does) so all experiments see the same
 * snapshot while the runtime keeps writing.
 */
export async function analyzeExperiments(db: Queryable, file: ExperimentsFile, options: AnalyzeOptions = {}): Promise<ExperimentsReport> {
  const experiments: ExperimentAnalysis[] = [];
  for (const experiment of file.experiments) experiments.push(await analyzeExperiment(db, file.version, experiment, options));
  return { generatedAt: (options.now ?? new Date()).toISOString(), configVersion: file.version, experiments };
}

async function analyzeExperiment(
  db: Queryable,
  version: number,
  experiment: Experiment,
  options: AnalyzeOptions,
): Promise<ExperimentAnalysis> {
  const history = options.history ?? [];
  const minimumSessions = options.minimumSessions ?? 100;
  const power = options.power ?? DEFAULT_POWER;
  const notes: string[] = [];

  const counted = [version];
  const excludedExposures: ExcludedExposures[] = [];
  for (const v of await exposuresByVersion(db, experiment.id)) {
    const status = versionStatus(experiment, version, v.configVersion, history);
    if (status === 'same-variants') counted.push(v.configVersion);
    else if (status === 'different-variants' || status === 'unknown-version') {
      excludedExposures.push({ configVersion: v.configVersion, sessions: v.sessions, reason: status });
    }
  }
  counted.sort((a, b) => a - b);
  for (const x of excludedExposures) {
    notes.push(
      x.reason === 'different-variants'
        ? `${x.sessions} exposures under config version ${x.configVersion} are not counted: that version's variants or weights differ from version ${version}.`
        : `${x.sessions} exposures under config version ${x.configVersion} are not counted: that version's file was not given (pass it with --history to pool it if its variants are unchanged).`,
    );
  }

  const rows = await variantData(db, experiment.id, counted);
  const byName = new Map(rows.map((r) => [r.variant, r]));
  const variants: VariantData[] = experiment.variants.map((v) => byName.get(v.name) ?? emptyVariantData(v.name));
  for (const r of rows) {
    if (!experiment.variants.some((v) => v.name === r.variant)) {
      notes.push(`${r.exposures} exposures to variant "${r.variant}", which is not in the experiment, are ignored.`);
    }
  }
  for (const v of variants) {
    if (v.conversations < v.exposures) {
      const missing = v.exposures - v.conversations;
      notes.push(
        `${missing} exposed session${missing === 1 ? '' : 's'} of ${v.variant} ${missing === 1 ? 'has' : 'have'} no conversation row: counted for SRM, not for the metrics.`,
      );
    }
  }

  const shares = expectedShares(experiment);
  const totalExposures = variants.reduce((s, v) => s + v.exposures, 0);
  const exposures = variants.map((v, i) => ({
    variant: v.variant,
    sessions: v.exposures,
    share: totalExposures === 0 ? 0 : v.exposures / totalExposures,
    expectedShare: shares[i],
  }));
  const srm = sampleRatioMismatch(
    variants.map((v) => v.exposures),
    shares,
  );

  // Bonferroni over the variants for the primary metric (the ship decision): with k treatments each
  // compared at alpha, some false win would be k times likelier. Guardrails stay at alpha: a false
  // alarm there only blocks a ship, the safe mistake.
  const [control, ...treatments] = variants;
  const primaryAlpha = experiment.alpha / treatments.length;
  const { primary: primaryMetric, guardrails } = experiment.metrics;
  const comparisons: MetricComparison[] = [];
  for (const [metric, role, alpha] of [
    [primaryMetric, 'primary', primaryAlpha] as const,
    ...guardrails.map((g) => [g, 'guardrail', experiment.alpha] as const),
  ]) {
    for (const t of treatments) {
      comparisons.push(
        compareMetric({
          metric,
          role,
          alpha,
          control: { name: control.variant, sample: control.metrics[metric] },
          variant: { name: t.variant, sample: t.metrics[metric] },
        }),
      );
    }
  }
  if (treatments.length > 1) {
    notes.push(
      `${treatments.length} variants against the control: the primary metric is judged at alpha ${experiment.alpha}/${treatments.length} = ${Number(primaryAlpha.toPrecision(3))} (Bonferroni).`,
    );
  }

  const sampleSize = sampleSizeNote(experiment, control, primaryAlpha, power);
  const { verdict, primary } = decideVerdict({
    primaryMetric,
    minimumDetectableEffect: experiment.minimumDetectableEffect,
    totalExposures,
    srm,
    comparisons,
    sampleSize,
    minimumSessions,
  });

  return {
    experimentId: experiment.id,
    description: experiment.description,
    status: experiment.status,
    configVersion: version,
    countedConfigVersions: counted,
    excludedExposures,
    alpha: experiment.alpha,
    minimumDetectableEffect: experiment.minimumDetectableEffect,
    primaryMetric,
    guardrailMetrics: [...guardrails],
    control: control.variant,
    exposures,
    totalExposures,
    srm: { ...srm, expected: [...srm.expected] },
    comparisons,
    primary,
    sampleSize,
    verdict,
    notes,
  };
}

/** Sessions per variant to detect the experiment's minimum detectable effect, from the control's data. */
function sampleSizeNote(experiment: Experiment, control: VariantData, alpha: number, power: number): SampleSizeNote {
  const metric = experiment.metrics.primary;
  const mde = experiment.minimumDetectableEffect;
  const sample = control.metrics[metric];
  const size =
    sample.kind === 'proportion'
      ? sample.sample.trials === 0
        ? ({ ok: false, reason: 'the control has no sessions yet' } as const)
        : sessionsForProportion(
            sample.sample.successes / sample.sample.trials,
            mde,
            alpha,
            EXPERIMENT_METRICS[metric].higherIsBetter,
            power,
          )
      : sample.sample.n < 2
        ? ({ ok: false, reason: 'the control has fewer than 2 sessions with a value' } as const)
        : sessionsForMean(sample.sample.mean, Math.sqrt(sample.sample.variance), mde, alpha, power);
  const what = `a ${Math.round(mde * 1000) / 10}% relative change in ${metric} at alpha ${Number(alpha.toPrecision(3))} with ${power * 100}% power`;
  return size.ok
    ? {
        metric,
        sessionsPerVariant: size.sessionsPerVariant,
        power,
        note: `~${size.sessionsPerVariant} sessions per variant detect ${what} (from the control's observed ${metric}).`,
      }
    : { metric, sessionsPerVariant: null, power, note: `Cannot size ${what}: ${size.reason}.` };
}
