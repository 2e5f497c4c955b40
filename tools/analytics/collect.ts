import { Database } from '../../runtime/src/storage/database';
import { readOnlySnapshot } from '../improvement/read-only-snapshot';
import {
  DimensionFeedback,
  DimensionQuality,
  FeedbackDimension,
  NegativeThemes,
  Period,
  PeriodSummary,
  Trend,
  VariantExposure,
  VariantFeedback,
  assertPeriod,
  exposuresByVariant,
  feedbackByDimension,
  feedbackByVariant,
  negativeThemes,
  periodSummary,
  qualityByIntent,
  qualityByPage,
  trends,
} from '../improvement/analysis';

/** Everything the report shows, as read in one snapshot. */
export interface AnalyticsData {
  /** ISO 8601; `to` is exclusive. */
  readonly from: string;
  readonly to: string;
  readonly summary: PeriodSummary;
  readonly trend: Trend;
  readonly feedbackBy: Readonly<Record<FeedbackDimension, DimensionFeedback[]>>;
  readonly feedbackByVariant: VariantFeedback[];
  readonly negativeThemes: NegativeThemes;
  readonly qualityByIntent: DimensionQuality[];
  readonly qualityByPage: DimensionQuality[];
  readonly exposures: VariantExposure[];
}

/** Report queries scan a whole period: far longer than the webhook's 5 s per statement, still bounded. */
export const REPORT_STATEMENT_TIMEOUT = '5min';

/**
 * Run every analysis query in one read-only REPEATABLE READ transaction: all charts describe the
 * same snapshot (the webhook keeps writing while the report runs, and a total must match its
 * breakdown), and a report can never write.
 */
export async function collectAnalytics(database: Database, period: Period): Promise<AnalyticsData> {
  assertPeriod(period);
  return readOnlySnapshot(database, REPORT_STATEMENT_TIMEOUT, async (db) => {
    const data: AnalyticsData = {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      summary: await periodSummary(db, period),
      trend: await trends(db, period),
      feedbackBy: {
        intent: await feedbackByDimension(db, period, 'intent'),
        page: await feedbackByDimension(db, period, 'page'),
        tag: await feedbackByDimension(db, period, 'tag'),
        language: await feedbackByDimension(db, period, 'language'),
      },
      feedbackByVariant: await feedbackByVariant(db, period),
      negativeThemes: await negativeThemes(db, period),
      qualityByIntent: await qualityByIntent(db, period),
      qualityByPage: await qualityByPage(db, period),
      exposures: await exposuresByVariant(db, period),
    };
    return data;
  });
}
