import { Queryable } from '../../../runtime/src/storage/database';
import { Period } from './period';

/** The period's traffic as a whole: the baseline every candidate is compared and scaled to. */
export interface Traffic {
  /** Conversations that started in the period. */
  readonly conversations: number;
  /** Their mean quality score (0..1); undefined without conversations. */
  readonly meanQuality: number | undefined;
  /** Distinct sessions that gave explicit feedback in the period. */
  readonly feedbackSessions: number;
}

export async function readTraffic(db: Queryable, p: Period): Promise<Traffic> {
  const conv = await db.query<{ conversations: number; mean_quality: number | null }>(
    `SELECT count(*)::int AS conversations, avg(quality_score)::float8 AS mean_quality
       FROM conversations WHERE started_at >= $1 AND started_at < $2`,
    [p.from, p.to],
  );
  const fb = await db.query<{ sessions: number }>(
    `SELECT count(DISTINCT session_id)::int AS sessions FROM feedback WHERE received_at >= $1 AND received_at < $2`,
    [p.from, p.to],
  );
  return {
    conversations: conv.rows[0].conversations,
    meanQuality: conv.rows[0].mean_quality ?? undefined,
    feedbackSessions: fb.rows[0].sessions,
  };
}

/** What quality is measured against: the platform's own mean for the period, or a stated target. */
export interface Reference {
  readonly kind: 'platform-mean' | 'target';
  readonly quality: number;
}

export function referenceOf(traffic: Traffic, target: number | undefined): Reference | undefined {
  if (target !== undefined) return { kind: 'target', quality: target };
  return traffic.meanQuality === undefined ? undefined : { kind: 'platform-mean', quality: traffic.meanQuality };
}

export function referenceText(r: Reference): string {
  return r.kind === 'target' ? `${r.quality.toFixed(2)} target` : `${r.quality.toFixed(2)} platform mean`;
}
