import { createHash } from 'node:crypto';
import { ShardMap } from '../../constructs/multi-region-db/shard-map';

/** A realistic key set: Dialogflow CX agent names with UUID agent ids, as the runtime sees them. */
const TENANTS = Array.from({ length: 8_000 }, (_, i) => {
  const h = createHash('sha256').update(`tenant-${i}`).digest('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return `projects/acme-${i % 37}/locations/global/agents/${uuid}`;
});

function counts(shardCount: number): number[] {
  const out = new Array<number>(shardCount).fill(0);
  for (const t of TENANTS) out[ShardMap.shardFor(t, shardCount)]++;
  return out;
}

describe('ShardMap', () => {
  test('is deterministic: same tenant, same count, same shard (and known values do not drift)', () => {
    for (const t of TENANTS.slice(0, 500)) expect(ShardMap.shardFor(t, 4)).toBe(ShardMap.shardFor(t, 4));
    // Pinned answers: a change to the hash would silently move every tenant's data.
    const pinned = ['tenant-a', 'tenant-b', 'tenant-c', 'tenant-d', 'tenant-e', 'tenant-f', 'tenant-g', 'tenant-h'];
    expect(pinned.map((t) => ShardMap.shardFor(t, 4))).toEqual([0, 3, 1, 0, 2, 0, 0, 2]);
    expect(ShardMap.shardFor('anything', 1)).toBe(0);
  });

  test.each([2, 3, 4, 8, 16])('balances %i shards within ±10 %% of an even share', (n) => {
    const even = TENANTS.length / n;
    for (const c of counts(n)) {
      expect(c).toBeGreaterThan(even * 0.9);
      expect(c).toBeLessThan(even * 1.1);
    }
  });

  test.each([1, 2, 3, 4, 7])('adding a shard to %i moves about 1/(N+1) of tenants, all to the new shard', (n) => {
    const moved = TENANTS.filter((t) => ShardMap.shardFor(t, n) !== ShardMap.shardFor(t, n + 1));
    const expected = 1 / (n + 1);
    expect(Math.abs(moved.length / TENANTS.length - expected)).toBeLessThan(0.025);
    for (const t of moved) expect(ShardMap.shardFor(t, n + 1)).toBe(n);
  });

  test('assign maps every tenant to its shard', () => {
    const map = ShardMap.assign(TENANTS.slice(0, 10), 3);
    expect(Object.keys(map)).toHaveLength(10);
    for (const [t, s] of Object.entries(map)) expect(s).toBe(ShardMap.shardFor(t, 3));
  });

  test.each([0, -1, 1.5, Number.NaN])('refuses shardCount %p', (n) => {
    expect(() => ShardMap.shardFor('t', n)).toThrow(/shardCount is .*: use a whole number ≥ 1/);
  });
});
