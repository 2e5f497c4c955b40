import { LRUCache } from 'lru-cache';
import type { RedisClientType } from 'redis';
import { DependencyGuard } from '../resilience/dependency-guard';

/** How long a reply is replayed for a retried request; Dialogflow retries within seconds. */
const TTL_SECONDS = 600;
/**
 * How long another instance's claim on a turn holds before the turn may run again (its owner
 * crashed or hung): longer than a webhook's whole budget.
 */
const CLAIM_TTL_MS = 30_000;
/** How long a retry waits for the instance already running the turn to store its reply. */
const DEFAULT_WAIT_MS = 3_000;
const POLL_MS = 50;
/** Replies kept per instance, counted in UTF-16 code units (a reply is at most 64 KiB; most are under 2 KiB). */
const LOCAL_MAX_CHARS = 16 * 1024 * 1024;
const LOCAL_MAX_ENTRIES = 50_000;

/**
 * Dialogflow may deliver the same turn twice (a retry after a timeout). Handlers have side
 * effects (counting negative turns, handing over to a human), and the runtime records every
 * turn (turn log, conversation quality), so the reply to `detectIntentResponseId` + tag is
 * stored and a repeat gets the same bytes without running anything again. Concurrent duplicates
 * join the first one's work. Stored per instance (an LRU bounded in size and age) and, for
 * `shared` replies when Redis is there, across instances.
 *
 * Across instances, a retry usually arrives while the first delivery is still running elsewhere
 * (Dialogflow retries after its own timeout). So the first instance claims the turn in Redis
 * (`SET NX` with a TTL) before running it; a retry that finds the claim waits for the reply to
 * appear and replays it. Only when the claim disappears without a reply (its owner died), or the
 * wait runs out, does the retry run the turn itself: an answer within the budget matters more.
 * When Redis is unreachable every instance runs the turn (per-instance deduplication only).
 */
export class IdempotencyStore {
  private readonly local = new LRUCache<string, string>({
    max: LOCAL_MAX_ENTRIES,
    maxSize: LOCAL_MAX_CHARS,
    sizeCalculation: (body, key) => body.length + key.length,
    ttl: TTL_SECONDS * 1000,
  });
  private readonly inFlight = new Map<string, Promise<{ body: string; replayed: boolean }>>();

  private readonly waitMs: number;

  constructor(
    private readonly redis?: RedisClientType,
    private readonly guard?: DependencyGuard,
    options: { readonly waitMs?: number } = {},
  ) {
    this.waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  }

  /** How full the per-instance store is (telemetry/metrics.ts `runtime_memory_*`). */
  memoryUsage(): { entries: number; bytes: number; maxEntries: number; maxBytes: number } {
    return {
      entries: this.local.size + this.inFlight.size,
      bytes: this.local.calculatedSize,
      maxEntries: LOCAL_MAX_ENTRIES,
      maxBytes: LOCAL_MAX_CHARS,
    };
  }

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
    if (running) return { body: (await running).body, replayed: true };
    const work = this.claimAndProduce(key, produce, shared).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private async claimAndProduce(
    key: string,
    produce: () => Promise<string>,
    shared: boolean,
  ): Promise<{ body: string; replayed: boolean }> {
    if (shared && (await this.remoteClaim(key)) === 'taken') {
      const replay = await this.awaitRemote(key);
      if (replay !== undefined) {
        this.local.set(key, replay);
        return { body: replay, replayed: true };
      }
    }
    let body: string;
    try {
      body = await produce();
    } catch (error) {
      // Let a retry elsewhere run at once rather than wait out the claim.
      if (shared) void this.release(key);
      throw error;
    }
    this.local.set(key, body);
    if (shared) void this.remoteSet(key, body);
    return { body, replayed: false };
  }

  /** `claimed` (run it), `taken` (another instance is running it) or `unknown` (Redis unreachable: run it). */
  private async remoteClaim(key: string): Promise<'claimed' | 'taken' | 'unknown'> {
    if (!this.redis || !this.guard) return 'unknown';
    try {
      const set = await this.guard.execute(() => this.redis!.set(`idem:claim:${key}`, '1', { NX: true, PX: CLAIM_TTL_MS }));
      return set === 'OK' ? 'claimed' : 'taken';
    } catch {
      return 'unknown';
    }
  }

  /** The reply another instance stores for `key`, polled until its claim goes or `waitMs` passes. */
  private async awaitRemote(key: string): Promise<string | undefined> {
    const end = Date.now() + this.waitMs;
    while (Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      try {
        const [reply, claim] = await this.guard!.execute(() =>
          Promise.all([this.redis!.get(`idem:${key}`), this.redis!.exists(`idem:claim:${key}`)]),
        );
        if (reply !== null) return reply;
        if (claim === 0) return undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  private async remoteGet(key: string): Promise<string | undefined> {
    if (!this.redis || !this.guard) return undefined;
    try {
      return (await this.guard.execute(() => this.redis!.get(`idem:${key}`))) ?? undefined;
    } catch {
      return undefined;
    }
  }

  private async release(key: string): Promise<void> {
    try {
      await this.guard?.execute(() => this.redis!.del(`idem:claim:${key}`));
    } catch {
      // The claim expires on its own.
    }
  }

  private async remoteSet(key: string, body: string): Promise<void> {
    if (!this.redis || !this.guard) return;
    try {
      // Reply stored and claim released together: a waiting retry sees one or the other, never neither.
      await this.guard.execute(() => this.redis!.multi().set(`idem:${key}`, body, { EX: TTL_SECONDS }).del(`idem:claim:${key}`).exec());
    } catch {
      // The local copy still covers retries that land on this instance.
    }
  }
}
