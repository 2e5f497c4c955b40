/**
 * Which database shard holds a tenant's data: a pure function with no dependencies, so the webhook
 * runtime imports the same code the infrastructure uses and both always agree.
 *
 * Rendezvous (highest-random-weight) hashing: every shard scores the tenant with a 32-bit hash of
 * `tenant + "#" + shard` and the highest score wins. Why this scheme:
 * - deterministic: the answer depends only on the tenant id and the shard count, never on state;
 * - balanced: each shard's expected share is 1/N (tests check ±10 % on a realistic key set);
 * - stable when a shard is added: going from N to N+1 shards moves a tenant only when the new shard
 *   out-scores all others, so the expected moved fraction is 1/(N+1) (1→2 moves 1/2, 2→3 moves 1/3,
 *   3→4 moves 1/4, ...), and every moved tenant moves to the new shard. Nothing moves between old
 *   shards. A modulo map would move about N/(N+1) of the tenants instead.
 *
 * The lookup costs O(N) hashes; shard counts are small (at most 16, see MultiRegionDb).
 */
export class ShardMap {
  /**
   * The shard (0-based) that holds `tenantId` when there are `shardCount` shards.
   * @param tenantId the tenant's stable id (e.g. the Dialogflow agent id or a customer id)
   * @param shardCount number of shards, a whole number ≥ 1
   */
  public static shardFor(tenantId: string, shardCount: number): number {
    if (!Number.isInteger(shardCount) || shardCount < 1) {
      throw new Error(`ShardMap.shardFor: shardCount is ${shardCount}: use a whole number ≥ 1`);
    }
    let best = 0;
    let bestScore = -1;
    for (let shard = 0; shard < shardCount; shard++) {
      const score = ShardMap.hash32(`${tenantId}#${shard}`);
      // Ties (1 in 2^32) go to the lower shard, so the result stays deterministic.
      if (score > bestScore) {
        best = shard;
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * The shard of each tenant, as a map from tenant id to shard index.
   * @param tenantIds tenant ids; duplicates collapse
   * @param shardCount number of shards, a whole number ≥ 1
   */
  public static assign(tenantIds: string[], shardCount: number): { [tenantId: string]: number } {
    const map: { [tenantId: string]: number } = {};
    for (const tenant of tenantIds) map[tenant] = ShardMap.shardFor(tenant, shardCount);
    return map;
  }

  /**
   * FNV-1a over the UTF-16 code units, then the murmur3 finalizer so that near-identical inputs
   * ("t-1#0", "t-1#1") get unrelated scores. Unsigned 32-bit result.
   */
  private static hash32(text: string): number {
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

  private constructor() {}
}
