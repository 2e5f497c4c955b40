import { Queryable } from '../../../runtime/src/storage/database';
import { Candidate, candidateKey } from './candidate';
import { count, plural, score2 } from './format';
import { Period } from './period';
import { QUALITY_GAP_BANDS, bandOf } from './rice';
import { Reference, Traffic, referenceText } from './traffic';

/**
 * Source (b): what unhappy users talk about. Feedback with a normalized score under 0.5 (thumbs
 * down, CSAT 1-2 of 5) carries the entities Natural Language found in its comment; an entity
 * named by many distinct sessions is a theme.
 *
 * Reach: only some conversations leave feedback, so the sessions naming the theme are scaled by
 * conversations / sessions-with-feedback for the period (the theme is assumed as common among the
 * silent as among those who wrote), at most every conversation.
 * Impact: the quality gap of the sessions naming it (their conversation quality, or the feedback's
 * own score when the conversation is not in the store), in the quality-gap bands; never under
 * minimal, since the users said outright that something was wrong.
 */
export const NEGATIVE_FEEDBACK_BELOW = 0.5;

/** Default effort in person-weeks: investigate the comments, then fix one flow or one piece of content. */
export const DEFAULT_THEME_EFFORT = 1;

export interface ThemeRow {
  /** Lowercased entity name. */
  readonly entity: string;
  /** Distinct sessions whose negative feedback names it. */
  readonly sessions: number;
  /** Negative feedback rows naming it. */
  readonly mentions: number;
  /** Mean quality of those sessions (conversation quality, else the feedback's normalized score). */
  readonly meanQuality: number;
  /** The most recent redacted comment naming it. */
  readonly example: string | null;
}

export async function readThemes(db: Queryable, p: Period): Promise<ThemeRow[]> {
  const { rows } = await db.query<{ entity: string; sessions: number; mentions: number; mean_quality: number; example: string | null }>(
    `WITH negative AS (
       SELECT f.session_id, f.received_at, f.normalized_score, f.comment_redacted, lower(btrim(e.entity)) AS entity
         FROM feedback f CROSS JOIN LATERAL unnest(f.comment_entities) AS e(entity)
        WHERE f.received_at >= $1 AND f.received_at < $2 AND f.normalized_score < $3 AND btrim(e.entity) <> ''
     ), per_session AS (
       SELECT entity, session_id, count(*) AS mentions, avg(normalized_score) AS feedback_score
         FROM negative GROUP BY entity, session_id
     )
     SELECT s.entity,
            count(*)::int AS sessions,
            sum(s.mentions)::int AS mentions,
            avg(coalesce(c.quality_score, s.feedback_score))::float8 AS mean_quality,
            (SELECT n.comment_redacted FROM negative n
              WHERE n.entity = s.entity AND n.comment_redacted IS NOT NULL AND n.comment_redacted <> ''
              ORDER BY n.received_at DESC LIMIT 1) AS example
       FROM per_session s LEFT JOIN conversations c ON c.session_id = s.session_id
      GROUP BY s.entity ORDER BY s.entity`,
    [p.from, p.to, NEGATIVE_FEEDBACK_BELOW],
  );
  return rows.map((r) => ({
    entity: r.entity,
    sessions: r.sessions,
    mentions: r.mentions,
    meanQuality: r.mean_quality,
    example: r.example,
  }));
}

/** Conversations a theme reaches over the period: its sessions scaled from those who gave feedback to all. */
export function themeAffected(sessions: number, traffic: Traffic): number {
  if (traffic.feedbackSessions === 0 || traffic.conversations === 0) return sessions;
  return Math.min(traffic.conversations, sessions * Math.max(1, traffic.conversations / traffic.feedbackSessions));
}

export function themeCandidate(row: ThemeRow, traffic: Traffic, reference: Reference | undefined): Candidate {
  const gap = reference === undefined ? undefined : reference.quality - row.meanQuality;
  const band = gap === undefined ? undefined : bandOf(QUALITY_GAP_BANDS, gap);
  const minimal = QUALITY_GAP_BANDS[QUALITY_GAP_BANDS.length - 1];
  const affected = themeAffected(row.sessions, traffic);
  const sessionsText = `${plural(row.sessions, 'session')}${traffic.feedbackSessions > 0 ? ` of ${count(traffic.feedbackSessions)} with feedback` : ''}`;
  return {
    key: candidateKey('theme', row.entity),
    kind: 'theme',
    name: row.entity,
    sample: row.sessions,
    affected,
    impact: (band ?? minimal).value,
    impactBasis:
      gap === undefined
        ? 'no quality reference: minimal'
        : band
          ? `quality gap ${score2(gap)}: ${band.label}`
          : `quality gap ${score2(gap)}, but users complained: minimal`,
    why:
      `"${row.entity}" in negative feedback from ${sessionsText}` +
      (reference === undefined ? '' : `; their quality ${score2(row.meanQuality)} vs ${referenceText(reference)}`) +
      (row.example ? `; e.g. "${truncate(row.example, 80)}"` : ''),
    action: `Read the ${plural(row.mentions, 'negative comment')} naming "${row.entity}" and fix the flow or content they point at`,
    defaultEffort: DEFAULT_THEME_EFFORT,
    urgent: false,
    evidence: {
      sessions: row.sessions,
      mentions: row.mentions,
      feedbackSessions: traffic.feedbackSessions,
      conversations: traffic.conversations,
      estimatedConversations: affected,
      meanQuality: row.meanQuality,
      referenceQuality: reference?.quality ?? null,
      qualityGap: gap ?? null,
      example: row.example,
    },
  };
}

function truncate(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
