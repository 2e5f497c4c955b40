import { Candidate } from './candidate';
import { EffortTable, effortFor } from './effort';
import { Period, perMonth } from './period';
import { Impact, confidenceFor, riceScore } from './rice';

export interface Rice {
  /** Conversations affected per month. */
  readonly reach: number;
  readonly impact: Impact;
  readonly confidence: number;
  /** Person-weeks. */
  readonly effort: number;
  /** Where the effort came from: `file`, `file (<kind>:*)` or `default`. */
  readonly effortSource: string;
  readonly score: number;
}

export interface Ranked extends Candidate {
  readonly rank: number;
  readonly rice: Rice;
}

export interface Watched extends Candidate {
  /** Why it is not ranked. */
  readonly reason: string;
}

export interface Scored {
  /** All ranked candidates, best first. */
  readonly ranked: readonly Ranked[];
  /** Candidates below the minimum sample, largest sample first. */
  readonly watch: readonly Watched[];
}

/**
 * Score every candidate with RICE and rank them, best first (ties: urgent first, then by key, so
 * the order is stable). A candidate whose sample is under `minSample` is not scored: its numbers
 * would rank noise, so it goes to the watch list to be looked at again with more data.
 */
export function scoreCandidates(candidates: readonly Candidate[], period: Period, effort: EffortTable, minSample: number): Scored {
  const watch: Watched[] = [];
  const scored: Array<Omit<Ranked, 'rank'>> = [];
  for (const c of candidates) {
    if (c.sample < minSample) {
      const what = c.kind === 'experiment' ? 'exposed sessions' : c.kind === 'theme' ? 'sessions' : 'conversations';
      watch.push({ ...c, reason: c.sample === 0 ? `no ${what} in the period` : `only ${c.sample} ${what} (minimum ${minSample})` });
      continue;
    }
    const e = effortFor(effort, c);
    const factors = { reach: perMonth(c.affected, period), impact: c.impact, confidence: confidenceFor(c.sample), effort: e.weeks };
    scored.push({ ...c, rice: { ...factors, effortSource: e.source, score: riceScore(factors) } });
  }
  scored.sort((a, b) => b.rice.score - a.rice.score || Number(b.urgent) - Number(a.urgent) || a.key.localeCompare(b.key));
  watch.sort((a, b) => b.sample - a.sample || a.key.localeCompare(b.key));
  return { ranked: scored.map((c, i) => ({ ...c, rank: i + 1 })), watch };
}
