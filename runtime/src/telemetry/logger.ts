import { trace } from '@opentelemetry/api';
import pino, { Logger } from 'pino';

/** pino level → Cloud Logging severity. */
const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/**
 * JSON logs in the Cloud Logging structured format: `severity`, `message`, and the active
 * trace and span ids so Cloud Logging links each line to its trace. Never log raw user text:
 * callers pass text through the PII redactor first.
 */
export function createLogger(options: { level: string; projectId?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }) },
      mixin: () => {
        const span = trace.getActiveSpan()?.spanContext();
        if (!span) return {};
        return {
          'logging.googleapis.com/trace': options.projectId ? `projects/${options.projectId}/traces/${span.traceId}` : span.traceId,
          'logging.googleapis.com/spanId': span.spanId,
          'logging.googleapis.com/trace_sampled': (span.traceFlags & 1) === 1,
        };
      },
    },
    options.destination,
  );
}
