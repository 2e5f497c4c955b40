/**
 * What Postgres actually holds for a scenario's ratings, read directly (not through the proxy,
 * not through the runtime): rows per accepted id, and rows per rated turn — a second row for the
 * same turn and kind would be a duplicate however the ids were made.
 */
import { PostgresServer } from '../runtime/support/local-servers';
import { FeedbackOutcome } from './feedback-sender';

export interface FeedbackLedger {
  /** Accepted (2xx) ratings, poison excluded. */
  readonly accepted: number;
  /** Of those, stored with exactly one row. */
  readonly storedOnce: number;
  /** Accepted ids with no row. */
  readonly missing: string[];
  /** Extra rows: rows for the same rated turn and kind beyond the first. */
  readonly duplicates: number;
  /** What became of the poison rating, if one was sent. */
  readonly poison?: 'refused' | 'accepted-and-stored' | 'accepted-not-stored' | 'no-reply';
}

export async function readLedger(postgres: PostgresServer, outcomes: readonly FeedbackOutcome[]): Promise<FeedbackLedger> {
  const accepted = outcomes.filter((o) => !o.poison && o.acceptedId !== undefined);
  const ids = accepted.map((o) => o.acceptedId!);
  const poisonOutcome = outcomes.find((o) => o.poison);
  const allIds = poisonOutcome?.acceptedId ? [...ids, poisonOutcome.acceptedId] : ids;
  const rows = allIds.length
    ? await postgres.sql<{ id: string; n: string }>(`SELECT id, count(*) AS n FROM feedback WHERE id = ANY($1::text[]) GROUP BY id`, [
        allIds,
      ])
    : [];
  const count = new Map(rows.map((r) => [r.id, Number(r.n)]));
  const sessions = [...new Set(outcomes.map((o) => o.body.session))];
  const dup = sessions.length
    ? await postgres.sql<{ extra: string | null }>(
        `SELECT sum(n - 1) AS extra FROM (SELECT count(*) AS n FROM feedback WHERE session_id = ANY($1::text[])
           GROUP BY session_id, response_id, kind HAVING count(*) > 1) d`,
        [sessions],
      )
    : [];
  let poison: FeedbackLedger['poison'];
  if (poisonOutcome) {
    if (poisonOutcome.acceptedId) poison = (count.get(poisonOutcome.acceptedId) ?? 0) > 0 ? 'accepted-and-stored' : 'accepted-not-stored';
    else poison = poisonOutcome.statuses.some((s) => s > 0) ? 'refused' : 'no-reply';
  }
  return {
    accepted: accepted.length,
    storedOnce: ids.filter((id) => count.get(id) === 1).length,
    missing: ids.filter((id) => !count.has(id)),
    duplicates: Number(dup[0]?.extra ?? 0) + ids.reduce((sum, id) => sum + Math.max(0, (count.get(id) ?? 0) - 1), 0),
    ...(poison && { poison }),
  };
}
