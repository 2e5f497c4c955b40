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
 * Where logs go unless told otherwise: stdout, written asynchronously. pino's default writes
 * every line with its own synchronous write(2) — one system call per turn on the request path,
 * 4-5% of the warm path's time in the profile (docs/performance/optimization_report.md). Here a
 * line is handed to the kernel in the background, and lines logged while a write is in flight go
 * out together in the next one: no delay when idle (nothing waits for a buffer to fill), fewer
 * system calls under load. What is still buffered is written synchronously when the process
 * exits (pino registers that on `exit`, which a crash and main.ts's shutdown both reach); only a
 * SIGKILL loses it — the lines of the last few milliseconds.
 */
function stdoutDestination(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

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
    options.destination ?? stdoutDestination(),
  );
}
