import type { Queryable } from './database-interface';

/** What one read of every shard returned: each shard's answer (undefined where it failed) and the failures. */
export interface EveryShard<T> {
  /** By shard index; undefined for a shard that could not be read. */
  readonly results: ReadonlyArray<T | undefined>;
  /** The shards that could not be read, by index, with why. Empty when every shard answered. */
  readonly failed: ReadonlyArray<{ readonly shard: number; readonly error: Error }>;
}

/**
 * Run `read` on every shard at once (shard order, as DATABASE_SHARD_URLS lists them) and keep
 * going when some fail: a shard that is down must not hide what the others know. The caller
 * decides what a partial answer means (a sum over the shards read is a lower bound, a ratio is
 * only the readable shards'). Each shard's own deadlines apply (PostgresDatabase: 2 s to connect,
 * 6 s per query), so one hung shard delays the answer by at most that.
 *
 * For aggregates: each shard aggregates its own rows and only the aggregates cross the network
 * (sum counts, union sets). A session lives on one shard (shard-router.ts), so per-session counts
 * are disjoint across shards.
 */
export async function readEveryShard<T>(
  shards: readonly Queryable[],
  read: (shard: Queryable, index: number) => Promise<T>,
): Promise<EveryShard<T>> {
  const settled = await Promise.allSettled(shards.map((shard, index) => read(shard, index)));
  return {
    results: settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined)),
    failed: settled.flatMap((s, shard) =>
      s.status === 'rejected' ? [{ shard, error: s.reason instanceof Error ? s.reason : new Error(String(s.reason)) }] : [],
    ),
  };
}

/** Thrown when no shard could be read: there is no answer at all, not even a partial one. */
export class NoShardReadable extends Error {
  constructor(
    readonly what: string,
    readonly failed: ReadonlyArray<{ readonly shard: number; readonly error: Error }>,
  ) {
    super(`${what}: no shard could be read (${failed.map((f) => `shard ${f.shard}: ${f.error.message}`).join('; ')})`);
    this.name = 'NoShardReadable';
  }
}
