import fc from 'fast-check';
import { RefusedRecords, WriteBehindQueue } from '../../runtime/src/resilience/write-behind-queue';

/** Stands in for a Postgres data exception: the values, not the store, are at fault. */
class Refusal extends Error {}

describe('WriteBehindQueue', () => {
  const queues: WriteBehindQueue<number>[] = [];
  afterEach(() => queues.splice(0).forEach((q) => q.stop()));
  const deadLetters: number[] = [];
  beforeEach(() => deadLetters.splice(0));
  const refused: RefusedRecords<number> = {
    isRefusal: (error) => error instanceof Refusal,
    deadLetter: async (item) => void deadLetters.push(item),
  };
  const make = (
    flush: (batch: number[]) => Promise<void>,
    options: Partial<ConstructorParameters<typeof WriteBehindQueue<number>>[0]> = {},
  ) => {
    const q = new WriteBehindQueue<number>({ name: 'test', flush, refused, intervalMs: 60_000, ...options });
    queues.push(q);
    return q;
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  };

  test('a backlog drains in consecutive batches without waiting for the timer', async () => {
    const batches: number[][] = [];
    const q = make(async (b) => void batches.push(b), { maxBatch: 100 });
    for (let i = 0; i < 1_050; i++) q.enqueue(i);
    void q.flushOnce();
    await until(() => q.pending === 50);
    expect(q.pending).toBe(50);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    // The last partial batch waits for the next tick (or drain): it is not urgent.
    await q.drain(1_000);
    expect(batches.flat()).toEqual(Array.from({ length: 1_050 }, (_, i) => i));
  });

  test('a failed batch stays at the head, in order, and is retried after a backoff', async () => {
    let down = true;
    const written: number[] = [];
    const errors: number[] = [];
    const q = make(
      async (b) => {
        if (down) throw new Error('database unavailable');
        written.push(...b);
      },
      { maxBatch: 10, onFlushError: (_e, pending) => errors.push(pending) },
    );
    for (let i = 0; i < 25; i++) q.enqueue(i);
    await q.flushOnce();
    expect(errors).toEqual([25]);
    await q.flushOnce(); // inside the backoff window: no attempt
    expect(errors).toHaveLength(1);
    down = false;
    expect(await q.drain(2_000)).toBe(0);
    expect(written).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  test('beyond capacity the oldest items are dropped and counted, never an unbounded heap', () => {
    const dropped: number[] = [];
    const q = make(async () => undefined, { capacity: 5, onDrop: (n) => dropped.push(n) });
    for (let i = 0; i < 8; i++) q.enqueue(i);
    expect(q.pending).toBe(5);
    expect(q.droppedTotal).toBe(3);
    expect(dropped).toEqual([1, 1, 1]);
  });

  test('drain gives up at its deadline and reports what is left', async () => {
    const q = make(async () => {
      throw new Error('still down');
    });
    q.enqueue(1);
    q.enqueue(2);
    const started = Date.now();
    expect(await q.drain(300)).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('drain abandons a write that hangs at its deadline instead of waiting for it', async () => {
    const q = make(() => new Promise<void>(() => undefined)); // a stopped database: no answer, ever
    q.enqueue(1);
    void q.flushOnce();
    const started = Date.now();
    expect(await q.drain(300)).toBe(1);
    expect(Date.now() - started).toBeLessThan(600);
  });

  test('items in flight are counted as pending and never dropped for capacity', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const written: number[] = [];
    const q = make(
      async (b) => {
        await gate;
        written.push(...b);
      },
      { capacity: 3, maxBatch: 2 },
    );
    q.enqueue(1);
    q.enqueue(2);
    const flushing = q.flushOnce();
    for (const i of [3, 4, 5]) q.enqueue(i);
    expect(q.pending).toBe(3);
    expect(q.droppedTotal).toBe(2); // 3 and 4, the oldest not in flight
    release();
    await flushing;
    await q.drain(1_000);
    expect(written).toEqual([1, 2, 5]);
  });

  test('a refused record is isolated and dead-lettered; every other record is written, in order', async () => {
    const written: number[] = [];
    const q = make(async (b) => {
      if (b.includes(13)) throw new Refusal('value out of range');
      written.push(...b);
    });
    for (let i = 0; i < 100; i++) q.enqueue(i);
    await q.flushOnce();
    expect(q.pending).toBe(0);
    expect(written).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 13));
    expect(deadLetters).toEqual([13]);
    expect(q.deadLetteredTotal).toBe(1);
  });

  test('an outage while a refused batch is being split keeps the unwritten rest, in order, for the retry', async () => {
    let down = false;
    let outages = 0;
    const written: number[] = [];
    const q = make(async (b) => {
      if (down) throw new Error('connection refused');
      if (b.includes(7)) {
        if (outages++ === 0) down = true; // the database goes away right after refusing the first batch
        throw new Refusal('invalid byte sequence');
      }
      written.push(...b);
    });
    for (let i = 0; i < 10; i++) q.enqueue(i);
    await q.flushOnce();
    expect(q.pending).toBe(10);
    expect(deadLetters).toEqual([]);
    down = false;
    await q.drain(2_000);
    expect(written).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
    expect(deadLetters).toEqual([7]);
  });

  test('a dead letter that cannot be written keeps the record queued (it is retried, not lost)', async () => {
    let deadLetterDown = true;
    const q = make(
      async (b) => {
        if (b.includes(2)) throw new Refusal('refused');
      },
      {
        refused: {
          ...refused,
          deadLetter: async (item) => {
            if (deadLetterDown) throw new Error('connection refused');
            deadLetters.push(item);
          },
        },
      },
    );
    for (const i of [1, 2, 3]) q.enqueue(i);
    await q.flushOnce();
    expect(q.pending).toBe(2); // 1 written; 2 and 3 wait for the backoff
    deadLetterDown = false;
    expect(await q.drain(2_000)).toBe(0);
    expect(deadLetters).toEqual([2]);
  });

  test('property: whatever records are refused and however batches are cut, each is written or dead-lettered exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        async (refusedFlags, maxBatch) => {
          deadLetters.splice(0);
          const written: number[] = [];
          const q = make(
            async (b) => {
              if (b.some((i) => refusedFlags[i])) throw new Refusal('refused');
              written.push(...b);
            },
            { maxBatch },
          );
          refusedFlags.forEach((_, i) => q.enqueue(i));
          expect(await q.drain(5_000)).toBe(0);
          q.stop();
          const all = refusedFlags.map((_, i) => i);
          expect(written).toEqual(all.filter((i) => !refusedFlags[i]));
          expect(deadLetters).toEqual(all.filter((i) => refusedFlags[i]));
        },
      ),
      { numRuns: 200 },
    );
  });
});
