import { BurnRates, TurnLogImpact } from './impact';
import { DiagnosticsCollector, DiagnosticsInput, DiagnosticsSnapshot, HttpClient } from './actions';
import { IncidentRules } from './rules';

/** A webhook service whose `/readyz` the snapshot reads: its breakers and degradations, as one instance sees them. */
export interface ReadinessTarget {
  readonly region: string;
  /** Base URL of the service (Cloud Run: its run.app URI). */
  readonly url: string;
}

export interface ReadinessReading {
  readonly region: string;
  readonly status: string;
  readonly degradations: string[];
  readonly error?: string;
}

const PROBE_TIMEOUT_MS = 3_000;

/**
 * The diagnostics snapshot every incident gets first: live readiness of each webhook service
 * (breaker states and other degradations from its own `/readyz`), the latency burn rates and
 * degraded share now (from the turn log), the values the alerts reported, and links to the logs
 * query for the window, Trace Explorer, the dashboard and the runbooks. Each source is optional and
 * a failing one is reported as such: a snapshot never fails.
 */
export class Diagnostics implements DiagnosticsCollector {
  constructor(
    private readonly options: {
      readonly rules: IncidentRules;
      readonly readiness?: { readonly targets: readonly ReadinessTarget[]; readonly http: HttpClient; readonly timeoutMs?: number };
      readonly turnLog?: TurnLogImpact;
    },
  ) {}

  async snapshot(input: DiagnosticsInput): Promise<DiagnosticsSnapshot> {
    const [readiness, burn] = await Promise.all([this.readiness(), this.burnRates(input.now)]);
    const links = this.links(input);
    const breakersAlerted = input.alerts
      .filter((a) => a.kind.endsWith('breaker-open') && a.state === 'open')
      .map((a) => `${a.kind}@${a.region ?? 'global'}`);
    const burnAlerted = input.alerts.filter((a) => a.kind.startsWith('slo-')).map((a) => `${a.kind}=${a.observedValue ?? '?'}`);
    const parts = [
      `readiness: ${readiness ? readiness.map(describeReading).join(', ') || 'no services' : 'not probed'}`,
      `burn now: ${describeBurn(burn)}`,
      `breakers alerted: ${breakersAlerted.join(', ') || 'none'}`,
      `burn rates alerted: ${burnAlerted.join(', ') || 'none'}`,
      ...Object.entries(links).map(([name, url]) => `${name} ${url}`),
    ];
    return {
      summary: parts.join(' | '),
      details: {
        readiness: readiness ?? null,
        burnRates: burn && 'error' in burn ? { error: burn.error } : (burn ?? null),
        breakersAlerted,
        burnAlerted,
        links,
      },
    };
  }

  private async readiness(): Promise<ReadinessReading[] | undefined> {
    const r = this.options.readiness;
    if (!r) return undefined;
    return Promise.all(
      r.targets.map(async ({ region, url }): Promise<ReadinessReading> => {
        try {
          const res = await r.http(`${url.replace(/\/+$/, '')}/readyz`, { signal: AbortSignal.timeout(r.timeoutMs ?? PROBE_TIMEOUT_MS) });
          const body = (await res.json().catch(() => ({}))) as { status?: string; degradations?: string[] };
          // 503 is an answer too (starting, draining): the body says which.
          if (typeof body.status !== 'string') return { region, status: 'unreadable', degradations: [], error: `HTTP ${res.status}` };
          return { region, status: body.status, degradations: body.degradations ?? [] };
        } catch (error) {
          return { region, status: 'unreachable', degradations: [], error: (error as Error).message };
        }
      }),
    );
  }

  private async burnRates(now: number): Promise<BurnRates | { error: string } | undefined> {
    if (!this.options.turnLog) return undefined;
    return this.options.turnLog.burnRates(new Date(now * 1000)).catch((error: Error) => ({ error: error.message }));
  }

  private links(input: DiagnosticsInput): Record<string, string> {
    const { project, dashboardUrl, runbookBaseUrl } = this.options.rules.links;
    const from = new Date(input.openedAt * 1000 - 15 * 60_000).toISOString();
    const to = new Date(input.now * 1000).toISOString();
    const query = encodeURIComponent(
      'severity>=WARNING jsonPayload.event=("webhook.turn" OR "nlp.breaker" OR "redis.breaker" OR "postgres.breaker" OR "runtime.flag")',
    );
    const kinds = [...new Set(input.alerts.map((a) => a.kind))].sort();
    return {
      logs: `https://console.cloud.google.com/logs/query;query=${query};timeRange=${from}%2F${to}?project=${project}`,
      traces: `https://console.cloud.google.com/traces/list?project=${project}&start=${Date.parse(from)}&end=${Date.parse(to)}`,
      ...(dashboardUrl && { dashboard: dashboardUrl }),
      runbooks: kinds.map((k) => `${runbookBaseUrl.replace(/\/+$/, '')}/${k}.md`).join(' '),
    };
  }
}

function describeReading(r: ReadinessReading): string {
  if (r.error) return `${r.region} ${r.status} (${r.error})`;
  return `${r.region} ${r.status}${r.degradations.length > 0 ? ` (${r.degradations.join(', ')})` : ''}`;
}

function describeBurn(burn: BurnRates | { error: string } | undefined): string {
  if (!burn) return 'unknown (no turn log)';
  if ('error' in burn) return `unknown (${burn.error})`;
  const label = (w: string) => (Number(w) >= 3600 ? `${Number(w) / 3600}h` : `${Number(w) / 60}m`);
  const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
  const latency = Object.entries(burn.latency).map(([w, x]) => `${label(w)} ${fmt(x)}`);
  const degraded = Object.entries(burn.degradedShare).map(([w, x]) => `${label(w)} ${x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`}`);
  const partial = burn.unreadShards?.length
    ? `partial, ${burn.unreadShards.map((s) => `shard ${s}`).join(', ')} unreadable (rates of the other shards): `
    : '';
  return `${partial}latency ${latency.join(' ')}; degraded ${degraded.join(' ')}`;
}
