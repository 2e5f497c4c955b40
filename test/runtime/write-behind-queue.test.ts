import { WriteBehindQueue } from '../../runtime/src/resilience/write-behind-queue';

describe('WriteBehindQueue', () => {
  const queues: WriteBehindQueue<number>[] = [];
  afterEach(() => queues.splice(0).forEach((q) => q.stop()));
  const make = (
    flush: (batch: number[]) => Promise<void>,
    options: Partial<ConstructorParameters<typeof WriteBehindQueue<number>>[0]> = {},
  ) => {
    const q = new WriteBehindQueue<number>({ name: 'test', flush, intervalMs: 60_000, ...options });
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
});
