import { Queryable } from '../../../runtime/src/storage/database';
import { Candidate, candidateKey } from './candidate';
import { count, percent, plural, score2 } from './format';
import { Period } from './period';
import { MIN_QUALITY_GAP, QUALITY_GAP_BANDS, bandOf } from './rice';
import { Reference, referenceText } from './traffic';

/**
 * Source (a): intents and pages whose conversations go worse than the reference. A conversation
 * counts for every intent matched and every page visited in it, and brings its conversation
 * quality score (the one with explicit feedback folded in): the unit of Reach, and the score
 * users experience. The turn-level signals (no-match, low confidence, repeats, escalation) of
 * the candidate's own turns only choose the suggested action.
 */
export type Dimension = 'intent' | 'page';

/** Default effort in person-weeks: an intent is training phrases and routes; a page is a flow redesign. */
export const DEFAULT_EFFORT: Readonly<Record<Dimension, number>> = { intent: 1, page: 2 };

export interface QualityRow {
  readonly name: string;
  /** Conversations started in the period that matched the intent / visited the page. */
  readonly conversations: number;
  /** Their turns with this intent / on this page. */
  readonly turns: number;
  /** Mean conversation quality of those conversations. */
  readonly meanQuality: number;
  readonly noMatchRate: number;
  readonly lowConfidenceRate: number;
  readonly repeatedRate: number;
  readonly escalatedRate: number;
}

// Column names come from this table only, never from input.
const COLUMN: Readonly<Record<Dimension, string>> = { intent: 'intent', page: 'page' };

export async function readQuality(db: Queryable, dimension: Dimension, p: Period): Promise<QualityRow[]> {
  const col = COLUMN[dimension];
  const { rows } = await db.query<{
    name: string;
    conversations: number;
    turns: number;
    mean_quality: number;
    no_match_rate: number;
    low_confidence_rate: number;
    repeated_rate: number;
    escalated_rate: number;
  }>(
    `WITH convs AS (
       SELECT session_id, quality_score FROM conversations WHERE started_at >= $1 AND started_at < $2
     ), touched AS (
       SELECT t.${col} AS name, t.session_id, c.quality_score, count(*) AS turns,
              count(*) FILTER (WHERE t.no_match) AS no_match,
              count(*) FILTER (WHERE t.low_confidence) AS low_confidence,
              count(*) FILTER (WHERE t.repeated) AS repeated,
              count(*) FILTER (WHERE t.escalated) AS escalated
         FROM turn_events t JOIN convs c ON c.session_id = t.session_id
        WHERE t.created_at >= $1 AND t.${col} IS NOT NULL AND t.${col} <> ''
        GROUP BY t.${col}, t.session_id, c.quality_score
     )
     SELECT name,
            count(*)::int AS conversations,
            sum(turns)::int AS turns,
            avg(quality_score)::float8 AS mean_quality,
            (sum(no_match) / sum(turns))::float8 AS no_match_rate,
            (sum(low_confidence) / sum(turns))::float8 AS low_confidence_rate,
            (sum(repeated) / sum(turns))::float8 AS repeated_rate,
            (sum(escalated) / sum(turns))::float8 AS escalated_rate
       FROM touched GROUP BY name ORDER BY name`,
    [p.from, p.to],
  );
  return rows.map((r) => ({
    name: r.name,
    conversations: r.conversations,
    turns: r.turns,
    meanQuality: r.mean_quality,
    noMatchRate: r.no_match_rate,
    lowConfidenceRate: r.low_confidence_rate,
    repeatedRate: r.repeated_rate,
    escalatedRate: r.escalated_rate,
  }));
}

/** A candidate when the row's quality is at least MIN_QUALITY_GAP under the reference; else undefined. */
export function qualityCandidate(dimension: Dimension, row: QualityRow, reference: Reference): Candidate | undefined {
  const gap = reference.quality - row.meanQuality;
  const band = bandOf(QUALITY_GAP_BANDS, gap);
  if (gap < MIN_QUALITY_GAP || !band) return undefined;
  return {
    key: candidateKey(dimension, row.name),
    kind: dimension,
    name: row.name,
    sample: row.conversations,
    affected: row.conversations,
    impact: band.value,
    impactBasis: `quality gap ${score2(gap)}: ${band.label}`,
    why: `quality ${score2(row.meanQuality)} vs ${referenceText(reference)} over ${plural(row.conversations, 'conversation')} (${plural(row.turns, 'turn')})`,
    action: suggestedAction(dimension, row),
    defaultEffort: DEFAULT_EFFORT[dimension],
    urgent: false,
    evidence: {
      conversations: row.conversations,
      turns: row.turns,
      meanQuality: row.meanQuality,
      referenceQuality: reference.quality,
      qualityGap: gap,
      noMatchRate: row.noMatchRate,
      lowConfidenceRate: row.lowConfidenceRate,
      repeatedRate: row.repeatedRate,
      escalatedRate: row.escalatedRate,
    },
  };
}

/** Below this share of the candidate's turns, no single signal explains the problem. */
const SIGNAL_FLOOR = 0.1;

/** The fix the dominant turn signal points at; reading transcripts when none dominates. */
export function suggestedAction(dimension: Dimension, row: QualityRow): string {
  const signals: Array<[number, string]> =
    dimension === 'intent'
      ? [
          [
            row.lowConfidenceRate,
            `Add training phrases and separate confusable intents: ${percent(row.lowConfidenceRate)} of its turns matched with low confidence`,
          ],
          [row.repeatedRate, `Rewrite its response or fulfillment: users repeated themselves on ${percent(row.repeatedRate)} of its turns`],
          [row.escalatedRate, `Cover what it cannot do yet: ${percent(row.escalatedRate)} of its turns escalated to a human`],
        ]
      : [
          [row.noMatchRate, `Add routes or intents for what users say here: ${percent(row.noMatchRate)} of its turns were no-match`],
          [
            row.lowConfidenceRate,
            `Tighten the page's routes and their intents: ${percent(row.lowConfidenceRate)} of its turns matched with low confidence`,
          ],
          [row.repeatedRate, `Redesign the page's prompts: users repeated themselves on ${percent(row.repeatedRate)} of its turns`],
          [row.escalatedRate, `Redesign the flow around this page: ${percent(row.escalatedRate)} of its turns escalated to a human`],
        ];
  const [rate, text] = signals.reduce((best, s) => (s[0] > best[0] ? s : best));
  if (rate >= SIGNAL_FLOOR) return text;
  return `Read the transcripts of its ${count(Math.min(20, row.conversations))} lowest-quality conversations: no single turn signal explains the gap`;
}
