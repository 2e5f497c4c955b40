/**
 * How long a Redis command takes on this machine while the runtime is under load: a GET every
 * 20 ms from the benchmark process (whose event loop is as busy as autocannon makes it, much as
 * the runtime's is) to the same redis-server, timed from send to reply. These are the figures
 * REDIS_TIMEOUT_MS is chosen from (runtime/README.md, "Dependency deadlines"): a deadline below
 * the slowest healthy replies opens the breaker on a Redis that is merely busy.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from 'redis';

export interface ProbeResult {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export async function probeRedis(url: string, everyMs = 20): Promise<{ stop(): Promise<ProbeResult> }> {
  const client = createClient({ url });
  await client.connect();
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      await client.get('bench:probe');
      times.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.quit();
      const sorted = [...times].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1] ?? 0 };
    },
  };
}
