/**
 * The compliance period of an SLO. Enum-like class: jsii has no unions.
 *
 * Cloud Monitoring accepts rolling periods of 1 to 30 whole days (and calendar periods, which the
 * burn-rate arithmetic below does not fit: their budget resets mid-alert). 28 days keeps weekday
 * mix constant; 30 days matches monthly contracts.
 */
export class SloWindow {
  /** A rolling 28-day period. */
  public static readonly ROLLING_28_DAYS = new SloWindow(28);
  /** A rolling 30-day period, the SRE Workbook's reference window. */
  public static readonly ROLLING_30_DAYS = new SloWindow(30);

  /**
   * A rolling period of `days` whole days (Cloud Monitoring accepts 1..30; SloAlerting needs at
   * least 4, so the ticket alert's 3-day window fits inside it).
   */
  public static rollingDays(days: number): SloWindow {
    return new SloWindow(days);
  }

  private constructor(
    /** Length of the rolling period in days. */
    public readonly days: number,
  ) {}
}

/** Cloud Monitoring's limits on rolling SLO periods, in days. */
export const MAX_ROLLING_DAYS = 30;
/** The longest burn-rate window is 3 days: the SLO period must be longer. */
export const MIN_ROLLING_DAYS = 4;

/** Whether a burn-rate alert wakes someone (page) or opens a ticket. */
export enum AlertSeverity {
  /** Urgent: users are hurt now; notify the on-call pager. */
  PAGE = 'page',
  /** Needs attention within working hours. */
  TICKET = 'ticket',
}

/** One multi-window burn-rate alert, derived from the SLO's objective and period. */
export interface BurnRateAlertSpec {
  /** Page or ticket. */
  readonly severity: AlertSeverity;
  /** Share of the whole period's error budget that, spent within the long window, fires the alert (0.02 = 2%). */
  readonly budgetConsumed: number;
  /** The long window, in seconds: the budget share is measured over it. */
  readonly longWindowSeconds: number;
  /** The short window, in seconds (1/12 of the long one): it makes the alert reset soon after recovery. */
  readonly shortWindowSeconds: number;
  /** Burn rate threshold: how many times faster than "exactly spend the budget over the period". */
  readonly burnRate: number;
  /** The error rate (bad/total) that burn rate means for this objective: burnRate × (1 − objective). */
  readonly errorRateThreshold: number;
  /** Hours until the whole budget is gone if the burn continues at the threshold. */
  readonly hoursToExhaustion: number;
}

const HOUR = 3600;

/**
 * The SRE Workbook's multi-window, multi-burn-rate alerts (chapter 5, "Alerting on SLOs"): spend
 * 2% of the budget in 1 h or 5% in 6 h pages; 10% in 3 days opens a ticket. Each long window pairs
 * with a short window of 1/12 its length. For a 30-day period this gives the Workbook's 14.4, 6 and 1.
 *
 * burn rate = budget share × period / long window; error rate = burn rate × (1 − objective).
 *
 * @param objective the SLO goal as a fraction, e.g. 0.999
 * @param periodDays the rolling compliance period in days
 */
export function burnRateAlerts(objective: number, periodDays: number): BurnRateAlertSpec[] {
  return BurnRate.alerts(objective, periodDays);
}

/** The burn-rate arithmetic, for users who build their own policies or check ours. */
export class BurnRate {
  /**
   * The SRE Workbook's three multi-window alerts for an objective and period.
   * @param objective the SLO goal as a fraction, e.g. 0.999
   * @param periodDays the rolling compliance period in days
   */
  public static alerts(objective: number, periodDays: number): BurnRateAlertSpec[] {
    const periodSeconds = periodDays * 24 * HOUR;
    const tiers: Array<[AlertSeverity, number, number]> = [
      [AlertSeverity.PAGE, 0.02, 1 * HOUR],
      [AlertSeverity.PAGE, 0.05, 6 * HOUR],
      [AlertSeverity.TICKET, 0.1, 72 * HOUR],
    ];
    return tiers.map(([severity, budgetConsumed, longWindowSeconds]) => {
      const burnRate = round((budgetConsumed * periodSeconds) / longWindowSeconds);
      return {
        severity,
        budgetConsumed,
        longWindowSeconds,
        shortWindowSeconds: longWindowSeconds / 12,
        burnRate,
        errorRateThreshold: round(burnRate * (1 - objective)),
        hoursToExhaustion: round(periodSeconds / burnRate / HOUR),
      };
    });
  }

  private constructor() {}
}

/** Ten significant digits: enough for thresholds, and no 14.399999999999999 in the JSON. */
function round(x: number): number {
  return Number(x.toPrecision(10));
}

/** "1h", "30m", "3d": how windows are named in display names and docs. */
export function humanDuration(seconds: number): string {
  if (seconds % (24 * HOUR) === 0) return `${seconds / (24 * HOUR)}d`;
  if (seconds % HOUR === 0) return `${seconds / HOUR}h`;
  return `${seconds / 60}m`;
}
