import { RedisClientType } from 'redis';
import { Analysis } from '../nlp/enrichment-types';
import { CacheTier } from './cache-tier';

const PREFIX = 'nlp:v1:';

/** L2: Redis (Memorystore in production), shared by every instance in a region. */
export class RedisTier implements CacheTier {
  readonly name = 'l2' as const;

  constructor(private readonly client: RedisClientType) {}

  async get(key: string): Promise<Analysis | undefined> {
    const raw = await this.client.get(PREFIX + key);
    return raw ? (JSON.parse(raw) as Analysis) : undefined;
  }

  async set(key: string, value: Analysis, ttlSeconds: number): Promise<void> {
    await this.client.set(PREFIX + key, JSON.stringify(value), { EX: ttlSeconds });
  }
}
