import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';

/**
 * Requests per minute per Dialogflow session (a runaway client or a replay attack hits one
 * session; an agent-wide burst is Cloud Armor's job at the edge). With Redis the count is
 * shared by all instances; when Redis fails, the in-memory limiter takes over per instance
 * (rate-limiter-flexible's insurance limiter) rather than letting everything through.
 */
export class SessionRateLimiter {
  private readonly limiter: RateLimiterRedis | RateLimiterMemory;

  constructor(perMinute: number, redis?: RedisClientType) {
    const memory = new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix: 'rl' });
    this.limiter = redis
      ? new RateLimiterRedis({
          storeClient: redis,
          useRedisPackage: true,
          points: perMinute,
          duration: 60,
          keyPrefix: 'rl',
          // Never wait long on Redis for a rate decision; the insurance limiter answers instead.
          insuranceLimiter: memory,
          rejectIfRedisNotReady: true,
        })
      : memory;
  }

  /** Undefined when allowed, else seconds until the caller may retry. */
  async consume(key: string): Promise<number | undefined> {
    try {
      await this.limiter.consume(key);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      // The limiter itself failed (both stores): fail open, the edge still limits per IP.
      return undefined;
    }
  }
}
