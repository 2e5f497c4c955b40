import * as fs from 'node:fs';
import { z } from 'zod';

/**
 * Reading `npm run experiments:report`'s JSON (reports/experiments/experiments-report.json)
 * defensively: only the fields prioritization needs are required, anything else is accepted and
 * ignored, an entry that does not parse is skipped with a note instead of sinking the run, and
 * a missing file is a note too (experiments simply contribute no candidates).
 */
export const VERDICT_KINDS = ['ship', 'do-not-ship', 'no-difference', 'srm', 'insufficient-data'] as const;
export type VerdictKind = (typeof VERDICT_KINDS)[number];

const resultSchema = z
  .object({
    experimentId: z.string().min(1),
    verdict: z.object({ kind: z.enum(VERDICT_KINDS), text: z.string() }).passthrough(),
  })
  .passthrough();

const comparisonSchema = z
  .object({
    variant: z.string().min(1),
    relativeDifference: z.number().finite(),
    pValue: z.number().min(0).max(1).nullish(),
    significant: z.boolean().nullish(),
  })
  .passthrough();

/** One metric of one variant against the control. */
export interface Comparison {
  readonly metric: string;
  readonly variant: string;
  readonly relativeDifference: number;
  readonly pValue?: number;
  readonly significant: boolean;
}

export interface ExperimentResult {
  readonly experimentId: string;
  readonly verdict: { readonly kind: VerdictKind; readonly text: string };
  readonly comparisons: readonly Comparison[];
}

export interface ExperimentsReadout {
  readonly results: readonly ExperimentResult[];
  readonly notes: readonly string[];
}

export function readExperimentsReport(file: string): ExperimentsReadout {
  if (!fs.existsSync(file)) {
    return {
      results: [],
      notes: [`Experiments report ${file} not found: no experiment candidates (run \`npm run experiments:report\` first).`],
    };
  }
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`experiments report ${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(document)) throw new Error(`experiments report ${file}: expected an array of experiment results`);
  const results: ExperimentResult[] = [];
  const notes: string[] = [];
  document.forEach((entry, i) => {
    const parsed = resultSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      notes.push(`Experiments report ${file}: entry ${i} skipped (${issue.path.join('.') || 'entry'}: ${issue.message}).`);
      return;
    }
    results.push({
      experimentId: parsed.data.experimentId,
      verdict: { kind: parsed.data.verdict.kind, text: parsed.data.verdict.text },
      comparisons: comparisonsIn(entry),
    });
  });
  return { results, notes };
}

const METRIC_FIELDS = ['metric', 'metricName', 'name'] as const;

/**
 * Every per-metric, per-variant comparison in an entry, wherever the report nests it: an object
 * with `variant` and `relativeDifference` is a comparison, and its metric is its own
 * `metric`/`metricName`/`name` or the nearest enclosing object's (reports group by metric or not).
 * A comparison without `significant` counts as not significant.
 */
export function comparisonsIn(entry: unknown, inheritedMetric?: string, depth = 0): Comparison[] {
  if (depth > 4 || entry === null || typeof entry !== 'object') return [];
  if (Array.isArray(entry)) return entry.flatMap((e) => comparisonsIn(e, inheritedMetric, depth + 1));
  const record = entry as Record<string, unknown>;
  // The entry's own `name` is the experiment's, not a metric's.
  const ownMetric =
    depth === 0 ? undefined : METRIC_FIELDS.map((f) => record[f]).find((v): v is string => typeof v === 'string' && v.length > 0);
  const metric = ownMetric ?? inheritedMetric;
  const parsed = comparisonSchema.safeParse(record);
  if (parsed.success && metric !== undefined) {
    const c = parsed.data;
    return [
      {
        metric,
        variant: c.variant,
        relativeDifference: c.relativeDifference,
        pValue: c.pValue ?? undefined,
        significant: c.significant ?? false,
      },
    ];
  }
  return Object.entries(record)
    .filter(([k]) => k !== 'verdict')
    .flatMap(([, v]) => comparisonsIn(v, metric, depth + 1));
}
