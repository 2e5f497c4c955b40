import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { DependencyGuard } from '../resilience/dependency-guard';

/** One request's place in its key's window: its count so far (itself included) and the window's time left. */
export interface WindowCount {
  readonly count: number;
  readonly resetInMs: number;
}

/**
 * Count every key of the batch in one call: INCR, and a window that opens (PEXPIRE) at a key's
 * first request, as rate-limiter-flexible's fixed window does (same `rl:` keys, so instances of
 * the previous release and this one count together during a rollout). A key found without an
 * expiry (a write lost between INCR and PEXPIRE on a failover) gets one instead of living forever.
 * Returns count and time left, flattened: `[count1, ttl1, count2, ttl2, …]`.
 */
const SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  out[2 * i - 1] = count
  out[2 * i] = ttl
end
return out
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

/**
 * Keys per script call. Redis runs a script alone, so a batch blocks every other client for its
 * duration: 256 keys × 3 commands is well under a millisecond.
 */
const MAX_KEYS_PER_CALL = 256;

/**
 * Fixed-window request counts in Redis, shared by every instance, with one round trip per batch
 * instead of one per request.
 *
 * Why not rate-limiter-flexible's `RateLimiterRedis` (which this replaces): it costs a command,
 * a guarded call and a handful of promises per request. On the warm path that was 14.5% of the
 * runtime's CPU (docs/performance/optimization_report.md), the largest share of any dependency.
 * Requests that arrive in the same turn of the event loop — many, under load — are counted here
 * by one script call (`setImmediate`: the batch closes once the loop has read every socket that
 * was ready), so a busy instance pays per batch and an idle one waits no longer than before.
 *
 * Failures are shared by the batch: when the call fails, times out or the guard's breaker is open,
 * every request of the batch is rejected and the caller falls back (rate-limiter.ts counts on the
 * instance meanwhile).
 */
export class SharedWindowCounter {
  private pending: Array<{ key: string; resolve: (count: WindowCount) => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly client: RedisClientType,
    private readonly guard: DependencyGuard,
    private readonly windowMs: number,
    private readonly keyPrefix = 'rl:',
  ) {}

  /** Count one request against `key`'s window. */
  count(key: string): Promise<WindowCount> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Requests waiting for the next call (it empties every turn of the loop; tests read it). */
  get waiting(): number {
    return this.pending.length;
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_KEYS_PER_CALL);
      const keys = batch.map((b) => this.keyPrefix + b.key);
      this.guard
        .execute(() => this.run(keys))
        .then(
          (reply) => {
            for (let i = 0; i < batch.length; i++) {
              const count = Number(reply[2 * i]);
              const resetInMs = Number(reply[2 * i + 1]);
              if (Number.isFinite(count) && Number.isFinite(resetInMs)) batch[i].resolve({ count, resetInMs });
              else batch[i].reject(new Error(`rate-limit script replied ${JSON.stringify(reply)} for ${batch.length} keys`));
            }
          },
          (error: unknown) => {
            for (const b of batch) b.reject(error);
          },
        );
    }
  }

  /** EVALSHA, loading the script with EVAL when Redis does not have it (first call, restart, failover). */
  private async run(keys: string[]): Promise<unknown[]> {
    const options = { keys, arguments: [String(this.windowMs)] };
    try {
      return (await this.client.evalSha(SCRIPT_SHA, options)) as unknown[];
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return (await this.client.eval(SCRIPT, options)) as unknown[];
    }
  }
}
