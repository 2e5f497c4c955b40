import { BurnPolicy, DailyCounts, INCIDENT_STEP_SECONDS, Point, SloInfo } from './monitoring-source';

export interface SloResult {
  readonly slo: SloInfo;
  readonly good: number;
  readonly bad: number;
  /** good / (good + bad); undefined when there was no traffic. */
  readonly attainment?: number;
  /** Share of the period's error budget spent: bad / (total × (1 − goal)). Over 1 means overspent. */
  readonly budgetSpent?: number;
  readonly metTarget?: boolean;
  /** The contractual SLA covers this SLO (see `slaMatch`). */
  readonly underSla: boolean;
  /** Covered by the SLA and below it. */
  readonly slaBreached: boolean;
  readonly daily: DailyCounts[];
}

export interface Incident {
  readonly policy: string;
  readonly severity: string;
  readonly slo: string;
  readonly start: string;
  /** End of the incident, or the end of the period when still open then. */
  readonly end: string;
  readonly durationMinutes: number;
  readonly openAtEnd: boolean;
}

export interface SlaReport {
  readonly projectId: string;
  readonly from: string;
  readonly to: string;
  /** Contractual SLA in percent, e.g. 99.5. */
  readonly contractualSla: number;
  readonly slaMatch: string;
  readonly slos: SloResult[];
  readonly incidents: Incident[];
}

export function sloResult(slo: SloInfo, daily: DailyCounts[], contractualSla: number, slaMatch: string): SloResult {
  const good = daily.reduce((s, d) => s + d.good, 0);
  const bad = daily.reduce((s, d) => s + d.bad, 0);
  const total = good + bad;
  const attainment = total > 0 ? good / total : undefined;
  const budget = total * (1 - slo.goal);
  const underSla = slaMatch === '' || slo.name.includes(slaMatch) || slo.displayName.toLowerCase().includes(slaMatch.toLowerCase());
  return {
    slo,
    good,
    bad,
    attainment,
    budgetSpent: total > 0 && budget > 0 ? bad / budget : undefined,
    metTarget: attainment === undefined ? undefined : attainment >= slo.goal,
    underSla,
    slaBreached: underSla && attainment !== undefined && attainment * 100 < contractualSla,
    daily,
  };
}

/**
 * The incidents a burn-rate policy opened in the period, reconstructed from its own conditions on
 * the recorded series: the Monitoring v3 API lists policies but not their incidents. A step fires
 * when all conditions (combiner AND) or any (OR) exceed their threshold; consecutive firing steps
 * form one incident.
 */
export function incidentsOf(policy: BurnPolicy, seriesPerCondition: Point[][], to: Date): Incident[] {
  const times = [...new Set(seriesPerCondition.flatMap((s) => s.map((p) => p.time)))].sort((a, b) => a - b);
  const valueAt = seriesPerCondition.map((s) => new Map(s.map((p) => [p.time, p.value])));
  const firing = (t: number): boolean => {
    const verdicts = policy.conditions.map((c, i) => (valueAt[i].get(t) ?? 0) > c.threshold);
    return policy.combiner === 'OR' ? verdicts.some(Boolean) : verdicts.every(Boolean);
  };
  const incidents: Incident[] = [];
  let start: number | undefined;
  const close = (end: number, open: boolean): void => {
    incidents.push({
      policy: policy.displayName,
      severity: policy.severity,
      slo: policy.slo,
      start: iso(start!),
      end: iso(end),
      durationMinutes: Math.round((end - start!) / 60),
      openAtEnd: open,
    });
    start = undefined;
  };
  for (const t of times) {
    if (firing(t)) start ??= t;
    else if (start !== undefined) close(t, false);
  }
  if (start !== undefined) close(Math.max(Math.floor(to.getTime() / 1000), start + INCIDENT_STEP_SECONDS), true);
  return incidents;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
