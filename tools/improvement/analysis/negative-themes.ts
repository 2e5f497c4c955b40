import { Queryable } from '../../../runtime/src/storage/database';
import { NEGATIVE_BELOW } from './feedback-stats';
import { Period, assertPeriod } from './period';

export interface NegativeTheme {
  /** Entity name Natural Language found in the comments (stored lowercased). */
  readonly entity: string;
  /** Negative comments mentioning it (a comment naming it twice counts once). */
  readonly comments: number;
  /** comments / all negative comments in the period, 0..1. */
  readonly share: number;
  /** The most recent redacted comment mentioning it. User text: escape before display. */
  readonly example: string;
}

export interface NegativeThemes {
  /** Negative feedback with a non-blank comment in the period: the denominator of `share`. */
  readonly negativeComments: number;
  /** Most mentioned first, ties by name. */
  readonly themes: NegativeTheme[];
}

/**
 * What unhappy users write about: entities in the free text of negative feedback
 * (normalized score < 0.5, non-blank comment), counted per comment. One statement so the total and
 * the counts come from the same snapshot even outside a transaction.
 */
export async function negativeThemes(db: Queryable, period: Period, limit = 20): Promise<NegativeThemes> {
  assertPeriod(period);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`negativeThemes: limit must be a positive integer, got ${limit}`);
  const { rows } = await db.query<{
    total: number;
    entity: string | null;
    comments: number | null;
    share: number | null;
    example: string | null;
  }>(
    `WITH negative AS (
       SELECT id, received_at, comment_redacted, comment_entities FROM feedback
       WHERE received_at >= $1 AND received_at < $2 AND normalized_score < ${NEGATIVE_BELOW}
         AND comment_redacted IS NOT NULL AND btrim(comment_redacted) <> ''
     ), mentions AS (
       SELECT DISTINCT n.id, n.received_at, n.comment_redacted, lower(btrim(e.entity)) AS entity
       FROM negative n CROSS JOIN LATERAL unnest(n.comment_entities) AS e(entity)
       WHERE btrim(e.entity) <> ''
     ), total AS (SELECT count(*)::int AS total FROM negative)
     SELECT total.total, th.entity, th.comments, (th.comments::float8 / nullif(total.total, 0)) AS share, th.example
     FROM total LEFT JOIN LATERAL (
       SELECT m.entity, count(*)::int AS comments,
         (array_agg(m.comment_redacted ORDER BY m.received_at DESC, m.id))[1] AS example
       FROM mentions m GROUP BY m.entity
       ORDER BY comments DESC, m.entity ASC
       LIMIT $3
     ) th ON true
     ORDER BY th.comments DESC NULLS LAST, th.entity ASC`,
    [period.from, period.to, limit],
  );
  const themes = rows
    .filter((r) => r.entity !== null)
    .map((r) => ({ entity: r.entity!, comments: r.comments!, share: r.share!, example: r.example! }));
  return { negativeComments: rows[0]?.total ?? 0, themes };
}
