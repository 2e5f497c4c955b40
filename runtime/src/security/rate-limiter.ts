import { LRUCache } from 'lru-cache';
import type { RedisClientType } from 'redis';
import { DependencyGuard } from '../resilience/dependency-guard';
import { SharedWindowCounter } from './shared-window-counter';

/** Redis and the guard every Redis call of the runtime goes through. */
export interface SharedRateStore {
  readonly client: RedisClientType;
  readonly guard: DependencyGuard;
}

/**
 * Requests per minute per Dialogflow session (a runaway client or a replay attack hits one
 * session; an agent-wide burst is Cloud Armor's job at the edge). With Redis the count is
 * shared by all instances, through the Redis guard: a Redis that fails, hangs (its deadline
 * counts towards the breaker) or has an open breaker hands the decision to this instance's
 * in-memory count at once, rather than letting everything through or holding the turn.
 */
export class SessionRateLimiter {
  private readonly memory: LocalWindowCounter;
  private readonly shared?: SharedWindowCounter;

  constructor(
    private readonly perMinute: number,
    store?: SharedRateStore,
    options: { readonly maxSessions?: number } = {},
  ) {
    this.memory = new LocalWindowCounter(perMinute, WINDOW_MS, options.maxSessions ?? DEFAULT_MAX_LOCAL_SESSIONS);
    if (store) this.shared = new SharedWindowCounter(store.client, store.guard, WINDOW_MS);
  }

  /** Undefined when allowed, else seconds until the caller may retry. */
  async consume(key: string): Promise<number | undefined> {
    if (this.shared) {
      try {
        // A caller over its limit is an answer from Redis, not a Redis failure (the breaker does not count it).
        const { count, resetInMs } = await this.shared.count(key);
        return count > this.perMinute ? Math.max(1, Math.ceil(resetInMs / 1000)) : undefined;
      } catch {
        // Redis failed, hung past its deadline or its breaker is open: count on this instance meanwhile.
      }
    }
    return this.memory.consume(key);
  }

  /** How full the per-instance counters are (telemetry/metrics.ts `runtime_memory_*`). */
  memoryUsage(): { entries: number; maxEntries: number } {
    return { entries: this.memory.size, maxEntries: this.memory.maxSessions };
  }
}

/**
 * Sessions counted per instance at most: one minute's distinct sessions on one instance (far above
 * what one Cloud Run instance serves: 80 concurrent requests × 60 s ÷ a 50 ms turn ≈ 96,000 turns).
 * Past it the least recently seen session's count is forgotten (it starts again from zero), so
 * memory stays bounded under a flood of new session ids; the edge (Cloud Armor) limits per IP.
 */
const DEFAULT_MAX_LOCAL_SESSIONS = 100_000;

/** The limit is per minute: one fixed window of 60 s per session, opened by its first request. */
const WINDOW_MS = 60_000;

/**
 * Fixed-window counts per key, as the shared counter keeps them in Redis (a window
 * opens at a key's first request and lasts `windowMs`), in an LRU bounded in entries. Closed
 * windows are purged once per window length by one timer (no timer per key), so an idle instance
 * soon holds nothing.
 */
class LocalWindowCounter {
  private readonly windows: LRUCache<string, { count: number; resetAt: number }>;

  constructor(
    private readonly points: number,
    private readonly windowMs: number,
    readonly maxSessions: number,
  ) {
    this.windows = new LRUCache({ max: maxSessions, ttl: windowMs, ttlAutopurge: false, updateAgeOnGet: false });
    // One timer for all keys: closed windows are dropped once per window length.
    setInterval(() => this.windows.purgeStale(), windowMs).unref();
  }

  get size(): number {
    return this.windows.size;
  }

  /** Undefined when allowed, else seconds until the window resets. */
  consume(key: string): number | undefined {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window, { ttl: this.windowMs });
    }
    window.count += 1;
    return window.count > this.points ? Math.max(1, Math.ceil((window.resetAt - now) / 1000)) : undefined;
  }
}
