/**
 * Typed builders for Cloud Monitoring dashboard JSON (the `Dashboard` message of the Monitoring
 * Dashboards API v1), so dashboards are composed from checked pieces instead of pasted blobs.
 * Internal to the library: SloAlerting uses them; they are not part of the jsii API.
 */

/** How one time series is aligned and reduced (Dashboards API `Aggregation`). */
export interface Aggregation {
  readonly alignmentPeriod: string;
  readonly perSeriesAligner: string;
  readonly crossSeriesReducer?: string;
  readonly groupByFields?: string[];
}

/** A query: a filter with aggregation, or a ratio of two. */
export interface TimeSeriesQuery {
  readonly timeSeriesFilter?: { readonly filter: string; readonly aggregation?: Aggregation };
  readonly timeSeriesFilterRatio?: {
    readonly numerator: { readonly filter: string; readonly aggregation: Aggregation };
    readonly denominator: { readonly filter: string; readonly aggregation: Aggregation };
  };
}

export type PlotType = 'LINE' | 'STACKED_AREA' | 'STACKED_BAR';

export interface Widget {
  readonly title: string;
  readonly xyChart?: {
    readonly dataSets: Array<{ readonly timeSeriesQuery: TimeSeriesQuery; readonly plotType: PlotType; readonly legendTemplate?: string }>;
    readonly yAxis?: { readonly label: string; readonly scale: 'LINEAR' };
    readonly thresholds?: Array<{ readonly value: number; readonly label?: string }>;
  };
  readonly scorecard?: {
    readonly timeSeriesQuery: TimeSeriesQuery;
    readonly thresholds?: Array<{ readonly value: number; readonly color: 'RED' | 'YELLOW'; readonly direction: 'ABOVE' | 'BELOW' }>;
  };
  readonly text?: { readonly content: string; readonly format: 'MARKDOWN' };
  readonly sectionHeader?: { readonly subtitle: string; readonly dividerBelow: boolean };
}

/** Sum of a rate per group, per minute. */
export function rate(filter: string, groupByFields: string[] = []): TimeSeriesQuery {
  return {
    timeSeriesFilter: {
      filter,
      aggregation: { alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_RATE', crossSeriesReducer: 'REDUCE_SUM', groupByFields },
    },
  };
}

/** A percentile of a distribution metric, per group. */
export function percentile(filter: string, p: 50 | 95 | 99, groupByFields: string[] = []): TimeSeriesQuery {
  return {
    timeSeriesFilter: {
      filter,
      aggregation: { alignmentPeriod: '60s', perSeriesAligner: `ALIGN_PERCENTILE_${p}`, crossSeriesReducer: 'REDUCE_MAX', groupByFields },
    },
  };
}

/** Mean of a gauge per group. */
export function gauge(filter: string, reducer: string, groupByFields: string[] = []): TimeSeriesQuery {
  return {
    timeSeriesFilter: {
      filter,
      aggregation: { alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_MEAN', crossSeriesReducer: reducer, groupByFields },
    },
  };
}

/**
 * The mean of a distribution metric per group, weighted by sample count: each series' delta
 * distribution over `alignmentPeriod`, reduced with REDUCE_MEAN (valid on distributions; the mean of
 * all their values). ALIGN_MEAN + REDUCE_MEAN would average per-series means instead, so a revision
 * or region with three samples would weigh as much as one with three thousand.
 */
export function distributionMean(filter: string, groupByFields: string[] = [], alignmentPeriod = '300s'): TimeSeriesQuery {
  return {
    timeSeriesFilter: {
      filter,
      aggregation: { alignmentPeriod, perSeriesAligner: 'ALIGN_DELTA', crossSeriesReducer: 'REDUCE_MEAN', groupByFields },
    },
  };
}

/** numerator / denominator, both as summed rates per group. */
export function ratio(numerator: string, denominator: string, groupByFields: string[] = []): TimeSeriesQuery {
  const aggregation: Aggregation = {
    alignmentPeriod: '300s',
    perSeriesAligner: 'ALIGN_RATE',
    crossSeriesReducer: 'REDUCE_SUM',
    groupByFields,
  };
  return { timeSeriesFilterRatio: { numerator: { filter: numerator, aggregation }, denominator: { filter: denominator, aggregation } } };
}

/** An SLO time series selector (`select_slo_compliance`, `select_slo_budget_fraction`, ...). */
export function sloSeries(selector: string, sloName: string): TimeSeriesQuery {
  return { timeSeriesFilter: { filter: `${selector}("${sloName}")` } };
}

export function lineChart(title: string, queries: TimeSeriesQuery[], yLabel: string, threshold?: number): Widget {
  return {
    title,
    xyChart: {
      dataSets: queries.map((q) => ({ timeSeriesQuery: q, plotType: 'LINE' })),
      yAxis: { label: yLabel, scale: 'LINEAR' },
      thresholds: threshold === undefined ? undefined : [{ value: threshold }],
    },
  };
}

/** One query stacked by its groups (e.g. exposures per variant), each series named by `legendTemplate`. */
export function stackedArea(title: string, query: TimeSeriesQuery, yLabel: string, legendTemplate: string): Widget {
  return {
    title,
    xyChart: {
      dataSets: [{ timeSeriesQuery: query, plotType: 'STACKED_AREA', legendTemplate }],
      yAxis: { label: yLabel, scale: 'LINEAR' },
    },
  };
}

/** A single number; turns red below `redBelow` (e.g. SLO attainment under target). */
export function scorecard(title: string, query: TimeSeriesQuery, redBelow?: number): Widget {
  return {
    title,
    scorecard: {
      timeSeriesQuery: query,
      thresholds: redBelow === undefined ? undefined : [{ value: redBelow, color: 'RED', direction: 'BELOW' }],
    },
  };
}

export function section(title: string, subtitle: string): Widget {
  return { title, sectionHeader: { subtitle, dividerBelow: true } };
}

export function markdown(title: string, content: string): Widget {
  return { title, text: { content, format: 'MARKDOWN' } };
}

/** The dashboard grid is 48 columns wide; section headers span it, other widgets take `width`. */
const GRID_COLUMNS = 48;

/**
 * A mosaic-layout dashboard: widgets flow left to right in rows of `GRID_COLUMNS`, each section
 * header starting a new row.
 */
export function mosaicDashboard(displayName: string, widgets: Widget[], width = 16, height = 8): Record<string, unknown> {
  const tiles: Array<Record<string, unknown>> = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const widget of widgets) {
    const header = widget.sectionHeader !== undefined;
    const w = header ? GRID_COLUMNS : width;
    const h = header ? 2 : height;
    if (header || x + w > GRID_COLUMNS) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    tiles.push({ xPos: x, yPos: y, width: w, height: h, widget });
    x += w;
    rowHeight = Math.max(rowHeight, h);
    if (header) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
  }
  return { displayName, mosaicLayout: { columns: GRID_COLUMNS, tiles } };
}
