import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Hono } from 'hono';
import { Logger } from 'pino';
import { RedisClientType } from 'redis';
import { createApp } from './app';
import { PostgresTier } from './cache/postgres-tier';
import { RedisTier } from './cache/redis-tier';
import { GuardedTier, TieredCache } from './cache/tiered-cache';
import { MemoryTier } from './cache/memory-tier';
import { ConfigError, RuntimeConfig } from './config';
import { HandlerRegistry } from './handlers/handler-registry';
import { registerReferenceHandlers } from './handlers/reference-handlers';
import { Enricher } from './nlp/enricher';
import { GoogleLanguageAnalyzer, TextAnalyzer } from './nlp/google-analyzer';
import { LocalAnalyzer } from './nlp/local-analyzer';
import { BREAKER_STATE_VALUE, DependencyGuard } from './resilience/dependency-guard';
import { WriteBehindQueue } from './resilience/write-behind-queue';
import { RUNTIME_FLAGS, RuntimeFlags } from './resilience/runtime-flags';
import { Authenticator } from './security/authenticator';
import { PiiRedactor, parseExtraPatterns } from './security/pii-redaction';
import { SessionRateLimiter } from './security/rate-limiter';
import { Database, openDatabase } from './storage/database';
import { runMaintenance } from './storage/maintenance';
import { createRedisConnection } from './storage/redis-connection';
import { migrate } from './storage/migrations';
import { TurnEvent, writeTurnEvents } from './storage/turn-event-writer';
import { createLogger } from './telemetry/logger';
import { RuntimeMetrics } from './telemetry/metrics';
import { startTracing, stopTracing } from './telemetry/tracing';
import { IdempotencyStore } from './webhook/idempotency-store';
import { Readiness } from './webhook/readiness';
import { TurnProcessor } from './webhook/turn-processor';
import { credentials } from '@grpc/grpc-js';
import { ExperimentEngine, Exposure } from './experiments/experiment-engine';
import { FeedbackService } from './feedback/feedback-service';
import { ConversationSnapshot, ConversationTracker } from './quality/conversation-tracker';
import { writeConversations } from './storage/conversation-writer';
import { writeExposures } from './storage/exposure-writer';
import { FeedbackRecord, writeFeedback } from './storage/feedback-writer';
import { writeDeadLetter } from './storage/dead-letters';
import { isRefusedByPostgres, sqlState } from './storage/postgres-refusal';

export interface RuntimeOverrides {
  /** Replace the Natural Language client (benchmarks and tests pass one pointed at a fake). */
  readonly analyzer?: TextAnalyzer;
  /** Extra or replacement handlers, registered after the reference ones. */
  readonly registerHandlers?: (registry: HandlerRegistry) => void;
  readonly logger?: Logger;
  /** Tracing provider options, e.g. in-memory exporters in tests; `false` disables tracing setup. */
  readonly tracing?: Parameters<typeof startTracing>[0] | false;
  /** Default process metrics (event loop lag, heap); off in tests that build many runtimes. */
  readonly processMetrics?: boolean;
  readonly piiPatterns?: string;
  /** How often runtime flags are read (resilience/runtime-flags.ts). @default FLAG_POLL_MS */
  readonly flagsPollMs?: number;
}

export interface Runtime {
  readonly app: Hono;
  readonly config: RuntimeConfig;
  readonly metrics: RuntimeMetrics;
  readonly readiness: Readiness;
  readonly logger: Logger;
  readonly database?: Database;
  readonly redis?: RedisClientType;
  readonly queues: WriteBehindQueue<unknown>[];
  readonly guards: { nlp?: DependencyGuard; redis?: DependencyGuard; postgres?: DependencyGuard };
  /** Resolves when the schema is migrated (retried in the background while Postgres is down). */
  readonly schemaReady: Promise<void>;
  /** Flush queues and close connections, within `deadlineMs`. Returns writes left unflushed. */
  close(deadlineMs?: number): Promise<number>;
}

/**
 * The composition root: builds every part from the configuration. Each optional dependency
 * (Natural Language, Redis, Postgres) gets its own guard, so its failure disables only itself.
 */
