/** How numbers read in the report's tables; missing values (nothing to average) show as a dash, never as 0. */
export const MISSING = '—';

export const count = (n: number): string => n.toLocaleString('en-US');
/** Scores on the 0..1 scale (quality, normalized feedback). */
export const score = (n: number | null): string => (n === null ? MISSING : n.toFixed(3));
export const percent = (n: number | null): string => (n === null ? MISSING : `${(n * 100).toFixed(1)}%`);
export const csat = (n: number | null): string => (n === null ? MISSING : n.toFixed(2));

/** Long comments are cut for the table; the whole text stays in the database. */
export function excerpt(text: string, max = 200): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** What a null intent, page or tag means in a label. */
export const label = (key: string | null, none: string): string => key ?? none;
