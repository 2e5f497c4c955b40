import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { stringOptions } from '../cli-args';
import { ClientOptions, MonitoringSource } from './monitoring-source';
import { SlaReport, incidentsOf, sloResult } from './report-model';
import { renderHtml, renderMarkdown } from './render';

export interface SlaReportOptions {
  readonly projectId: string;
  readonly from: Date;
  readonly to: Date;
  /** Contractual SLA in percent. */
  readonly contractualSla: number;
  /** SLOs whose name or display name contains this are under the SLA; "" for all. */
  readonly slaMatch: string;
  readonly outDir: string;
  /** Passed to every Monitoring client (tests: a local fake server). */
  readonly clientOptions?: ClientOptions;
}

/** Read the period from Cloud Monitoring, write `sla-report.md` and `sla-report.html` to `outDir`. */
export async function runSlaReport(o: SlaReportOptions): Promise<{ report: SlaReport; markdown: string; html: string }> {
  const source = new MonitoringSource(o.projectId, o.clientOptions);
  try {
    const slos = await source.slos();
    const results = [];
    for (const slo of slos) results.push(sloResult(slo, await source.dailyCounts(slo.name, o.from, o.to), o.contractualSla, o.slaMatch));
    const incidents = [];
    for (const policy of await source.burnPolicies()) {
      const series = [];
      for (const c of policy.conditions) series.push(await source.series(c.filter, o.from, o.to));
      incidents.push(...incidentsOf(policy, series, o.to));
    }
    incidents.sort((a, b) => a.start.localeCompare(b.start) || a.policy.localeCompare(b.policy));
    const report: SlaReport = {
      projectId: o.projectId,
      from: o.from.toISOString(),
      to: o.to.toISOString(),
      contractualSla: o.contractualSla,
      slaMatch: o.slaMatch,
      slos: results,
      incidents,
    };
    const markdown = renderMarkdown(report);
    const html = renderHtml(report);
    fs.mkdirSync(o.outDir, { recursive: true });
    fs.writeFileSync(path.join(o.outDir, 'sla-report.md'), markdown);
    fs.writeFileSync(path.join(o.outDir, 'sla-report.html'), html);
    return { report, markdown, html };
  } finally {
    await source.close();
  }
}

const USAGE = `Usage: npm run sla-report -- --from <date> --to <date> [--project <id>] [--sla 99.5] [--sla-match availability] [--out reports/sla]
  --from, --to   period, ISO 8601 (e.g. 2026-10-01 or 2026-10-01T00:00:00Z); --to is exclusive
  --project      Google Cloud project (default: GOOGLE_CLOUD_PROJECT)
  --sla          contractual SLA in percent (default 99.5)
  --sla-match    SLOs whose name contains this are under the SLA (default "availability"; "" for all)
  --out          output directory (default reports/sla)
  --endpoint     host:port of a local Monitoring API fake or emulator, plaintext (default: the real API)
Credentials: Application Default Credentials (gcloud auth application-default login).`;

/** Parse argv into options; throws with the usage text on a problem. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SlaReportOptions {
  const values = stringOptions(argv, ['from', 'to', 'project', 'sla', 'sla-match', 'out', 'endpoint'], USAGE);
  const date = (name: string): Date => {
    const d = new Date(values[name] ?? '');
    if (!values[name] || Number.isNaN(d.getTime())) throw new Error(`--${name} "${values[name] ?? ''}" is not a date\n${USAGE}`);
    return d;
  };
  const from = date('from');
  const to = date('to');
  if (to <= from) throw new Error(`--to (${values.to}) must be after --from (${values.from})`);
  const projectId = values.project ?? env.GOOGLE_CLOUD_PROJECT;
  if (!projectId) throw new Error(`no project: pass --project or set GOOGLE_CLOUD_PROJECT\n${USAGE}`);
  const sla = Number(values.sla ?? '99.5');
  if (!(sla > 0 && sla < 100)) throw new Error(`--sla ${values.sla} must be a percentage between 0 and 100`);
  return {
    projectId,
    from,
    to,
    contractualSla: sla,
    slaMatch: values['sla-match'] ?? 'availability',
    outDir: values.out ?? path.join('reports', 'sla'),
    clientOptions: values.endpoint === undefined ? undefined : localEndpoint(values.endpoint, projectId),
  };
}

/** Client options for a plaintext local server (no credentials are sent). */
export function localEndpoint(endpoint: string, projectId: string): ClientOptions {
  const m = /^([^:]+):(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`--endpoint "${endpoint}" is not host:port`);
  // universeDomain stated, so the auth library does not probe the GCE metadata server for it.
  return {
    apiEndpoint: m[1],
    port: Number(m[2]),
    sslCreds: grpc.credentials.createInsecure(),
    projectId,
    universeDomain: 'googleapis.com',
  };
}
