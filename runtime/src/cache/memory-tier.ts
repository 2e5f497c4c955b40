import { LRUCache } from 'lru-cache';
import { Analysis } from '../nlp/enrichment-types';
import { CacheTier } from './cache-tier';

/** L1: per-instance LRU bounded by bytes (approximate: JSON length) with a TTL. */
export class MemoryTier implements CacheTier {
  readonly name = 'l1' as const;
  private readonly lru: LRUCache<string, Analysis>;

  constructor(maxBytes: number, ttlSeconds: number) {
    this.lru = new LRUCache<string, Analysis>({
      maxSize: maxBytes,
      sizeCalculation: (value, key) => key.length + JSON.stringify(value).length,
      ttl: ttlSeconds * 1000,
      // An expired entry is not worth a timer per key; it is dropped when read or evicted.
      ttlAutopurge: false,
    });
  }

  get size(): number {
    return this.lru.size;
  }

  /** Bytes held, as counted against the bound (key and JSON length). */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  async get(key: string): Promise<Analysis | undefined> {
    return this.lru.get(key);
  }

  /** Synchronous read for the hot path: no promise when the answer is in memory. */
  peek(key: string): Analysis | undefined {
    return this.lru.get(key);
  }

  async set(key: string, value: Analysis, ttlSeconds: number): Promise<void> {
    this.lru.set(key, value, { ttl: ttlSeconds * 1000 });
  }
}
