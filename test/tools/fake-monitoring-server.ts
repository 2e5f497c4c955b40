/**
 * A local Cloud Monitoring v3 server speaking the real gRPC protocol, built from the protos shipped
 * in `@google-cloud/monitoring`, for testing the SLA report with the real client library. It serves
 * the four RPCs the report uses from an in-memory project and records every request.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface FakeSlo {
  readonly id: string;
  readonly displayName: string;
  readonly goal: number;
  /** Good/bad counts per day (UTC midnight, seconds). */
  readonly daily: ReadonlyArray<{ readonly day: number; readonly good: number; readonly bad: number }>;
  /** `select_slo_burn_rate` series per lookback window in seconds: [end time (s), value]. */
  readonly burn: { readonly [windowSeconds: number]: ReadonlyArray<readonly [number, number]> };
}

export interface FakeService {
  readonly id: string;
  readonly displayName: string;
  readonly slos: FakeSlo[];
}

export interface FakePolicy {
  readonly id: string;
  readonly displayName: string;
  readonly severity: string;
  readonly combiner: 'AND' | 'OR';
  readonly conditions: ReadonlyArray<{ readonly filter: string; readonly threshold: number }>;
}

export interface FakeProject {
  readonly projectId: string;
  readonly services: FakeService[];
  readonly policies: FakePolicy[];
}

export interface RecordedCall {
  readonly method: string;
  readonly request: Record<string, any>;
}

const PROTOS = path.dirname(require.resolve('@google-cloud/monitoring/build/protos/google/monitoring/v3/service_service.proto'));
const MONITORING_ROOT = path.resolve(PROTOS, '..', '..', '..');
// google-gax's main is build/src/index.js; its protos (google/api, google/protobuf, ...) sit in build/protos.
const GAX_ROOT = path.resolve(path.dirname(require.resolve('google-gax')), '..', 'protos');

const sloName = (projectId: string, service: string, slo: string): string =>
  `projects/${projectId}/services/${service}/serviceLevelObjectives/${slo}`;
const ts = (seconds: number): { seconds: string; nanos: number } => ({ seconds: String(seconds), nanos: 0 });

export class FakeMonitoringServer {
  public readonly calls: RecordedCall[] = [];
  private readonly server = new grpc.Server();
  private port = 0;

  constructor(private readonly project: FakeProject) {
    const definition = protoLoader.loadSync(
      [
        'google/monitoring/v3/service_service.proto',
        'google/monitoring/v3/metric_service.proto',
        'google/monitoring/v3/alert_service.proto',
      ],
      { includeDirs: [MONITORING_ROOT, GAX_ROOT], longs: String, enums: String, defaults: true, oneofs: true, keepCase: false },
    );
    const v3 = (grpc.loadPackageDefinition(definition) as any).google.monitoring.v3;
    this.server.addService(v3.ServiceMonitoringService.service, {
      listServices: this.unary('ListServices', (req) => this.listServices(req)),
      listServiceLevelObjectives: this.unary('ListServiceLevelObjectives', (req) => this.listSlos(req)),
    });
    this.server.addService(v3.MetricService.service, {
      listTimeSeries: this.unary('ListTimeSeries', (req) => this.listTimeSeries(req)),
    });
    this.server.addService(v3.AlertPolicyService.service, {
      listAlertPolicies: this.unary('ListAlertPolicies', (req) => this.listPolicies(req)),
    });
  }

