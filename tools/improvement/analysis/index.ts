/**
 * Feedback and quality analysis over the stored improvement data (runtime/src/storage/migrations.ts,
 * migration 3). Every function takes a `Queryable` and a period and aggregates in Postgres, so a
 * month of turns never crosses the wire. Run them in one read-only REPEATABLE READ transaction
 * when their results must agree with each other (tools/analytics does).
 */
export type { Period, TrendBucket } from './period';
export { MAX_DAILY_BUCKET_DAYS, assertPeriod, trendBucket } from './period';
export type { FeedbackStats } from './feedback-stats';
export { NEGATIVE_BELOW } from './feedback-stats';
export type { DimensionFeedback, FeedbackDimension } from './feedback-by-dimension';
export { FEEDBACK_DIMENSIONS, feedbackByDimension } from './feedback-by-dimension';
export type { VariantFeedback } from './feedback-by-variant';
export { feedbackByVariant } from './feedback-by-variant';
export type { Trend, TrendPoint } from './trends';
export { trends } from './trends';
export type { NegativeTheme, NegativeThemes } from './negative-themes';
export { negativeThemes } from './negative-themes';
export type { DimensionQuality, QualityDimension } from './quality-by-dimension';
export { qualityBy, qualityByIntent, qualityByPage } from './quality-by-dimension';
export type { VariantExposure } from './exposures-by-variant';
export { exposuresByVariant } from './exposures-by-variant';
export type { PeriodSummary } from './summary';
export { periodSummary } from './summary';
