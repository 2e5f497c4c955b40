import { Period } from '../analysis/period';

/** How a period's counts become monthly figures. The period is the reports' shared `[from, to)`. */
export { Period };

/** Days in an average Gregorian month (365.25 / 12): Reach is stated per month of this length. */
export const MONTH_DAYS = 365.25 / 12;

const DAY_MS = 86_400_000;

export function periodDays(p: Period): number {
  return (p.to.getTime() - p.from.getTime()) / DAY_MS;
}

/**
 * Extrapolate a count observed over the period to a month, assuming traffic stays at the
 * period's rate: `count × MONTH_DAYS / days`. A 30-day period scales by 1.0146, a week by 4.35.
 */
export function perMonth(count: number, p: Period): number {
  return (count * MONTH_DAYS) / periodDays(p);
}