export async function createRuntime(config: RuntimeConfig, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  // loadConfig refuses this already; a configuration built by hand must not get past it either.
  if (config.production && config.auth.mode === 'none')
    throw new ConfigError('Invalid runtime configuration:\n  - AUTH_MODE: "none" is refused in production; verification is never skipped');
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, projectId: config.projectId });
  const tracer: NodeTracerProvider | undefined =
    overrides.tracing === false
      ? undefined
      : startTracing(
          overrides.tracing ?? {
            sampleRatio: config.tracing.sampleRatio,
            export: config.tracing.export,
            projectId: config.projectId,
            region: config.region,
          },
        );
  const metrics = new RuntimeMetrics({ processMetrics: overrides.processMetrics });
  const onStateChange = (name: string, state: string) => {
    metrics.breakerState.set({ dependency: name }, BREAKER_STATE_VALUE[state] ?? 2);
    logger.warn({ event: `${name}.breaker`, state }, `${name} circuit breaker ${state}`);
  };
  const guard = (name: string, maxConcurrent: number, timeoutMs: number) => {
    const g = new DependencyGuard({
      name,
      maxConcurrent,
      timeoutMs,
      onStateChange,
      failuresToOpen: config.breaker.failuresToOpen,
      halfOpenAfterMs: config.breaker.halfOpenAfterMs,
    });
    metrics.breakerState.set({ dependency: name }, 0);
    return g;
  };

  // --- Redis (L2, shared rate limits and idempotency) -----------------------------------------
  let redis: RedisClientType | undefined;
  let redisGuard: DependencyGuard | undefined;
  if (config.redis) {
    // TLS verified against the instance's CA and IAM auth when configured (Memorystore): storage/redis-connection.ts.
    redis = createRedisConnection({
      ...config.redis,
      onAuthError: (error) => logger.warn({ err: error }, 'redis IAM token refresh failed; retrying'),
    });
    redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
    // Start without waiting: the tier is skipped until the connection is up.
    redis.connect().catch((error: Error) => logger.warn({ err: error }, 'redis unavailable at start; L2 disabled until it connects'));
    redisGuard = guard('redis', 256, config.timeouts.redisMs);
  }

  // --- Postgres (L3, turn events) ----------------------------------------------------------------
  const queues: WriteBehindQueue<unknown>[] = [];
  let schemaMigrated = false;
  let database: Database | undefined;
  let postgresGuard: DependencyGuard | undefined;
  let l3: PostgresTier | undefined;
  let events: WriteBehindQueue<TurnEvent> | undefined;
  let conversations: WriteBehindQueue<ConversationSnapshot> | undefined;
  let exposures: WriteBehindQueue<Exposure> | undefined;
  let storeFeedback: ((record: FeedbackRecord) => Promise<void>) | undefined;
  let schemaReady = Promise.resolve();
  let maintenanceTimer: NodeJS.Timeout | undefined;
  if (config.database.mode !== 'off') {
    const db = await openDatabase({
      url: config.database.url,
      iamAuth: config.database.iamAuth,
      tlsCa: config.database.tlsCa,
      tlsServerName: config.database.tlsServerName,
      pgliteDataDir: config.database.pgliteDataDir,
    });
    database = db;
    // Guards the request path's reads (L3); the pool's own timeouts bound every other query.
    postgresGuard = guard('postgres', 32, config.timeouts.databaseReadMs);
    schemaReady = migrateWithRetry(db, logger).then(() => {
      schemaMigrated = true;
    });
    // Roll partitions, drop months past retention, purge expired cache rows. Not through the
    // request-path guard: DDL may take longer than its deadline, and a failed round just waits for the next.
    const maintain = () =>
      runMaintenance(db, { turnEventsRetentionMonths: config.database.turnEventsRetentionMonths })
        .then((r) => logger.info({ event: 'db.maintenance', ...r }, 'database maintenance'))
        .catch((error: unknown) => logger.warn({ err: error }, 'database maintenance skipped'));
    maintenanceTimer = setInterval(() => void schemaReady.then(maintain), config.database.maintenanceIntervalMinutes * 60_000);
    maintenanceTimer.unref();
    // Every durable write goes through its own queue: retried with backoff while Postgres is down,
    // drained on SIGTERM, and a record Postgres refuses is dead-lettered instead of blocking it.
    const queueOptions = (name: string) => ({
      refused: {
        isRefusal: isRefusedByPostgres,
        deadLetter: async (record: unknown, refusal: unknown) => {
          await writeDeadLetter(db, name, record, refusal);
          metrics.queueDeadLettered.inc({ queue: name });
          logger.error(
            // Code and message only: a driver error's other fields can quote the parameter values.
            {
              event: 'write.dead_lettered',
              queue: name,
              code: sqlState(refusal),
              reason: refusal instanceof Error ? refusal.message : String(refusal),
            },
            'the database refused a record; moved to write_dead_letters',
          );
        },
      },
      onFlushError: (error: unknown, pending: number) =>
        logger.warn({ err: error, queue: name, pending }, 'write-behind flush failed; will retry'),
      onDrop: (count: number) => metrics.queueDropped.inc({ queue: name }, count),
    });
    l3 = new PostgresTier(db, queueOptions('l3-cache'));
    queues.push(l3.queue as WriteBehindQueue<unknown>);
    const writeBehind = <T>(name: string, flush: (batch: T[]) => Promise<void>): WriteBehindQueue<T> => {
      const queue = new WriteBehindQueue<T>({ name, flush, ...queueOptions(name) });
      queues.push(queue as WriteBehindQueue<unknown>);
      return queue;
    };
    const weights = config.quality.weights;
    events = writeBehind<TurnEvent>('turn-events', (batch) => writeTurnEvents(db, batch));
    conversations = writeBehind<ConversationSnapshot>('conversations', (batch) => writeConversations(db, batch, weights));
    exposures = writeBehind<Exposure>('experiment-exposures', (batch) => writeExposures(db, batch));
    // Feedback is not queued: it is committed before the client is answered (feedback-service.ts).
    storeFeedback = (record) => writeFeedback(db, [record], weights);
    metrics.watchQueues(queues);
  }

  // --- Natural Language ---------------------------------------------------------------------
  let analyzer: TextAnalyzer | undefined = overrides.analyzer;
  if (!analyzer && config.nlp.mode === 'google') {
    analyzer = new GoogleLanguageAnalyzer(
      {
        ...(config.nlp.apiEndpoint && { apiEndpoint: config.nlp.apiEndpoint }),
        ...(config.nlp.apiPort && { port: config.nlp.apiPort }),
        // A local endpoint (emulator, fake): plain gRPC, and no metadata-server probe for the universe domain.
        ...(config.nlp.insecure && { sslCreds: credentials.createInsecure(), universeDomain: 'googleapis.com' }),
        projectId: config.projectId,
      },
      config.nlp.modelVersion,
    );
  }
  const nlpGuard = analyzer ? guard('nlp', config.nlp.maxConcurrent, config.nlp.deadlineMs + 100) : undefined;
  // Flags the incident responder sets (e.g. nlp-mode=local while the API fails), read from the database.
  const flags = database
    ? new RuntimeFlags(database, {
        region: config.region,
        pollMs: overrides.flagsPollMs,
        onChange: (flag, value) =>
          logger.warn({ event: 'runtime.flag', flag, value: value ?? null }, `runtime flag ${flag}=${value ?? '(cleared)'}`),
        onError: (error) => logger.debug({ err: error }, 'runtime flags not read; keeping the known ones'),
      })
    : undefined;
  flags?.start();
  const nlpForcedLocal = () => flags?.get(RUNTIME_FLAGS.nlpMode) === 'local';

  const remoteTiers: GuardedTier[] = [];
  if (redis && redisGuard) remoteTiers.push({ tier: new RedisTier(redis), guard: redisGuard });
  if (l3) remoteTiers.push({ tier: l3, guard: postgresGuard, writesQueued: true });
  const cache = new TieredCache(
    new MemoryTier(config.cache.l1MaxBytes, config.cache.ttlSeconds),
    remoteTiers,
    config.cache.ttlSeconds,
    metrics,
    (tier, error) => logger.debug({ err: error, tier }, 'cache tier failed; skipped'),
  );
  const enricher = new Enricher({
    remote: analyzer,
    guard: nlpGuard,
    local: new LocalAnalyzer(),
    cache,
    metrics,
    skip: config.nlp.skip,
    modelVersion: config.nlp.modelVersion,
    deadlineMs: config.nlp.deadlineMs,
    forceLocal: nlpForcedLocal,
  });

  const handlers = registerReferenceHandlers(new HandlerRegistry(), {
    negativeThreshold: config.nlp.negativeThreshold,
    escalateAfterNegativeTurns: config.nlp.escalateAfterNegativeTurns,
    formRules: config.formRules,
  });
  overrides.registerHandlers?.(handlers);

  const guards = { nlp: nlpGuard, redis: redisGuard, postgres: postgresGuard };
  const readiness = new Readiness(
    [nlpGuard, redisGuard, postgresGuard].filter((g): g is DependencyGuard => g !== undefined),
    () => [
      // Listed so that nobody mistakes an open instance for a production one (production refuses it).
      ...(config.auth.mode === 'none' ? ['auth-disabled'] : []),
      ...(analyzer ? [] : ['nlp-local-analyzer-only']),
      ...(nlpForcedLocal() ? ['nlp-forced-local'] : []),
      ...(redis && !redis.isReady ? ['redis-disconnected'] : []),
      ...(database && !schemaMigrated ? ['postgres-schema-pending'] : []),
      ...(database?.kind === 'pglite' ? ['postgres-embedded'] : []),
    ],
  );
  const redactor = new PiiRedactor(parseExtraPatterns(overrides.piiPatterns ?? process.env.PII_EXTRA_PATTERNS));
  const processor = new TurnProcessor({
    handlers,
    enricher,
    redactor,
    metrics,
    logger,
    region: config.region,
    experiments: new ExperimentEngine(config.experiments),
    tracker: new ConversationTracker(config.quality),
    events,
    conversations,
    exposures,
    idempotency: new IdempotencyStore(redis, redisGuard),
    budgetMs: config.budgetMs,
  });
  const feedbackService = new FeedbackService({
    enricher,
    redactor,
    store: storeFeedback,
    isRefusal: isRefusedByPostgres,
    metrics,
    logger,
    region: config.region,
    analysisBudgetMs: config.feedbackAnalysisBudgetMs,
    writeDeadlineMs: config.feedbackWriteDeadlineMs,
  });
  const app = createApp({
    processor,
    feedback: feedbackService,
    authenticator: new Authenticator(config.auth),
    rateLimiter: new SessionRateLimiter(config.rateLimitPerMinute, redis && redisGuard && { client: redis, guard: redisGuard }),
    readiness,
    metrics,
    logger,
    maxBodyBytes: config.maxBodyBytes,
  });

  return {
    app,
    config,
    metrics,
    readiness,
    logger,
    database,
    redis,
    queues,
    guards,
    schemaReady,
    async close(deadlineMs = config.shutdownDeadlineMs) {
      readiness.draining();
      if (maintenanceTimer) clearInterval(maintenanceTimer);
      flags?.stop();
      const end = Date.now() + deadlineMs;
      // All queues at once: one whose writes hang must not use up the others' time.
      const left = await Promise.all(queues.map((queue) => queue.drain(Math.max(0, end - Date.now()))));
      queues.forEach((queue) => queue.stop());
      queues.forEach((queue, i) => {
        if (left[i] === 0) return;
        metrics.queueAbandoned.inc({ queue: queue.name }, left[i]);
        logger.error(
          { event: 'write.abandoned', queue: queue.name, count: left[i] },
          'shutdown deadline reached with writes still queued; they are lost with this instance',
        );
      });
      // Closing waits for checked-out connections, which a hung database never returns: bounded too.
      await settledWithin(
        [redis?.isOpen ? redis.quit() : undefined, database?.close(), analyzer?.close(), tracer ? stopTracing(tracer) : undefined],
        Math.max(0, end - Date.now()),
      );
      return left.reduce((a, b) => a + b, 0);
    },
  };
}

/** Wait for `work` to settle, but no longer than `ms`. */
async function settledWithin(work: Array<Promise<unknown> | undefined>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(work), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Migrate, retrying with backoff while the database is unreachable (instances start before it on a fresh deploy). */
async function migrateWithRetry(database: Database, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const applied = await migrate(database);
      if (applied.length > 0) logger.info({ applied }, 'schema migrated');
      return;
    } catch (error) {
      logger.warn({ err: error, attempt }, 'schema migration failed; retrying');
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 10_000)).unref?.());
    }
  }
}
