/**
 * What a queue does with a record its store refuses: Postgres answers some values with an error
 * that no retry can fix (a NUL in text, a number outside `real`), and a batch holding one of them
 * fails every time. Every queue must say how to tell such a refusal from an outage and where the
 * refused record goes, so one bad record can never stop the writes behind it.
 */
export interface RefusedRecords<T> {
  /** True when `error` is the records' fault (retrying the same values fails forever), false when it is the store's (down, slow). */
  readonly isRefusal: (error: unknown) => boolean;
  /** Keep a record the store refused, durably, with the reason; throws when it cannot (the record then stays queued and is retried). */
  readonly deadLetter: (item: T, error: unknown) => Promise<void>;
}

/** Where a producer hands records to be written behind: one queue, or a router over several (storage/shard-router.ts). */
export interface RecordSink<T> {
  enqueue(item: T): void;
}

export interface WriteBehindQueueOptions<T> {
  /** Name for metrics and logs, e.g. `l3-cache` or `turn-events`. */
  readonly name: string;
  /** Writes one batch; throws when the store is unavailable (the batch is kept and retried) or refuses a record. */
  readonly flush: (batch: T[]) => Promise<void>;
  readonly refused: RefusedRecords<T>;
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

/** What one attempt left to retry (the unwritten items, in order) and why. */
interface Settled<T> {
  readonly left: T[];
  readonly error?: unknown;
}

/**
 * Writes that must not block a reply and must not be lost when the store is briefly down: they
 * are queued in memory and written in batches in the background; a batch that fails because the
 * store is unavailable goes back to the head of the queue and is retried with exponential
 * backoff until the store returns. `drain` flushes what is left on shutdown, and gives up at its
 * deadline even when a write hangs. Writes are idempotent upserts, so a batch written twice (a
 * flush that failed after the commit) stores nothing twice.
 *
 * A batch the store refuses for its values (see `RefusedRecords`) is split in halves and each
 * half written on its own, down to the single record that is refused: the good records are
 * stored and the bad one is dead-lettered, so the queue keeps flowing. One bad record among
 * n costs about 2·log2(n) extra statements.
 *
 * The queue is memory-bounded: past `capacity` the oldest items are dropped and counted, so
 * an outage longer than the buffer shows up on `/metrics` instead of as an out-of-memory crash.
 */
export class WriteBehindQueue<T> implements RecordSink<T> {
  private items: T[] = [];
  /** The batch being written: still pending, never dropped, put back at the head if not written. */
  private inFlight: T[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private failures = 0;
  private nextAttemptAt = 0;
  private dropped = 0;
  private deadLettered = 0;
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

  /** Items waiting to be written, the batch in flight included. */
  get pending(): number {
    return this.items.length + this.inFlight.length;
  }

  /** At capacity: the next enqueue drops the oldest item. Callers that must not lose a write refuse new ones instead. */
  get full(): boolean {
    return this.pending >= this.capacity;
  }

  /** Items dropped because the queue was full, since start. */
  get droppedTotal(): number {
    return this.dropped;
  }

  /** Items the store refused and that were dead-lettered, since start. */
  get deadLetteredTotal(): number {
    return this.deadLettered;
  }

  enqueue(item: T): void {
    this.items.push(item);
    const excess = Math.min(this.pending - this.capacity, this.items.length);
    if (excess > 0) {
      this.items.splice(0, excess);
      this.dropped += excess;
      this.options.onDrop?.(excess);
    }
  }

  /** Write one batch unless one is in flight or the backoff says wait. */
  flushOnce(): Promise<void> {
    if (this.flushing || this.items.length === 0 || Date.now() < this.nextAttemptAt) return this.flushing ?? Promise.resolve();
    this.inFlight = this.items.splice(0, this.maxBatch);
    this.flushing = this.settle(this.inFlight)
      .then(({ left, error }) => {
        this.items = left.length > 0 ? [...left, ...this.items] : this.items;
        this.inFlight = [];
        if (left.length === 0) {
          this.failures = 0;
          this.nextAttemptAt = 0;
          // A full batch means more is waiting: keep writing instead of waiting for the next tick,
          // or the queue's throughput would be capped at maxBatch per interval.
          if (this.items.length >= this.maxBatch) setImmediate(() => void this.flushOnce());
          return;
        }
        this.failures += 1;
        this.nextAttemptAt = Date.now() + Math.min(this.options.maxBackoffMs ?? 10_000, 100 * 2 ** this.failures);
        this.options.onFlushError?.(error, this.pending);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  /**
   * Write `batch`; what is left are the items neither written nor dead-lettered, in their order.
   * Stops at the first failure that is not a refusal: the store is
   * down, and everything from there on waits for the backoff.
   */
  private async settle(batch: T[]): Promise<Settled<T>> {
    try {
      await this.options.flush(batch);
      return { left: [] };
    } catch (error) {
      if (!this.options.refused.isRefusal(error)) return { left: batch, error };
      if (batch.length === 1) return this.deadLetter(batch[0], error);
      const middle = Math.ceil(batch.length / 2);
      const first = await this.settle(batch.slice(0, middle));
      if (first.left.length > 0) return { left: [...first.left, ...batch.slice(middle)], error: first.error };
      return this.settle(batch.slice(middle));
    }
  }

  private async deadLetter(item: T, refusal: unknown): Promise<Settled<T>> {
    try {
      await this.options.refused.deadLetter(item, refusal);
      this.deadLettered += 1;
      return { left: [] };
    } catch (error) {
      return { left: [item], error };
    }
  }

  /**
   * Flush everything that can be written before `deadlineMs` elapses; returns what is left. A
   * write that hangs (a stopped database keeps its connections open) is abandoned at the
   * deadline, never awaited past it.
   */
  async drain(deadlineMs: number): Promise<number> {
    const end = Date.now() + deadlineMs;
    while (this.pending > 0 && Date.now() < end) {
      if (!this.flushing) {
        // Shutting down: retry every 50 ms at most, whatever the backoff had grown to.
        const wait = Math.min(Math.max(0, this.nextAttemptAt - Date.now()), 50, end - Date.now());
        if (wait > 0) await sleep(wait);
        this.nextAttemptAt = 0;
      }
      await within(this.flushing ?? this.flushOnce(), end - Date.now());
    }
    return this.pending;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `work`, or nothing once `ms` has passed: the caller stops waiting, the work goes on. */
async function within(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))]);
  } finally {
    clearTimeout(timer);
  }
}
