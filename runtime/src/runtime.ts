import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Hono } from 'hono';
import { Logger } from 'pino';
import type { RedisClientType } from 'redis';
import { createApp } from './app';
import { RedisTier } from './cache/redis-tier';
import { GuardedTier, TieredCache } from './cache/tiered-cache';
import { MemoryTier } from './cache/memory-tier';
import { ConfigError, RuntimeConfig } from './config';
import { HandlerRegistry } from './handlers/handler-registry';
import { registerReferenceHandlers } from './handlers/reference-handlers';
import { Enricher } from './nlp/enricher';
import type { TextAnalyzer } from './nlp/google-analyzer';
import { LocalAnalyzer } from './nlp/local-analyzer';
import { BREAKER_STATE_VALUE, DependencyGuard } from './resilience/dependency-guard';
import { WriteBehindQueue } from './resilience/write-behind-queue';
import { RUNTIME_FLAGS, RuntimeFlags } from './resilience/runtime-flags';
import { Authenticator } from './security/authenticator';
import { PiiRedactor, parseExtraPatterns } from './security/pii-redaction';
import { SessionRateLimiter } from './security/rate-limiter';
import { Database } from './storage/database';
import { DurableStores, openDurableStores } from './storage/durable-stores';
import { isRefusedByPostgres } from './storage/postgres-refusal';
import { createLogger } from './telemetry/logger';
import { RuntimeMetrics } from './telemetry/metrics';
import { startTracing, stopTracing } from './telemetry/tracing';
import { IdempotencyStore } from './webhook/idempotency-store';
import { Readiness } from './webhook/readiness';
import { TurnProcessor } from './webhook/turn-processor';
import { ExperimentEngine } from './experiments/experiment-engine';
import { FeedbackService } from './feedback/feedback-service';
import { ConversationTracker } from './quality/conversation-tracker';

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
  /** Shard 0 (the only database when unsharded). */
  readonly database?: Database;
  /** Every shard, in shard order (DATABASE_SHARD_URLS); empty with DATABASE_MODE=off. */
  readonly databases: Database[];
  readonly redis?: RedisClientType;
  readonly queues: WriteBehindQueue<unknown>[];
  /** `postgres` is shard 0's guard; `postgresShards` has every shard's. */
  readonly guards: { nlp?: DependencyGuard; redis?: DependencyGuard; postgres?: DependencyGuard; postgresShards: DependencyGuard[] };
  /** Resolves when the schema is migrated on every shard (retried in the background while a server is down). */
  readonly schemaReady: Promise<void>;
  /**
   * Load what start-up deferred and the first turn would otherwise wait for (the local analyzer's
   * model, when it serves every turn): main.ts calls it once the instance is ready.
   */
  warmUp(): void;
  /** Flush queues and close connections, within `deadlineMs`. Returns writes left unflushed. */
  close(deadlineMs?: number): Promise<number>;
}

/**
 * The composition root: builds every part from the configuration, in named steps that read top
 * to bottom. Each optional dependency (Natural Language, Redis, Postgres and each of its shards)
 * gets its own guard, so its failure disables only itself. Nothing here waits for a remote
 * server: Redis connects, and the databases migrate, in the background (docs/performance/startup-and-memory.md).
 */
export async function createRuntime(config: RuntimeConfig, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  refuseUnsafe(config);
  const base = startObservability(config, overrides);
  const redis = await connectRedis(config, base);
  const durable = await openDurableStores(config, base);
  const cache = buildCaches(config, base, redis, durable);
  const flags = startRuntimeFlags(config, base, durable, overrides);
  const nlp = await buildNlp(config, base, cache, flags, overrides);
  const readiness = buildReadiness(config, base, redis, durable, nlp);
  const app = buildApp(config, base, redis, durable, nlp, readiness, overrides);
  return assemble(config, base, redis, durable, nlp, readiness, app, flags);
}

// --- Steps -----------------------------------------------------------------------------------

/** Logging, tracing, metrics, and the factory of circuit breakers (each registered with the metrics). */
interface Observability {
  readonly logger: Logger;
  readonly tracer?: NodeTracerProvider;
  readonly metrics: RuntimeMetrics;
  readonly guard: (name: string, maxConcurrent: number, timeoutMs: number) => DependencyGuard;
}

interface RedisStore {
  readonly client: RedisClientType;
  readonly guard: DependencyGuard;
}

interface Nlp {
  readonly enricher: Enricher;
  readonly local: LocalAnalyzer;
  readonly analyzer?: TextAnalyzer;
  readonly guard?: DependencyGuard;
  /** True while a runtime flag (nlp-mode=local) keeps turns off the API. */
  readonly forcedLocal: () => boolean;
}

