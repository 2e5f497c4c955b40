import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchSpanProcessor, ParentBasedSampler, SpanProcessor, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TraceExportOptions, traceExporter } from './trace-export';

export interface TracingOptions {
  /** Fraction of new traces recorded; a sampled parent (W3C `traceparent`) is always followed. */
  readonly sampleRatio: number;
  /** Where sampled spans go (Cloud Trace, a collector, or nowhere). @default - nowhere */
  readonly export?: TraceExportOptions;
  /** The project the spans belong to: Cloud Trace files them under it (`gcp.project_id`). */
  readonly projectId?: string;
  /** The region serving, so a trace says where it ran (`cloud.region`). */
  readonly region?: string;
  readonly serviceName?: string;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  readonly processors?: SpanProcessor[];
}

/**
 * OpenTelemetry tracing with W3C propagation and parent-based ratio sampling. Full-rate
 * tracing was measured here at ~60% of throughput, so new traces are sampled (5% by default)
 * while a caller's sampling decision is honoured. Spans are still created unsampled, so trace
 * ids reach the logs for correlation.
 */
export function startTracing(options: TracingOptions): NodeTracerProvider {
  const processors: SpanProcessor[] = [...(options.processors ?? [])];
  const exporter = options.export ? traceExporter(options.export) : undefined;
  if (exporter) processors.push(new BatchSpanProcessor(exporter));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName ?? 'convai-webhook',
      ...(options.projectId && { 'gcp.project_id': options.projectId }),
      ...(options.region && { 'cloud.region': options.region }),
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: processors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return provider;
}

/** Undo `startTracing` (tests start several apps in one process). */
export async function stopTracing(provider: NodeTracerProvider): Promise<void> {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
}
