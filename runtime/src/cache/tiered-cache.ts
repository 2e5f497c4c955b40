import { SpanStatusCode, trace } from '@opentelemetry/api';
import { Analysis } from '../nlp/enrichment-types';
import { DependencyGuard } from '../resilience/dependency-guard';
import { RuntimeMetrics } from '../telemetry/metrics';
import { CacheTier, TierName } from './cache-tier';
import { MemoryTier } from './memory-tier';

const tracer = trace.getTracer('convai-webhook');

/**
 * The store behind each remote tier, as the OpenTelemetry `db.system.name` attribute: Cloud Trace
 * shows it on the span, so a slow turn's trace says which database it waited on.
 */
const TIER_STORE: Record<TierName, string | undefined> = { l1: undefined, l2: 'redis', l3: 'postgresql' };

export interface GuardedTier {
  readonly tier: CacheTier;
  /** Breaker/timeout for a remote tier; L1 needs none. */
  readonly guard?: DependencyGuard;
  /**
   * The tier queues its own writes and retries them (L3): writes bypass the guard, so an open
   * breaker does not drop a write the queue would have delivered later.
   */
  readonly writesQueued?: boolean;
}

export interface CacheHit {
  readonly value: Analysis;
  readonly tier: TierName;
}

/**
 * Read-through over the tiers, fastest first: a hit in a lower tier is copied into the tiers
 * above it. A tier that errors, times out or has an open breaker counts as a miss and only that
 * tier is skipped; the others keep serving.
 */
export class TieredCache {
  constructor(
    private readonly l1: MemoryTier,
    private readonly remote: GuardedTier[],
    private readonly ttlSeconds: number,
    private readonly metrics: RuntimeMetrics,
    private readonly onTierError: (tier: TierName, error: unknown) => void = () => undefined,
  ) {}

  /** L1 only, synchronously: the hot path for repeated texts. */
  peek(key: string): Analysis | undefined {
    const value = this.l1.peek(key);
    this.metrics.cacheRequests.inc({ tier: 'l1', result: value ? 'hit' : 'miss' });
    return value;
  }

  /** L2 then L3 (call after `peek` missed). */
  async getRemote(key: string): Promise<CacheHit | undefined> {
    const missed: GuardedTier[] = [];
    for (const entry of this.remote) {
      const value = await this.read(entry, key);
      if (value) {
        void this.l1.set(key, value, this.ttlSeconds);
        for (const upper of missed) void this.write(upper, key, value);
        return { value, tier: entry.tier.name };
      }
      missed.push(entry);
    }
    return undefined;
  }

  /** Write to every tier; remote writes happen in the background and never fail the caller. */
  set(key: string, value: Analysis): void {
    void this.l1.set(key, value, this.ttlSeconds);
    for (const entry of this.remote) void this.write(entry, key, value);
  }

  private read(entry: GuardedTier, key: string): Promise<Analysis | undefined> {
    const tier = entry.tier.name;
    return tracer.startActiveSpan(`cache.${tier}.get`, async (span) => {
      const store = TIER_STORE[tier];
      if (store) span.setAttribute('db.system.name', store);
      try {
        const value = entry.guard ? await entry.guard.execute(() => entry.tier.get(key)) : await entry.tier.get(key);
        this.metrics.cacheRequests.inc({ tier, result: value ? 'hit' : 'miss' });
        span.setAttribute('cache.hit', value !== undefined);
        return value;
      } catch (error) {
        this.metrics.cacheRequests.inc({ tier, result: 'error' });
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'tier unavailable' });
        this.onTierError(tier, error);
        return undefined;
      } finally {
        span.end();
      }
    });
  }

  private async write(entry: GuardedTier, key: string, value: Analysis): Promise<void> {
    try {
      if (entry.guard && !entry.writesQueued) await entry.guard.execute(() => entry.tier.set(key, value, this.ttlSeconds));
      else await entry.tier.set(key, value, this.ttlSeconds);
    } catch (error) {
      this.onTierError(entry.tier.name, error);
    }
  }
}
