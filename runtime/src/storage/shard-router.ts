import type { RecordSink } from '../resilience/write-behind-queue';

/**
 * Which database shard holds a Dialogflow session: rendezvous (highest-random-weight) hashing of
 * the session id over the shards listed in DATABASE_SHARD_URLS — the same function, bit for bit,
 * as `ShardMap.shardFor` in constructs/multi-region-db/shard-map.ts, which places tenants on the
 * shards `MultiRegionDb` creates (the runtime is a separate package and cannot import the
 * construct library; test/runtime/shard-routing.test.ts checks both agree on 100,000 keys).
 *
 * Why rendezvous: the answer depends only on the key and the shard count (every instance in every
 * region agrees, with no lookup), each shard gets 1/N of the sessions, and adding shard N moves
 * only the keys the new shard wins — an expected 1/(N+1) of them, all to the new shard; nothing
 * moves between the old shards. What a move means for a session that is in flight when a shard is
 * added is in docs/performance/startup-and-memory.md ("Sharding").
 */
export function shardFor(key: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new Error(`shardFor: shardCount is ${shardCount}: use a whole number ≥ 1`);
  if (shardCount === 1) return 0;
  let best = 0;
  let bestScore = -1;
  for (let shard = 0; shard < shardCount; shard++) {
    const score = hash32(`${key}#${shard}`);
    // Ties (1 in 2^32) go to the lower shard, so the result stays deterministic.
    if (score > bestScore) {
      best = shard;
      bestScore = score;
    }
  }
  return best;
}

/** FNV-1a over the UTF-16 code units, then the murmur3 finalizer. Unsigned 32-bit. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * One write stream (turn events, conversations, exposures) over the shards: each record goes to
 * the queue of its session's shard, so a shard that is down holds back only its own writes.
 */
export class ShardedSink<T> implements RecordSink<T> {
  constructor(
    private readonly sinks: ReadonlyArray<RecordSink<T>>,
    private readonly keyOf: (item: T) => string,
  ) {}

  enqueue(item: T): void {
    this.sinks[shardFor(this.keyOf(item), this.sinks.length)].enqueue(item);
  }
}

/** `sinks[0]` itself when there is one shard (no hashing on the hot path), else a router over them. */
export function routeBySession<T>(sinks: ReadonlyArray<RecordSink<T>>, keyOf: (item: T) => string): RecordSink<T> {
  return sinks.length === 1 ? sinks[0] : new ShardedSink(sinks, keyOf);
}
