/**
 * The runtime's remote tiers for the benchmark: real Redis (L2) and Postgres (L3) servers from
 * the system packages, started with test/runtime/support/local-servers.ts when present. Each
 * cold scenario starts from empty stores (FLUSHALL, TRUNCATE), so "cold" means cold everywhere.
 */
import { Client } from 'pg';
import { createClient } from 'redis';
import { PostgresServer, RedisServer } from '../../runtime/support/local-servers';
import { onCleanup } from './processes';

export interface Stores {
  readonly redis?: RedisServer;
  readonly postgres?: PostgresServer;
  /** Why a tier is absent, for the printed settings. */
  readonly notes: string[];
  /** Empty both stores (cache entries, rate-limit and idempotency keys, turn events). */
  reset(): Promise<void>;
}

export async function startStores(): Promise<Stores> {
  const notes: string[] = [];
  let redis: RedisServer | undefined;
  let postgres: PostgresServer | undefined;
  try {
    redis = await RedisServer.start();
    const r = redis;
    onCleanup(() => r.stop());
  } catch (error) {
    notes.push(`Redis (L2) off: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    postgres = await PostgresServer.start();
    const p = postgres;
    onCleanup(() => p.destroy());
  } catch (error) {
    notes.push(`Postgres (L3) off: ${(error as Error).message.split('\n')[0]}`);
  }
  return {
    redis,
    postgres,
    notes,
    async reset() {
      if (redis) {
        const client = createClient({ url: redis.url });
        await client.connect();
        await client.flushAll();
        await client.quit();
      }
      if (postgres) {
        const client = new Client({ connectionString: postgres.url });
        await client.connect();
        const { rows } = await client.query<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('nlp_cache_entries', 'turn_events')`,
        );
        if (rows.length > 0) await client.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')}`);
        await client.end();
      }
    },
  };
}
