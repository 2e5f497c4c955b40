import { Queryable } from '../../../runtime/src/storage/database';
import { Period, TrendBucket, assertPeriod, trendBucket } from './period';

/** One day or week of the period. Rates and means are null when there was nothing to average. */
export interface TrendPoint {
  /** First day of the bucket, `YYYY-MM-DD` (UTC; weeks start on Monday). */
  readonly start: string;
  /** Turns answered in the bucket. */
  readonly turns: number;
  /** Conversations started in the bucket. */
  readonly conversations: number;
  /** Mean quality score (0..1) of the conversations started in the bucket. */
  readonly meanQuality: number | null;
  readonly feedback: number;
  /** Mean normalized score (0..1) of the feedback received in the bucket. */
  readonly meanFeedbackScore: number | null;
  /** Share of the bucket's turns that matched no intent. */
  readonly noMatchRate: number | null;
  /** Share of the bucket's conversations handed to a human. */
  readonly escalationRate: number | null;
}

export interface Trend {
  readonly bucket: TrendBucket;
  /** Every bucket of the period, empty ones included, so a gap shows as a gap and not as a shorter line. */
  readonly points: TrendPoint[];
}

/**
 * Per-bucket volumes and rates. Each table is bucketed by its own time: turns by `created_at`,
 * conversations by `started_at` (a conversation belongs to the day it began), feedback by
 * `received_at`. Buckets are UTC days, or Monday-based weeks for periods longer than
 * MAX_DAILY_BUCKET_DAYS; the first bucket starts at the period's start truncated to its bucket.
 */
export async function trends(db: Queryable, period: Period, bucket: TrendBucket = trendBucket(period)): Promise<Trend> {
  assertPeriod(period);
  if (bucket !== 'day' && bucket !== 'week') throw new Error(`unknown trend bucket "${bucket}"`);
  const { rows } = await db.query<TrendPoint & Record<string, unknown>>(
    `WITH buckets AS (
       SELECT generate_series(
         date_trunc($3, $1::timestamptz AT TIME ZONE 'UTC'),
         ($2::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond',
         ('1 ' || $3)::interval) AS bucket
     ), t AS (
       SELECT date_trunc($3, created_at AT TIME ZONE 'UTC') AS bucket, count(*)::int AS turns, avg(no_match::int)::float8 AS no_match_rate
       FROM turn_events WHERE created_at >= $1 AND created_at < $2 GROUP BY 1
     ), c AS (
       SELECT date_trunc($3, started_at AT TIME ZONE 'UTC') AS bucket, count(*)::int AS conversations,
         avg(quality_score)::float8 AS mean_quality, avg(escalated::int)::float8 AS escalation_rate
       FROM conversations WHERE started_at >= $1 AND started_at < $2 GROUP BY 1
     ), f AS (
       SELECT date_trunc($3, received_at AT TIME ZONE 'UTC') AS bucket, count(*)::int AS feedback, avg(normalized_score)::float8 AS mean_score
       FROM feedback WHERE received_at >= $1 AND received_at < $2 GROUP BY 1
     )
     SELECT to_char(b.bucket, 'YYYY-MM-DD') AS "start",
       coalesce(t.turns, 0) AS "turns", coalesce(c.conversations, 0) AS "conversations", c.mean_quality AS "meanQuality",
       coalesce(f.feedback, 0) AS "feedback", f.mean_score AS "meanFeedbackScore",
       t.no_match_rate AS "noMatchRate", c.escalation_rate AS "escalationRate"
     FROM buckets b LEFT JOIN t USING (bucket) LEFT JOIN c USING (bucket) LEFT JOIN f USING (bucket)
     ORDER BY b.bucket`,
    [period.from, period.to, bucket],
  );
  return { bucket, points: rows };
}
