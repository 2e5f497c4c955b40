import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '../../../runtime/src/storage/database';
import { Candidate } from './candidate';
import { EffortTable, unusedEffortKeys } from './effort';
import { ACTIONABLE_VERDICTS, DEFAULT_EXPERIMENT_EFFORT, experimentCandidate, readExposures } from './experiment-candidates';
import { readOnlySnapshot } from '../read-only-snapshot';
import { readExperimentsReport } from './experiments-report';
import { Period, MONTH_DAYS, periodDays } from './period';
import type { PrioritiesReport } from './priorities-report';
import { DEFAULT_EFFORT, readQuality, qualityCandidate } from './quality-candidates';
import { renderMarkdown } from './render';
import { CONFIDENCE_BANDS, QUALITY_GAP_BANDS, RELATIVE_CHANGE_BANDS } from './rice';
import { scoreCandidates } from './scoring';
import { DEFAULT_THEME_EFFORT, readThemes, themeCandidate } from './theme-candidates';
import { readTraffic, referenceOf } from './traffic';

export interface PrioritizeOptions {
  readonly period: Period;
  /** Quality to measure against; default the platform mean for the period. */
  readonly target?: number;
  /** Candidates with a smaller sample are watched, not ranked. */
  readonly minSample: number;
  readonly effort: EffortTable;
  /** `npm run experiments:report`'s JSON; a missing file is noted, not an error. */
  readonly experimentsPath: string;
  /** How many ranked candidates the report lists. */
  readonly top: number;
  /** The report's timestamp. @default now */
  readonly now?: Date;
}

/** Collect candidates from every source in one read-only snapshot, score and rank them. */
export async function buildPriorities(db: Database, o: PrioritizeOptions): Promise<PrioritiesReport> {
  const experiments = readExperimentsReport(o.experimentsPath);
  const notes = [...experiments.notes];
  const idle = experiments.results.filter((r) => !ACTIONABLE_VERDICTS.has(r.verdict.kind));
  if (idle.length > 0) {
    notes.push(`${idle.length} experiment(s) ask for no work (${idle.map((r) => `${r.experimentId}: ${r.verdict.kind}`).join(', ')}).`);
  }
  const actionable = experiments.results.filter((r) => ACTIONABLE_VERDICTS.has(r.verdict.kind));

  const { traffic, reference, candidates } = await readOnlySnapshot(db, '5min', async (q) => {
    const traffic = await readTraffic(q, o.period);
    const reference = referenceOf(traffic, o.target);
    const candidates: Candidate[] = [];
    if (reference) {
      for (const dimension of ['intent', 'page'] as const) {
        for (const row of await readQuality(q, dimension, o.period)) {
          const c = qualityCandidate(dimension, row, reference);
          if (c) candidates.push(c);
        }
      }
    }
    for (const row of await readThemes(q, o.period)) candidates.push(themeCandidate(row, traffic, reference));
    const exposures = await readExposures(
      q,
      o.period,
      actionable.map((r) => r.experimentId),
    );
    for (const r of actionable) candidates.push(experimentCandidate(r, exposures.get(r.experimentId))!);
    return { traffic, reference, candidates };
  });

  if (!reference) notes.push('No conversations in the period: no quality reference, so intents and pages were not assessed.');
  const unused = unusedEffortKeys(o.effort, new Set(candidates.map((c) => c.key)));
  if (unused.length > 0) notes.push(`The effort file names keys that match no candidate in this period: ${unused.join(', ')}.`);

  const { ranked, watch } = scoreCandidates(candidates, o.period, o.effort, o.minSample);
  return {
    generatedAt: (o.now ?? new Date()).toISOString(),
    period: { from: o.period.from.toISOString(), to: o.period.to.toISOString(), days: periodDays(o.period) },
    traffic,
    reference: reference ?? null,
    method: {
      formula: 'score = reach × impact × confidence / effort',
      reach: `conversations affected per month (period count × ${MONTH_DAYS} / period days)`,
      minSample: o.minSample,
      qualityGapBands: QUALITY_GAP_BANDS,
      relativeChangeBands: RELATIVE_CHANGE_BANDS,
      confidenceBands: CONFIDENCE_BANDS,
      defaultEffortWeeks: { ...DEFAULT_EFFORT, theme: DEFAULT_THEME_EFFORT, experiment: DEFAULT_EXPERIMENT_EFFORT },
      docs: 'docs/improvement/prioritization.md',
    },
    ranked: ranked.slice(0, o.top),
    rankedTotal: ranked.length,
    watch,
    urgent: [...ranked, ...watch].filter((c) => c.urgent).map((c) => ({ key: c.key, action: c.action })),
    notes,
  };
}

/** Write `priorities.md` and `priorities.json` to `outDir`. */
export function writePriorities(report: PrioritiesReport, outDir: string): { markdown: string; json: string } {
  fs.mkdirSync(outDir, { recursive: true });
  const markdown = path.join(outDir, 'priorities.md');
  const json = path.join(outDir, 'priorities.json');
  fs.writeFileSync(markdown, renderMarkdown(report));
  fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown, json };
}
