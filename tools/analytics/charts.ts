import type { ChartConfiguration } from 'chart.js';
import { AnalyticsData } from './collect';
import { BASE_OPTIONS, COLORS, ChartSpec, MAX_BARS, UNIT_AXIS } from './chart-spec';
import { label } from './format';

/** A bar axis on the right for counts next to 0..1 lines on the left. */
const COUNT_AXIS = { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 } } as const;

// Lower `order` is drawn last: lines over the volume bars they share a chart with.
const line = (labelText: string, data: Array<number | null>, color: string) =>
  ({ type: 'line', label: labelText, data, yAxisID: 'y', borderColor: color, backgroundColor: color, pointRadius: 3, order: 1 }) as const;

/** Counts behind the rates, as grey bars on the right-hand axis. */
const volumeBars = (labelText: string, data: number[]) =>
  ({ type: 'bar', label: labelText, data, yAxisID: 'y1', backgroundColor: COLORS.volume, order: 2 }) as const;

function qualityTrend(d: AnalyticsData): ChartSpec {
  const p = d.trend.points;
  const config: ChartConfiguration<'bar' | 'line'> = {
    type: 'bar',
    data: {
      labels: p.map((x) => x.start),
      datasets: [
        line(
          'Mean conversation quality',
          p.map((x) => x.meanQuality),
          COLORS.quality,
        ),
        line(
          'No-match rate',
          p.map((x) => x.noMatchRate),
          COLORS.noMatch,
        ),
        line(
          'Escalation rate',
          p.map((x) => x.escalationRate),
          COLORS.escalation,
        ),
        volumeBars(
          'Conversations',
          p.map((x) => x.conversations),
        ),
      ],
    },
    options: { ...BASE_OPTIONS, scales: { y: UNIT_AXIS, y1: COUNT_AXIS } },
  };
  return { id: 'quality-trend', ariaLabel: `Quality, no-match and escalation rates per ${d.trend.bucket}`, config };
}

function feedbackTrend(d: AnalyticsData): ChartSpec {
  const p = d.trend.points;
  const config: ChartConfiguration<'bar' | 'line'> = {
    type: 'bar',
    data: {
      labels: p.map((x) => x.start),
      datasets: [
        line(
          'Mean feedback score (0-1)',
          p.map((x) => x.meanFeedbackScore),
          COLORS.feedback,
        ),
        volumeBars(
          'Feedback received',
          p.map((x) => x.feedback),
        ),
      ],
    },
    options: { ...BASE_OPTIONS, scales: { y: UNIT_AXIS, y1: COUNT_AXIS } },
  };
  return { id: 'feedback-trend', ariaLabel: `Feedback count and mean score per ${d.trend.bucket}`, config };
}

/** Horizontal bars: long intent and page names stay readable. */
function horizontalBars(
  labels: string[],
  datasets: ChartConfiguration<'bar'>['data']['datasets'],
  unit: boolean,
): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: { labels, datasets },
    options: { ...BASE_OPTIONS, indexAxis: 'y', scales: { x: unit ? UNIT_AXIS : { beginAtZero: true, ticks: { precision: 0 } } } },
  };
}

function feedbackByIntent(d: AnalyticsData): ChartSpec | undefined {
  const rows = d.feedbackBy.intent.slice(0, MAX_BARS); // already worst first
  if (rows.length === 0) return undefined;
  const config = horizontalBars(
    rows.map((r) => `${label(r.key, '(no intent)')} (n=${r.count})`),
    [{ label: 'Mean feedback score (0-1)', data: rows.map((r) => r.meanNormalizedScore), backgroundColor: COLORS.feedback }],
    true,
  );
  return { id: 'feedback-by-intent', ariaLabel: 'Mean feedback score per intent, worst first', config };
}

function negativeThemes(d: AnalyticsData): ChartSpec | undefined {
  const rows = d.negativeThemes.themes.slice(0, MAX_BARS);
  if (rows.length === 0) return undefined;
  const config = horizontalBars(
    rows.map((r) => r.entity),
    [{ label: 'Negative comments mentioning it', data: rows.map((r) => r.comments), backgroundColor: COLORS.negative }],
    false,
  );
  return { id: 'negative-themes', ariaLabel: 'Most frequent themes in negative comments', config };
}

function qualityByPage(d: AnalyticsData): ChartSpec | undefined {
  const rows = d.qualityByPage.slice(0, MAX_BARS); // busiest first
  if (rows.length === 0) return undefined;
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: rows.map((r) => label(r.key, '(no page)')),
      datasets: [
        { label: 'Mean conversation quality', data: rows.map((r) => r.meanConversationQuality), backgroundColor: COLORS.quality },
        { label: 'Mean turn quality', data: rows.map((r) => r.meanTurnQuality), backgroundColor: COLORS.feedback },
        { label: 'No-match share', data: rows.map((r) => r.noMatchShare), backgroundColor: COLORS.noMatch },
      ],
    },
    options: { ...BASE_OPTIONS, scales: { y: UNIT_AXIS } },
  };
  return { id: 'quality-by-page', ariaLabel: 'Quality and no-match share per page, busiest first', config };
}

function experimentVariants(d: AnalyticsData): ChartSpec | undefined {
  const rows = d.exposures;
  if (rows.length === 0) return undefined;
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: rows.map((r) => `${r.experiment}: ${r.variant}`),
      datasets: [
        { label: 'Mean conversation quality', data: rows.map((r) => r.meanQuality), yAxisID: 'y', backgroundColor: COLORS.quality },
        volumeBars(
          'Exposed sessions',
          rows.map((r) => r.exposures),
        ),
      ],
    },
    options: { ...BASE_OPTIONS, scales: { y: UNIT_AXIS, y1: COUNT_AXIS } },
  };
  return { id: 'experiment-variants', ariaLabel: 'Exposures and mean quality per experiment variant', config };
}

/** The page's charts, keyed by section id; a categorical chart with no rows is left out (its section says so). */
export function chartSpecs(d: AnalyticsData): Map<string, ChartSpec> {
  const specs = [qualityTrend(d), feedbackTrend(d), feedbackByIntent(d), negativeThemes(d), qualityByPage(d), experimentVariants(d)];
  return new Map(specs.filter((s): s is ChartSpec => s !== undefined).map((s) => [s.id, s]));
}
