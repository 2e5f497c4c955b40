export interface WriteBehindQueueOptions<T> {
  /** Name for metrics and logs, e.g. `l3-cache` or `turn-events`. */
  readonly name: string;
  /** Writes one batch; throws when the store is unavailable (the batch is kept and retried). */
  readonly flush: (batch: T[]) => Promise<void>;
  /** Items per flush (one multi-row statement). @default 500 */
  readonly maxBatch?: number;
  /** Flush cadence while healthy. @default 250 */
  readonly intervalMs?: number;
  /** Items held while the store is down; beyond this the oldest are dropped and counted. @default 100000 */
  readonly capacity?: number;
  /** Longest pause between retries while the store is down. @default 10000 */
  readonly maxBackoffMs?: number;
  readonly onFlushError?: (error: unknown, pending: number) => void;
  readonly onDrop?: (count: number) => void;
}

/**
 * Writes that must not block a reply and must not be lost when the store is briefly down: they
 * are queued in memory and written in batches in the background; a failed batch stays at the
 * head of the queue and is retried with exponential backoff until the store returns. `drain`
 * flushes what is left on shutdown. Writes are idempotent upserts, so a batch written twice
 * (a flush that failed after the commit) stores nothing twice.
 *
 * The queue is memory-bounded: past `capacity` the oldest items are dropped and counted, so
 * an outage longer than the buffer shows up on `/metrics` instead of as an out-of-memory crash.
 */
export class WriteBehindQueue<T> {
  private readonly items: T[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private failures = 0;
  private nextAttemptAt = 0;
  private dropped = 0;
  private readonly maxBatch: number;
  private readonly capacity: number;

  constructor(private readonly options: WriteBehindQueueOptions<T>) {
    this.maxBatch = options.maxBatch ?? 500;
    this.capacity = options.capacity ?? 100_000;
    this.timer = setInterval(() => void this.flushOnce(), options.intervalMs ?? 250);
    this.timer.unref();
  }

  get name(): string {
    return this.options.name;
  }

  /** Items waiting to be written. */
  get pending(): number {
    return this.items.length;
  }

  /** At capacity: the next enqueue drops the oldest item. Callers that must not lose a write refuse new ones instead. */
  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  /** Items dropped because the queue was full, since start. */
  get droppedTotal(): number {
    return this.dropped;
  }

  enqueue(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) {
      const excess = this.items.length - this.capacity;
      this.items.splice(0, excess);
      this.dropped += excess;
      this.options.onDrop?.(excess);
    }
  }

  /** Write one batch unless one is in flight or the backoff says wait. */
  flushOnce(): Promise<void> {
    if (this.flushing || this.items.length === 0 || Date.now() < this.nextAttemptAt) return this.flushing ?? Promise.resolve();
    const batch = this.items.slice(0, this.maxBatch);
    this.flushing = this.options
      .flush(batch)
      .then(() => {
        this.items.splice(0, batch.length);
        this.failures = 0;
        this.nextAttemptAt = 0;
        // A full batch means more is waiting: keep writing instead of waiting for the next tick,
        // or the queue's throughput would be capped at maxBatch per interval.
        if (this.items.length >= this.maxBatch) setImmediate(() => void this.flushOnce());
      })
      .catch((error: unknown) => {
        this.failures += 1;
        this.nextAttemptAt = Date.now() + Math.min(this.options.maxBackoffMs ?? 10_000, 100 * 2 ** this.failures);
        this.options.onFlushError?.(error, this.items.length);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  /** Flush everything that can be written before `deadlineMs` elapses; returns what is left. */
  async drain(deadlineMs: number): Promise<number> {
    const end = Date.now() + deadlineMs;
    while (this.items.length > 0 && Date.now() < end) {
      await this.flushing;
      this.nextAttemptAt = Math.min(this.nextAttemptAt, Date.now() + 50);
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(this.nextAttemptAt - Date.now(), end - Date.now()))));
      await this.flushOnce();
    }
    return this.items.length;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
