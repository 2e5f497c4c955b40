/** Number formatting shared by the verdict sentences and the Markdown report. */

const sign = (x: number): string => (x > 0 ? '+' : x < 0 ? '−' : '±');

/** A metric value: proportions as percentages, means with three decimals. */
export function formatValue(kind: 'proportion' | 'mean', value: number | null): string {
  if (value === null) return 'n/a';
  return kind === 'proportion' ? `${(value * 100).toFixed(1)}%` : value.toFixed(3);
}

/** A difference: percentage points for proportions. */
export function formatDifference(kind: 'proportion' | 'mean', value: number | null): string {
  if (value === null) return 'n/a';
  const magnitude = Math.abs(value);
  return kind === 'proportion' ? `${sign(value)}${(magnitude * 100).toFixed(2)} pp` : `${sign(value)}${magnitude.toFixed(3)}`;
}

export function formatRelative(value: number | null): string {
  if (value === null) return 'n/a';
  return `${sign(value)}${(Math.abs(value) * 100).toFixed(1)}%`;
}

/** Two significant digits; below 0.0001 the exact value means nothing more. */
export function formatP(p: number | null): string {
  if (p === null) return 'n/a';
  return p < 0.0001 ? '<0.0001' : String(Number(p.toPrecision(2)));
}

export function formatInterval(kind: 'proportion' | 'mean', ci: readonly [number, number] | null): string {
  if (ci === null) return 'n/a';
  return `[${formatDifference(kind, ci[0])}, ${formatDifference(kind, ci[1])}]`;
}

export function formatPercent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}