/** loadConfig refuses this already; a configuration built by hand must not get past it either. */
function refuseUnsafe(config: RuntimeConfig): void {
  if (config.production && config.auth.mode === 'none')
    throw new ConfigError('Invalid runtime configuration:\n  - AUTH_MODE: "none" is refused in production; verification is never skipped');
}

function startObservability(config: RuntimeConfig, overrides: RuntimeOverrides): Observability {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel, projectId: config.projectId });
  const tracer =
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
  return { logger, tracer, metrics, guard };
}

/**
 * Redis (L2, shared rate limits and idempotency), when configured: TLS verified against the
 * instance's CA and IAM auth when configured (Memorystore; storage/redis-connection.ts). The
 * client library is loaded only then. Connects without waiting: the tier is skipped until it is up.
 */
async function connectRedis(config: RuntimeConfig, { logger, guard }: Observability): Promise<RedisStore | undefined> {
  if (!config.redis) return undefined;
  const { createRedisConnection } = await import('./storage/redis-connection');
  const client = createRedisConnection({
    ...config.redis,
    onAuthError: (error) => logger.warn({ err: error }, 'redis IAM token refresh failed; retrying'),
  });
  client.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  client.connect().catch((error: Error) => logger.warn({ err: error }, 'redis unavailable at start; L2 disabled until it connects'));
  return { client, guard: guard('redis', 256, config.timeouts.redisMs) };
}

/** L1 in memory (bounded in bytes), then L2 (Redis) and L3 (the database, or its shards). */
function buildCaches(config: RuntimeConfig, { logger, metrics }: Observability, redis?: RedisStore, durable?: DurableStores): TieredCache {
  const remote: GuardedTier[] = [];
  if (redis) remote.push({ tier: new RedisTier(redis.client), guard: redis.guard });
  if (durable) remote.push(durable.l3);
  const l1 = new MemoryTier(config.cache.l1MaxBytes, config.cache.ttlSeconds);
  metrics.watchMemory('l1-cache', () => ({ entries: l1.size, bytes: l1.bytes, maxBytes: config.cache.l1MaxBytes }));
  return new TieredCache(l1, remote, config.cache.ttlSeconds, metrics, (tier, error) =>
    logger.debug({ err: error, tier }, 'cache tier failed; skipped'),
  );
}

/** Flags the incident responder sets (e.g. nlp-mode=local while the API fails), read from shard 0's database. */
function startRuntimeFlags(
  config: RuntimeConfig,
  { logger }: Observability,
  durable: DurableStores | undefined,
  overrides: RuntimeOverrides,
): RuntimeFlags | undefined {
  const database = durable?.databases[0];
  // The responder writes flags into the platform's Postgres; an embedded database has no responder.
  if (!database || database.dialect !== 'postgres') return undefined;
  const flags = new RuntimeFlags(database, {
    region: config.region,
    pollMs: overrides.flagsPollMs,
    onChange: (flag, value) =>
      logger.warn({ event: 'runtime.flag', flag, value: value ?? null }, `runtime flag ${flag}=${value ?? '(cleared)'}`),
    onError: (error) => logger.debug({ err: error }, 'runtime flags not read; keeping the known ones'),
  });
  flags.start();
  return flags;
}

/**
 * Natural Language, when configured (its client library is loaded only then), and the local
 * analyzer (wink-nlp's model, loaded on its first use rather than at start).
 */
