import { ConfigError, loadConfig } from './config';
import { startHttpServer } from './http-server';
import { createRuntime } from './runtime';

/** Past the deadline, time for the last log lines before the process is ended regardless. */
const FORCED_EXIT_MARGIN_MS = 500;

/**
 * `npm start` / the container's entry point. On SIGTERM (Cloud Run and Kubernetes send it
 * before stopping an instance): report unready, stop accepting connections, let in-flight turns
 * finish, flush queued writes, close connections — all within SHUTDOWN_DEADLINE_MS.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const runtime = await createRuntime(config);
  const server = startHttpServer(runtime.app.fetch, { port: config.port, hostname: '0.0.0.0', timeouts: config.http }, (info) => {
    runtime.readiness.serving();
    runtime.logger.info(
      {
        port: info.port,
        nlp: config.nlp.mode,
        database: runtime.database?.kind,
        shards: runtime.databases.length,
        redis: Boolean(runtime.redis),
        // From process start to ready: docs/performance/startup-and-memory.md tracks it.
        startupMs: Math.round(process.uptime() * 1000),
      },
      'webhook listening',
    );
    // After readiness, off the start-up path: what the first turn would otherwise load.
    setImmediate(() => runtime.warmUp());
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'shutting down');
    runtime.readiness.draining();
    const deadline = Date.now() + config.shutdownDeadlineMs;
    // The deadline is a promise to the platform (Cloud Run sends SIGKILL 10 s after SIGTERM): the
    // steps below each stop at it, and this timer ends the process should anything still hang.
    setTimeout(() => {
      runtime.logger.error({ signal, deadlineMs: config.shutdownDeadlineMs }, 'shutdown deadline passed; exiting now');
      process.exit(1);
    }, config.shutdownDeadlineMs + FORCED_EXIT_MARGIN_MS).unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive sockets would hold close() open until the deadline.
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    await Promise.race([closed, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now() - 1_000)))]);
    const left = await runtime.close(Math.max(100, deadline - Date.now()));
    process.exit(left > 0 ? 1 : 0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main();
