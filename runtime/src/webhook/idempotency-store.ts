import { LRUCache } from 'lru-cache';
import type { RedisClientType } from 'redis';
import { DependencyGuard } from '../resilience/dependency-guard';

/** How long a reply is replayed for a retried request; Dialogflow retries within seconds. */
const TTL_SECONDS = 600;
/** Replies kept per instance, counted in UTF-16 code units (a reply is at most 64 KiB; most are under 2 KiB). */
const LOCAL_MAX_CHARS = 16 * 1024 * 1024;

/**
 * Dialogflow may deliver the same turn twice (a retry after a timeout). Handlers have side
 * effects (counting negative turns, handing over to a human), and the runtime records every
 * turn (turn log, conversation quality), so the reply to `detectIntentResponseId` + tag is
 * stored and a repeat gets the same bytes without running anything again. Concurrent duplicates
 * join the first one's work. Stored per instance (an LRU bounded in size and age) and, for
 * `shared` replies when Redis is there, across instances.
 */
export class IdempotencyStore {
  private readonly local = new LRUCache<string, string>({
    max: 50_000,
    maxSize: LOCAL_MAX_CHARS,
    sizeCalculation: (body, key) => body.length + key.length,
    ttl: TTL_SECONDS * 1000,
  });
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly redis?: RedisClientType,
    private readonly guard?: DependencyGuard,
  ) {}

  /**
   * The stored reply for `key`, or the result of `produce` (stored for next time). An empty key
   * (a request without a response id) is never deduplicated. `shared: false` keeps the reply on
   * this instance only (no Redis round trip on the reply path).
   */
  async once(key: string, produce: () => Promise<string>, { shared = true } = {}): Promise<{ body: string; replayed: boolean }> {
    if (!key) return { body: await produce(), replayed: false };
    const stored = this.local.get(key) ?? (shared ? await this.remoteGet(key) : undefined);
    if (stored !== undefined) return { body: stored, replayed: true };
    const running = this.inFlight.get(key);
    if (running) return { body: await running, replayed: true };
    const work = produce()
      .then((body) => {
        this.local.set(key, body);
        if (shared) void this.remoteSet(key, body);
        return body;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return { body: await work, replayed: false };
  }

  private async remoteGet(key: string): Promise<string | undefined> {
    if (!this.redis || !this.guard) return undefined;
    try {
      return (await this.guard.execute(() => this.redis!.get(`idem:${key}`))) ?? undefined;
    } catch {
      return undefined;
    }
  }

  private async remoteSet(key: string, body: string): Promise<void> {
    if (!this.redis || !this.guard) return;
    try {
      await this.guard.execute(() => this.redis!.set(`idem:${key}`, body, { EX: TTL_SECONDS }));
    } catch {
      // The local copy still covers retries that land on this instance.
    }
  }
}
