/**
 * How much slower `run` gets when its input grows by `factor`: time(input of size factor·n) /
 * time(input of size n). Linear code gives about `factor`, quadratic code about `factor`². A
 * ratio, not a duration, so it holds on a busy machine: both sizes are timed in alternating
 * rounds, each timing counts CPU time and repeats the call until it has used `minSampleMs` (a
 * fast call is not lost in timer noise), and each size keeps its fastest round — a garbage
 * collection or a cache flushed by a neighbour only ever adds time, so the fastest round is the
 * least disturbed one.
 */
export function growthRatio(
  make: (size: number) => string,
  run: (input: string) => unknown,
  { n, factor = 4, rounds = 7, minSampleMs = 25 }: { n: number; factor?: number; rounds?: number; minSampleMs?: number },
): number {
  const small = make(n);
  const large = make(n * factor);
  // Warm up as long as one round lasts: the JIT tiers code (and regexes) up over many calls.
  msPerCall(() => run(small), minSampleMs);
  msPerCall(() => run(large), minSampleMs);
  let fastestSmall = Infinity;
  let fastestLarge = Infinity;
  for (let i = 0; i < rounds; i++) {
    fastestSmall = Math.min(
      fastestSmall,
      msPerCall(() => run(small), minSampleMs),
    );
    fastestLarge = Math.min(
      fastestLarge,
      msPerCall(() => run(large), minSampleMs),
    );
  }
  return fastestLarge / fastestSmall;
}

/**
 * CPU time per call (this process's, user and system), not wall-clock time: other processes
 * competing for the cores delay a call without making it cost more.
 */
function msPerCall(call: () => unknown, minMs: number): number {
  const start = process.cpuUsage();
  let calls = 0;
  let elapsed = 0;
  do {
    call();
    calls += 1;
    const used = process.cpuUsage(start);
    elapsed = (used.user + used.system) / 1000;
  } while (elapsed < minMs);
  return elapsed / calls;
}
