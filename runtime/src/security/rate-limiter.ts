import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';
import { DependencyGuard } from '../resilience/dependency-guard';

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
  private readonly memory: RateLimiterMemory;
  private readonly shared?: { readonly limiter: RateLimiterRedis; readonly guard: DependencyGuard };

  constructor(perMinute: number, store?: SharedRateStore) {
    this.memory = new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix: 'rl' });
    if (store) {
      const limiter = new RateLimiterRedis({
        storeClient: store.client,
        useRedisPackage: true,
        points: perMinute,
        duration: 60,
        keyPrefix: 'rl',
        rejectIfRedisNotReady: true,
      });
      this.shared = { limiter, guard: store.guard };
    }
  }

  /** Undefined when allowed, else seconds until the caller may retry. */
  async consume(key: string): Promise<number | undefined> {
    if (this.shared) {
      try {
        // A caller over its limit is an answer from Redis, not a Redis failure: resolved, so the breaker does not count it.
        const { limiter, guard } = this.shared;
        const limited = await guard.execute(() => limiter.consume(key).then(() => undefined, overLimit));
        return limited && retryAfter(limited);
      } catch {
        // Redis failed, hung past its deadline or its breaker is open: count on this instance meanwhile.
      }
    }
    try {
      await this.memory.consume(key);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return retryAfter(rejection);
      return undefined; // the in-memory limiter cannot fail; if it did, fail open: the edge still limits per IP
    }
  }
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, with an Error when the store failed. */
function overLimit(rejection: unknown): RateLimiterRes {
  if (rejection instanceof RateLimiterRes) return rejection;
  throw rejection;
}

function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