  public async start(): Promise<number> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    return this.port;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private unary(method: string, handler: (request: Record<string, any>) => unknown): grpc.handleUnaryCall<any, any> {
    return (call, callback) => {
      this.calls.push({ method, request: call.request });
      try {
        callback(null, handler(call.request));
      } catch (e) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: (e as Error).message } as grpc.ServiceError);
      }
    };
  }

  private checkProject(name: string): void {
    if (!name.startsWith(`projects/${this.project.projectId}`)) throw new Error(`unknown project in "${name}"`);
  }

  private listServices(req: Record<string, any>): unknown {
    this.checkProject(req.parent);
    return {
      services: this.project.services.map((s) => ({
        name: `projects/${this.project.projectId}/services/${s.id}`,
        displayName: s.displayName,
        custom: {},
      })),
      nextPageToken: '',
    };
  }

  private listSlos(req: Record<string, any>): unknown {
    this.checkProject(req.parent);
    const service = this.project.services.find((s) => req.parent.endsWith(`/services/${s.id}`));
    if (!service) throw new Error(`no service ${req.parent}`);
    return {
      serviceLevelObjectives: service.slos.map((o) => ({
        name: sloName(this.project.projectId, service.id, o.id),
        displayName: o.displayName,
        goal: o.goal,
        rollingPeriod: { seconds: String(30 * 86400) },
      })),
      nextPageToken: '',
    };
  }

  private findSlo(name: string): FakeSlo {
    for (const s of this.project.services) for (const o of s.slos) if (sloName(this.project.projectId, s.id, o.id) === name) return o;
    throw new Error(`no SLO ${name}`);
  }

  /** The two SLO selectors the report uses; anything else is an error, as the real API's parser would reject garbage. */
  private listTimeSeries(req: Record<string, any>): unknown {
    this.checkProject(req.name);
    const start = Number(req.interval?.startTime?.seconds ?? 0);
    const end = Number(req.interval?.endTime?.seconds ?? 0);
    if (!(end > start)) throw new Error('interval.endTime must be after startTime');
    const counts = /^select_slo_counts\("([^"]+)"\)$/.exec(req.filter);
    if (counts) {
      const slo = this.findSlo(counts[1]);
      const days = slo.daily.filter((d) => d.day >= start && d.day < end);
      const series = (kind: 'good' | 'bad'): unknown => ({
        metric: { type: 'select_slo_counts', labels: { event_type: kind } },
        metricKind: 'DELTA',
        valueType: 'INT64',
        points: days.map((d) => ({
          interval: { startTime: ts(d.day), endTime: ts(d.day + 86400) },
          value: { int64Value: String(d[kind]) },
        })),
      });
      return { timeSeries: [series('good'), series('bad')], nextPageToken: '' };
    }
    const burn = /^select_slo_burn_rate\("([^"]+)",\s*"(\d+)s"\)$/.exec(req.filter);
    if (burn) {
      const points = (this.findSlo(burn[1]).burn[Number(burn[2])] ?? []).filter(([t]) => t >= start && t < end);
      return {
        timeSeries: [
          {
            metric: { type: 'select_slo_burn_rate' },
            metricKind: 'GAUGE',
            valueType: 'DOUBLE',
            // The API returns newest first.
            points: [...points].reverse().map(([t, v]) => ({ interval: { startTime: ts(t), endTime: ts(t) }, value: { doubleValue: v } })),
          },
        ],
        nextPageToken: '',
      };
    }
    throw new Error(`unsupported filter ${req.filter}`);
  }

  private listPolicies(req: Record<string, any>): unknown {
    this.checkProject(req.name);
    return {
      alertPolicies: this.project.policies.map((p) => ({
        name: `projects/${this.project.projectId}/alertPolicies/${p.id}`,
        displayName: p.displayName,
        combiner: p.combiner,
        severity: p.severity === 'page' ? 'CRITICAL' : 'WARNING',
        userLabels: { severity: p.severity },
        conditions: p.conditions.map((c, i) => ({
          name: `projects/${this.project.projectId}/alertPolicies/${p.id}/conditions/${i}`,
          displayName: `condition ${i}`,
          conditionThreshold: { filter: c.filter, comparison: 'COMPARISON_GT', thresholdValue: c.threshold, duration: { seconds: '0' } },
        })),
      })),
      nextPageToken: '',
      totalSize: this.project.policies.length,
    };
  }
}
