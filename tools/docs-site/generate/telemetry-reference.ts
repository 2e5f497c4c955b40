import { RuntimeMetrics } from '../../../runtime/src/telemetry/metrics';
import { LogEvent, logEvents } from './log-events';
import { cell, code, generatedPage, table } from './markdown';
import { SynthesizedStack, resourceBlocks } from './reference-stacks';

/** A log-based metric of a synthesized stack and the runtime log event it counts. */
export interface LogBasedMetric {
  readonly stack: string;
  readonly name: string;
  readonly event: string;
  readonly fieldsRead: string[];
}

/** Every `google_logging_metric` whose filter selects a runtime event (`jsonPayload.event="…"`). */
export function logBasedMetrics(stacks: readonly SynthesizedStack[]): LogBasedMetric[] {
  const out: LogBasedMetric[] = [];
  for (const { name: stack, json } of stacks) {
    for (const [type, , block] of resourceBlocks(json)) {
      if (type !== 'google_logging_metric') continue;
      const event = /jsonPayload\.event="([^"]+)"/.exec(block.filter)?.[1];
      if (!event) continue;
      const text = [block.filter, block.value_extractor ?? '', ...Object.values(block.label_extractors ?? {})].join(' ');
      const fieldsRead = [...new Set([...text.matchAll(/jsonPayload\.([A-Za-z_]+)/g)].map((m) => m[1]).filter((f) => f !== 'event'))];
      out.push({ stack, name: block.name, event, fieldsRead });
    }
  }
  return out;
}

function metricsTable(): string {
  const metrics = new RuntimeMetrics({ processMetrics: false });
  const rows = metrics.registry.getMetricsAsArray().map((metric) => {
    const m = metric as unknown as { name: string; help: string; labelNames?: readonly string[] };
    const type = metric.constructor.name.toLowerCase();
    return [code(m.name), type, (m.labelNames ?? []).map((l) => code(l)).join(', ') || '—', cell(m.help)];
  });
  return table(['metric', 'type', 'labels', 'meaning'], rows);
}

function eventsTable(events: readonly LogEvent[], metrics: readonly LogBasedMetric[]): string {
  const rows = events.map((e) => {
    // `<name>.breaker` is written for every guarded dependency; a metric selects one of them (`nlp.breaker`).
    const pattern = new RegExp(`^${e.event.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>/g, '[^.]+')}$`);
    const counting = metrics.filter((m) => pattern.test(m.event));
    const readers = [...new Set(counting.map((m) => m.name))].sort();
    const read = new Set(counting.flatMap((m) => m.fieldsRead));
    const fields = e.fields.map((f) => (read.has(f) ? `${code(f)}\\*` : code(f))).join(', ');
    return [
      code(e.event),
      e.level,
      fields || '—',
      readers.map((r) => code(r)).join(', ') || '—',
      `[${e.source}](../../${e.source.split(':')[0]})`,
    ];
  });
  return table(['event', 'level', 'fields', 'log-based metrics counting it', 'written in'], rows);
}

export function telemetryReferencePage(repo: string, stacks: readonly SynthesizedStack[]): string {
  const metrics = logBasedMetrics(stacks);
  return [
    generatedPage({
      title: 'Metrics and log events',
      order: 20,
      sources: ['runtime/src/telemetry/metrics.ts', 'the log calls under runtime/src', 'the synthesized reference stacks'],
      intro:
        'What the webhook runtime exports on `GET /metrics` (Prometheus text format), and the structured events it writes ' +
        'to Cloud Logging. Names are a contract with the dashboards, log-based metrics and alerts of `SloAlerting` and ' +
        '`SecurityMonitoring`: change them only together (`test/monitoring/log-metric-contract.test.ts` checks the fields).',
    }),
    '## Prometheus metrics',
    '',
    'Process metrics (`process_*`, `nodejs_*`) from prom-client are exported as well and not listed.',
    '',
    metricsTable(),
    '',
    '## Log events',
    '',
    'Every log line is JSON in the Cloud Logging format; these carry an `event` field, which is what the log-based ' +
      'metrics of the reference stacks select on. A field marked \\* is read by one of those metrics ' +
      '(filter, value or label extractor): renaming it blinds that metric and every alert on it.',
    '',
    eventsTable(logEvents(repo), metrics),
    '',
  ].join('\n');
}
