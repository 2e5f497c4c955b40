import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { GoogleAuth } from 'google-auth-library';

/* eslint-disable @typescript-eslint/no-require-imports -- exporters and auth load only when spans leave the process (start-up time and memory) */
const otlpJson = () => require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
const otlpProto = () => require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
const googleAuth = () => require('google-auth-library') as typeof import('google-auth-library');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Cloud Trace's OTLP endpoint (the Telemetry API); `/v1/traces` is appended. */
export const CLOUD_TRACE_OTLP_ENDPOINT = 'https://telemetry.googleapis.com';

/** The narrowest OAuth scope the Telemetry API accepts for writing spans. */
const TRACE_APPEND_SCOPE = 'https://www.googleapis.com/auth/trace.append';

/**
 * Where sampled spans go:
 * - `cloud-trace`: OTLP/HTTP protobuf to the Telemetry API with the instance's Google credentials
 *   (the service account needs `roles/cloudtrace.agent`). Google's own Cloud Trace exporter for
 *   Node is deprecated in favour of exactly this path.
 * - `otlp`: OTLP/HTTP JSON to a collector (`OTEL_EXPORTER_OTLP_ENDPOINT`), which forwards.
 * - `none`: spans are created (trace ids still reach the logs) but never leave the process.
 */
export type TraceExporterKind = 'cloud-trace' | 'otlp' | 'none';

export interface TraceExportOptions {
  readonly kind: TraceExporterKind;
  /** Base URL; `/v1/traces` is appended. @default CLOUD_TRACE_OTLP_ENDPOINT for cloud-trace */
  readonly endpoint?: string;
}

/**
 * The span exporter for `options`, or none. Google credentials are sent only over https: a
 * plain-http endpoint is a local receiver (tests, a sidecar collector) and must never see a token.
 */
export function traceExporter(options: TraceExportOptions): SpanExporter | undefined {
  if (options.kind === 'none') return undefined;
  if (options.kind === 'otlp') {
    if (!options.endpoint) throw new Error('trace exporter "otlp" needs an endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)');
    return new (otlpJson().OTLPTraceExporter)({ url: tracesUrl(options.endpoint) });
  }
  const endpoint = options.endpoint ?? CLOUD_TRACE_OTLP_ENDPOINT;
  const secure = endpoint.startsWith('https://');
  const auth = secure ? new (googleAuth().GoogleAuth)({ scopes: [TRACE_APPEND_SCOPE] }) : undefined;
  return new (otlpProto().OTLPTraceExporter)({
    url: tracesUrl(endpoint),
    // Called before every export: google-auth-library caches the token and refreshes it before expiry.
    headers: auth ? () => authorizationHeaders(auth) : undefined,
  });
}

async function authorizationHeaders(auth: GoogleAuth): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  (await auth.getRequestHeaders()).forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}
