import * as monitoring from '@google-cloud/monitoring';

/** The Monitoring clients' options, typed from the package itself (it may carry its own google-gax copy). */
export type ClientOptions = NonNullable<ConstructorParameters<typeof monitoring.v3.MetricServiceClient>[0]>;

/** One SLO as the report needs it. */
export interface SloInfo {
  /** `projects/<p>/services/<s>/serviceLevelObjectives/<o>` */
  readonly name: string;
  readonly displayName: string;
  readonly service: string;
  /** 0..1 */
  readonly goal: number;
}

/** Good and bad request counts of an SLO for one day. */
export interface DailyCounts {
  /** Start of the day, ISO 8601. */
  readonly day: string;
  readonly good: number;
  readonly bad: number;
}

/** A burn-rate alert policy: its conditions, each a `select_slo_burn_rate` filter and threshold. */
export interface BurnPolicy {
  readonly name: string;
  readonly displayName: string;
  readonly severity: string;
  readonly slo: string;
  readonly combiner: string;
  readonly conditions: ReadonlyArray<{ readonly filter: string; readonly threshold: number }>;
}

export interface Point {
  readonly time: number;
  readonly value: number;
}

const DAY_SECONDS = 86400;
/** The resolution incidents are reconstructed at: Cloud Monitoring evaluates policies about every minute; 5 min keeps reads small. */
export const INCIDENT_STEP_SECONDS = 300;

const BURN_FILTER = /^select_slo_burn_rate\("([^"]+)",\s*"(\d+)s"\)$/;

/**
 * Reads what the SLA report needs from Cloud Monitoring through the real client library (gRPC).
 * `clientOptions` reach every client: a real deployment passes none (Application Default
 * Credentials); tests pass `{ apiEndpoint, port, sslCreds }` of a local fake server.
 */
export class MonitoringSource {
  private readonly services: monitoring.v3.ServiceMonitoringServiceClient;
  private readonly metrics: monitoring.v3.MetricServiceClient;
  private readonly alerts: monitoring.v3.AlertPolicyServiceClient;

  constructor(
    private readonly projectId: string,
    clientOptions: ClientOptions = {},
  ) {
    this.services = new monitoring.v3.ServiceMonitoringServiceClient(clientOptions);
    this.metrics = new monitoring.v3.MetricServiceClient(clientOptions);
    this.alerts = new monitoring.v3.AlertPolicyServiceClient(clientOptions);
  }

  /** Every request-based SLO of every service in the project. */
  public async slos(): Promise<SloInfo[]> {
    const [services] = await this.services.listServices({ parent: `projects/${this.projectId}` }, { autoPaginate: true });
    const out: SloInfo[] = [];
    for (const service of services) {
      const [slos] = await this.services.listServiceLevelObjectives({ parent: service.name! }, { autoPaginate: true });
      for (const slo of slos) {
        out.push({
          name: slo.name!,
          displayName: slo.displayName ?? slo.name!,
          service: service.displayName ?? service.name!,
          goal: slo.goal ?? 0,
        });
      }
    }
    return out;
  }

  /**
   * Good and bad counts per day (`select_slo_counts`, summed per day) between `from` and `to`. The
   * series are told apart by `metric.labels.event_type` ("good" / "bad").
   */
  public async dailyCounts(slo: string, from: Date, to: Date): Promise<DailyCounts[]> {
    const [series] = await this.metrics.listTimeSeries(
      {
        name: `projects/${this.projectId}`,
        filter: `select_slo_counts("${slo}")`,
        interval: { startTime: timestamp(from), endTime: timestamp(to) },
        aggregation: { alignmentPeriod: { seconds: DAY_SECONDS }, perSeriesAligner: 'ALIGN_SUM' },
        view: 'FULL',
      },
      { autoPaginate: true },
    );
    const byDay = new Map<number, { good: number; bad: number }>();
    for (const ts of series) {
      const kind = ts.metric?.labels?.event_type;
      if (kind !== 'good' && kind !== 'bad') continue;
      for (const p of ts.points ?? []) {
        const start = seconds(p.interval?.startTime ?? p.interval?.endTime);
        const day = Math.floor(start / DAY_SECONDS) * DAY_SECONDS;
        const entry = byDay.get(day) ?? { good: 0, bad: 0 };
        entry[kind] += numberOf(p.value);
        byDay.set(day, entry);
      }
    }
    return [...byDay.entries()].sort(([a], [b]) => a - b).map(([day, c]) => ({ day: new Date(day * 1000).toISOString(), ...c }));
  }

  /** Alert policies whose conditions are all SLO burn-rate thresholds (what SloAlerting creates). */
  public async burnPolicies(): Promise<BurnPolicy[]> {
    const [policies] = await this.alerts.listAlertPolicies({ name: `projects/${this.projectId}` }, { autoPaginate: true });
    const out: BurnPolicy[] = [];
    for (const p of policies) {
      const conditions = (p.conditions ?? []).map((c) => ({
        filter: c.conditionThreshold?.filter ?? '',
        threshold: c.conditionThreshold?.thresholdValue ?? 0,
      }));
      const slos = conditions.map((c) => BURN_FILTER.exec(c.filter)?.[1]);
      if (conditions.length === 0 || slos.some((s) => !s) || new Set(slos).size !== 1) continue;
      out.push({
        name: p.name!,
        displayName: p.displayName ?? p.name!,
        severity: p.userLabels?.severity ?? String(p.severity ?? ''),
        slo: slos[0]!,
        combiner: String(p.combiner ?? 'AND'),
        conditions,
      });
    }
    return out;
  }

  /** A burn-rate series (`select_slo_burn_rate(slo, window)`) at the incident step. */
  public async series(filter: string, from: Date, to: Date): Promise<Point[]> {
    const [series] = await this.metrics.listTimeSeries(
      {
        name: `projects/${this.projectId}`,
        filter,
        interval: { startTime: timestamp(from), endTime: timestamp(to) },
        aggregation: { alignmentPeriod: { seconds: INCIDENT_STEP_SECONDS }, perSeriesAligner: 'ALIGN_MEAN' },
        view: 'FULL',
      },
      { autoPaginate: true },
    );
    return series
      .flatMap((ts) => (ts.points ?? []).map((p) => ({ time: seconds(p.interval?.endTime), value: numberOf(p.value) })))
      .sort((a, b) => a.time - b.time);
  }

  public async close(): Promise<void> {
    await Promise.all([this.services.close(), this.metrics.close(), this.alerts.close()]);
  }
}

function timestamp(d: Date): { seconds: number; nanos: number } {
  return { seconds: Math.floor(d.getTime() / 1000), nanos: 0 };
}

function seconds(t: { seconds?: number | string | Long | null } | null | undefined): number {
  return Number(t?.seconds ?? 0);
}

interface Long {
  toString(): string;
}

function numberOf(v: { doubleValue?: number | null; int64Value?: number | string | Long | null } | null | undefined): number {
  if (!v) return 0;
  if (v.doubleValue !== undefined && v.doubleValue !== null) return Number(v.doubleValue);
  return Number(v.int64Value ?? 0);
}
