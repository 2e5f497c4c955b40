/** A reporting period: `from` inclusive, `to` exclusive (so consecutive periods never count a row twice). */
export interface Period {
  readonly from: Date;
  readonly to: Date;
}

/** Trend granularity: a day, or a week (starting Monday, UTC) once days would be too many to read. */
export type TrendBucket = 'day' | 'week';

/** Periods longer than this are trended per week: ~90 daily points is about what a chart can show legibly. */
export const MAX_DAILY_BUCKET_DAYS = 92;

const DAY_MS = 86_400_000;

/** Throws unless both ends are valid dates and `to` is after `from`. */
export function assertPeriod(period: Period): void {
  const { from, to } = period;
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new Error('period: from and to must be valid dates');
  if (to.getTime() <= from.getTime()) throw new Error(`period: to (${to.toISOString()}) must be after from (${from.toISOString()})`);
}

export function trendBucket(period: Period): TrendBucket {
  return period.to.getTime() - period.from.getTime() > MAX_DAILY_BUCKET_DAYS * DAY_MS ? 'week' : 'day';
}