async function buildNlp(
  config: RuntimeConfig,
  { metrics, guard }: Observability,
  cache: TieredCache,
  flags: RuntimeFlags | undefined,
  overrides: RuntimeOverrides,
): Promise<Nlp> {
  let analyzer = overrides.analyzer;
  if (!analyzer && config.nlp.mode === 'google') {
    const [{ GoogleLanguageAnalyzer }, { credentials }] = await Promise.all([import('./nlp/google-analyzer'), import('@grpc/grpc-js')]);
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
  const local = new LocalAnalyzer();
  const forceLocal = () => flags?.get(RUNTIME_FLAGS.nlpMode) === 'local';
  const enricher = new Enricher({
    remote: analyzer,
    guard: nlpGuard,
    local,
    cache,
    metrics,
    skip: config.nlp.skip,
    modelVersion: config.nlp.modelVersion,
    deadlineMs: config.nlp.deadlineMs,
    forceLocal,
  });
  return { enricher, local, analyzer, guard: nlpGuard, forcedLocal: forceLocal };
}

/** `/readyz`: ready once serving; degradations name what is missing or down. */
function buildReadiness(
  config: RuntimeConfig,
  _base: Observability,
  redis: RedisStore | undefined,
  durable: DurableStores | undefined,
  nlp: Nlp,
): Readiness {
  const embedded = durable?.databases[0].kind;
  return new Readiness(
    [nlp.guard, redis?.guard, ...(durable?.guards ?? [])].filter((g): g is DependencyGuard => g !== undefined),
    () => [
      // Listed so that nobody mistakes an open instance for a production one (production refuses it).
      ...(config.auth.mode === 'none' ? ['auth-disabled'] : []),
      ...(nlp.analyzer ? [] : ['nlp-local-analyzer-only']),
      ...(nlp.forcedLocal() ? ['nlp-forced-local'] : []),
      ...(redis && !redis.client.isReady ? ['redis-disconnected'] : []),
      ...(durable && durable.schemaPending() > 0 ? ['postgres-schema-pending'] : []),
      ...(embedded === 'sqlite' ? ['database-embedded'] : embedded === 'pglite' ? ['postgres-embedded'] : []),
    ],
  );
}

/** The turn pipeline, the feedback API and the HTTP routes, with the per-instance stores they keep. */
function buildApp(
  config: RuntimeConfig,
  { logger, metrics }: Observability,
  redis: RedisStore | undefined,
  durable: DurableStores | undefined,
  nlp: Nlp,
  readiness: Readiness,
  overrides: RuntimeOverrides,
): Hono {
  const handlers = registerReferenceHandlers(new HandlerRegistry(), {
    negativeThreshold: config.nlp.negativeThreshold,
    escalateAfterNegativeTurns: config.nlp.escalateAfterNegativeTurns,
    formRules: config.formRules,
  });
  overrides.registerHandlers?.(handlers);
  const idempotency = new IdempotencyStore(redis?.client, redis?.guard);
  const redactor = new PiiRedactor(parseExtraPatterns(overrides.piiPatterns ?? process.env.PII_EXTRA_PATTERNS));
  const processor = new TurnProcessor({
    handlers,
    enricher: nlp.enricher,
    redactor,
    metrics,
    logger,
    region: config.region,
    experiments: new ExperimentEngine(config.experiments),
    tracker: new ConversationTracker(config.quality),
    events: durable?.events,
    conversations: durable?.conversations,
    exposures: durable?.exposures,
    idempotency,
    budgetMs: config.budgetMs,
  });
  const feedback = new FeedbackService({
    enricher: nlp.enricher,
    redactor,
    store: durable?.storeFeedback,
    isRefusal: isRefusedByPostgres,
    metrics,
    logger,
    region: config.region,
    analysisBudgetMs: config.feedbackAnalysisBudgetMs,
    writeDeadlineMs: config.feedbackWriteDeadlineMs,
  });
  const rateLimiter = new SessionRateLimiter(config.rateLimitPerMinute, redis);
  metrics.watchMemory('rate-limiter', () => rateLimiter.memoryUsage());
  metrics.watchMemory('idempotency', () => idempotency.memoryUsage());
  metrics.watchMemory('nlp-in-flight', () => ({ entries: nlp.enricher.inFlightCount }));
  return createApp({
    processor,
    feedback,
    authenticator: new Authenticator(config.auth),
    rateLimiter,
    readiness,
    metrics,
    logger,
    maxBodyBytes: config.maxBodyBytes,
  });
}

function assemble(
  config: RuntimeConfig,
  { logger, tracer, metrics }: Observability,
  redis: RedisStore | undefined,
  durable: DurableStores | undefined,
  nlp: Nlp,
  readiness: Readiness,
  app: Hono,
  flags: RuntimeFlags | undefined,
): Runtime {
  const queues = durable?.queues ?? [];
  const databases = durable?.databases ?? [];
  return {
    app,
    config,
    metrics,
    readiness,
    logger,
    database: databases[0],
    databases,
    redis: redis?.client,
    queues,
    guards: { nlp: nlp.guard, redis: redis?.guard, postgres: durable?.guards[0], postgresShards: durable?.guards ?? [] },
    schemaReady: durable?.schemaReady ?? Promise.resolve(),
    warmUp() {
      // With Natural Language the local model is only the fallback: it loads if and when needed.
      if (!nlp.analyzer) nlp.local.warmUp();
    },
    async close(deadlineMs = config.shutdownDeadlineMs) {
      readiness.draining();
      durable?.stopMaintenance();
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
        [
          redis?.client.isOpen ? redis.client.quit() : undefined,
          ...databases.map((db) => db.close()),
          nlp.analyzer?.close(),
          tracer ? stopTracing(tracer) : undefined,
        ],
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
