import type { ChartConfiguration } from 'chart.js';

/** One chart of the page: its canvas id and the Chart.js configuration, plain JSON (no callbacks) so it can be inlined as data. */
export interface ChartSpec {
  readonly id: string;
  /** Read out for the canvas (role="img"); the table beneath carries the numbers. */
  readonly ariaLabel: string;
  readonly config: ChartConfiguration;
}

/** At most this many bars per categorical chart; the tables list every row. */
export const MAX_BARS = 15;

export const COLORS = {
  quality: '#1a73e8',
  noMatch: '#e37400',
  escalation: '#c5221f',
  volume: 'rgba(95, 99, 104, 0.35)',
  feedback: '#188038',
  negative: '#a142f4',
} as const;

/** Options every chart shares: no animation, so a chart is fully drawn when its constructor returns. */
export const BASE_OPTIONS = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  plugins: { legend: { position: 'bottom' } },
} as const;

export const UNIT_AXIS = { min: 0, max: 1, beginAtZero: true } as const;
