import { Logger } from 'pino';
import { CacheTier } from '../cache/cache-tier';
import { PostgresTier } from '../cache/postgres-tier';
import { GuardedTier } from '../cache/tiered-cache';
import { RuntimeConfig } from '../config';
import { Exposure } from '../experiments/experiment-engine';
import { Analysis } from '../nlp/enrichment-types';
import { ConversationSnapshot } from '../quality/conversation-tracker';
import { DependencyGuard } from '../resilience/dependency-guard';
import { RecordSink, WriteBehindQueue, WriteBehindQueueOptions } from '../resilience/write-behind-queue';
import { RuntimeMetrics } from '../telemetry/metrics';
import type { TurnEvent } from './turn-event-writer';
import { writeConversations } from './conversation-writer';
import { Database, PostgresDatabase, openDatabase } from './database';
import { writeDeadLetter } from './dead-letters';
import { writeExposures } from './exposure-writer';
import { FeedbackRecord, writeFeedback } from './feedback-writer';
import { runMaintenance } from './maintenance';
import type { SqliteDatabase } from './sqlite-database';
import { migrate } from './migrations';
import { isRefusedByPostgres, sqlState } from './postgres-refusal';
import { routeBySession, shardFor } from './shard-router';
import { writeTurnEvents } from './turn-event-writer';

/**
 * The durable side of the runtime — the turn log, conversations, feedback, experiment exposures
 * and the L3 cache — over one database or several shards. Each shard has its own queues, guard,
 * migrations and maintenance, so a shard that is down holds back only its own sessions' writes.
 */
export interface DurableStores {
  /** Shard 0 first; one entry when unsharded (or embedded). */
  readonly databases: Database[];
  readonly queues: WriteBehindQueue<unknown>[];
  readonly events: RecordSink<TurnEvent>;
  readonly conversations: RecordSink<ConversationSnapshot>;
  readonly exposures: RecordSink<Exposure>;
  /** Commit one feedback record on its session's shard (not queued: the client is answered after the commit). */
  readonly storeFeedback: (record: FeedbackRecord) => Promise<void>;
  /** L3, read through the guards of the shards. */
  readonly l3: GuardedTier;
  /** One guard per shard: `postgres`, then `postgres-s1`, `postgres-s2`, … */
  readonly guards: DependencyGuard[];
  /** Resolves when every shard's schema is migrated (each retried in the background while its server is down). */
  readonly schemaReady: Promise<void>;
  /** Shards whose schema is not migrated yet. */
  schemaPending(): number;
  /** Stop the maintenance timer (shutdown). */
  stopMaintenance(): void;
}

export interface DurableStoreDeps {
  readonly logger: Logger;
  readonly metrics: RuntimeMetrics;
  /** A breaker and deadline for a dependency, registered with the metrics. */
  readonly guard: (name: string, maxConcurrent: number, timeoutMs: number) => DependencyGuard;
}

