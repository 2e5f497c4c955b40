import * as fs from 'node:fs';
import { z } from 'zod';
import { ExperimentsReport } from '../../experiments/report-model';

/**
 * Reading `npm run experiments:report`'s JSON (reports/experiments/experiments-report.json, shape
 * in tools/experiments/report-model.ts) defensively: the report may come from an older or newer
 * version of the tool, so only the fields prioritization needs are required, anything else is
 * ignored, an experiment that does not parse is skipped with a note instead of sinking the run,
 * and a missing file is a note too (experiments simply contribute no candidates).
 */
export const VERDICT_KINDS = ['ship', 'do-not-ship', 'no-difference', 'srm', 'insufficient-data'] as const;
export type VerdictKind = (typeof VERDICT_KINDS)[number];

const comparisonSchema = z
  .object({
    metric: z.string().min(1),
    variant: z.string().min(1),
    // null when the control's value is 0 or there was not enough data.
    relativeDifference: z.number().finite().nullable(),
    pValue: z.number().min(0).max(1).nullish(),
    significant: z.boolean().nullish(),
  })
  .passthrough();

const resultSchema = z
  .object({
    experimentId: z.string().min(1),
    verdict: z.object({ kind: z.enum(VERDICT_KINDS), text: z.string() }).passthrough(),
    comparisons: z.array(comparisonSchema).default([]),
  })
  .passthrough();

const reportSchema = z.object({ experiments: z.array(z.unknown()) }).passthrough();

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

// The report's verdict kinds and ours must stay the same set: a compile error here says they drifted.
const SAME_KINDS: ExperimentsReport['experiments'][number]['verdict']['kind'] extends VerdictKind ? true : never = true;
void SAME_KINDS;

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
  const report = reportSchema.safeParse(document);
  if (!report.success)
    throw new Error(`experiments report ${file}: expected an object with an "experiments" array (npm run experiments:report)`);
  const results: ExperimentResult[] = [];
  const notes: string[] = [];
  report.data.experiments.forEach((entry, i) => {
    const parsed = resultSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      notes.push(`Experiments report ${file}: entry ${i} skipped (${issue.path.join('.') || 'entry'}: ${issue.message}).`);
      return;
    }
    results.push({
      experimentId: parsed.data.experimentId,
      verdict: { kind: parsed.data.verdict.kind, text: parsed.data.verdict.text },
      comparisons: parsed.data.comparisons
        .filter((c) => c.relativeDifference !== null)
        .map((c) => ({
          metric: c.metric,
          variant: c.variant,
          relativeDifference: c.relativeDifference!,
          pValue: c.pValue ?? undefined,
          significant: c.significant ?? false,
        })),
    });
  });
  return { results, notes };
}