/** Open the configured database(s) and start their migrations; undefined with DATABASE_MODE=off. */
export async function openDurableStores(config: RuntimeConfig, deps: DurableStoreDeps): Promise<DurableStores | undefined> {
  if (config.database.mode === 'off') return undefined;
  const { logger, metrics } = deps;
  const d = config.database;
  const databases: Database[] =
    d.mode === 'postgres'
      ? // A pool connects nothing until its first query: no shard can hold back the start.
        d.shardUrls.map((url) => new PostgresDatabase({ url, iamAuth: d.iamAuth, tlsCa: d.tlsCa, tlsServerName: d.tlsServerName }))
      : [
          await openDatabase({
            embedded: d.mode === 'pglite' ? 'pglite' : 'embedded',
            embeddedPath: d.embeddedPath,
            pgliteDataDir: d.pgliteDataDir,
          }),
        ];
  const suffix = (shard: number) => (shard === 0 ? '' : `-s${shard}`);
  for (const db of databases) {
    if (db.kind === 'sqlite') metrics.watchMemory('sqlite-statements', () => (db as SqliteDatabase).statementCacheUsage());
  }

  let migrated = 0;
  const schemaReady = Promise.all(
    databases.map((db, shard) =>
      migrateWithRetry(db, logger, shard).then(() => {
        migrated += 1;
      }),
    ),
  ).then(() => undefined);

  // Roll partitions, drop months past retention, purge expired cache rows. Not through the
  // request-path guard: DDL may take longer than its deadline, and a failed round just waits for the next.
  const maintain = () =>
    Promise.all(
      databases.map((db, shard) =>
        runMaintenance(db, { turnEventsRetentionMonths: d.turnEventsRetentionMonths })
          .then((r) => logger.info({ event: 'db.maintenance', shard, ...r }, 'database maintenance'))
          .catch((error: unknown) => logger.warn({ err: error, shard }, 'database maintenance skipped')),
      ),
    );
  const maintenanceTimer = setInterval(() => void schemaReady.then(maintain), d.maintenanceIntervalMinutes * 60_000);
  maintenanceTimer.unref();

  const queues: WriteBehindQueue<unknown>[] = [];
  const weights = config.quality.weights;
  // Every durable write goes through its own queue per shard: retried with backoff while the
  // shard is down, drained on SIGTERM, and a record the database refuses is dead-lettered
  // (on the same shard) instead of blocking the queue.
  const queueOptions = (db: Database, name: string): Omit<WriteBehindQueueOptions<unknown>, 'name' | 'flush'> => ({
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
  const perShard = <T>(stream: string, flush: (db: Database, batch: T[]) => Promise<void>): WriteBehindQueue<T>[] =>
    databases.map((db, shard) => {
      const name = `${stream}${suffix(shard)}`;
      const queue = new WriteBehindQueue<T>({
        name,
        flush: (batch) => flush(db, batch),
        ...(queueOptions(db, name) as Omit<WriteBehindQueueOptions<T>, 'name' | 'flush'>),
      });
      queues.push(queue as WriteBehindQueue<unknown>);
      return queue;
    });

  const guards = databases.map((_, shard) => deps.guard(`postgres${suffix(shard)}`, 32, config.timeouts.databaseReadMs));
  const l3Tiers = databases.map((db, shard) => {
    const name = `l3-cache${suffix(shard)}`;
    const tier = new PostgresTier(db, queueOptions(db, name) as ConstructorParameters<typeof PostgresTier>[1], name);
    queues.push(tier.queue as WriteBehindQueue<unknown>);
    return tier;
  });
  const events = routeBySession(
    perShard<TurnEvent>('turn-events', (db, batch) => writeTurnEvents(db, batch)),
    (e) => e.sessionId,
  );
  const conversations = routeBySession(
    perShard<ConversationSnapshot>('conversations', (db, batch) => writeConversations(db, batch, weights)),
    (c) => c.sessionId,
  );
  const exposures = routeBySession(
    perShard<Exposure>('experiment-exposures', (db, batch) => writeExposures(db, batch)),
    (e) => e.sessionId,
  );
  metrics.watchQueues(queues);

  return {
    databases,
    queues,
    events,
    conversations,
    exposures,
    storeFeedback: (record) => writeFeedback(databases[shardFor(record.sessionId, databases.length)], [record], weights),
    // One shard: the tier behind its guard, as before. Several: each key's shard, behind that shard's guard.
    l3:
      databases.length === 1
        ? { tier: l3Tiers[0], guard: guards[0], writesQueued: true }
        : { tier: new ShardedCacheTier(l3Tiers, guards), writesQueued: true },
    guards,
    schemaReady,
    schemaPending: () => databases.length - migrated,
    stopMaintenance: () => clearInterval(maintenanceTimer),
  };
}

/**
 * L3 over the shards: a cache entry lives on the shard its key hashes to (the same rendezvous
 * hash as sessions), read through that shard's guard, so an open breaker on one shard misses
 * only its share of the keys.
 */
class ShardedCacheTier implements CacheTier {
  readonly name = 'l3' as const;

  constructor(
    private readonly tiers: readonly PostgresTier[],
    private readonly guards: readonly DependencyGuard[],
  ) {}

  get(key: string): Promise<Analysis | undefined> {
    const shard = shardFor(key, this.tiers.length);
    return this.guards[shard].execute(() => this.tiers[shard].get(key));
  }

  set(key: string, value: Analysis, ttlSeconds: number): Promise<void> {
    return this.tiers[shardFor(key, this.tiers.length)].set(key, value, ttlSeconds);
  }
}

/** Migrate, retrying with backoff while the database is unreachable (instances start before it on a fresh deploy). */
async function migrateWithRetry(database: Database, logger: Logger, shard: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const applied = await migrate(database);
      if (applied.length > 0) logger.info({ applied, shard }, 'schema migrated');
      return;
    } catch (error) {
      logger.warn({ err: error, attempt, shard }, 'schema migration failed; retrying');
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 10_000)).unref?.());
    }
  }
}
