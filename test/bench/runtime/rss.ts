/**
 * Resident memory of a server process while it is under load, read from /proc/<pid>/status
 * (VmRSS) every 200 ms: the peak is what an instance must be sized for, so req/s per MB is
 * reported against it. Linux only; elsewhere nothing is sampled and the figure is absent.
 */
import { readFileSync } from 'node:fs';

export interface RssSampler {
  /** Stop sampling; the peak in MB (2^20 bytes), or undefined when nothing could be read. */
  stop(): number | undefined;
}

function rssMB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function sampleRss(pid: number | undefined, everyMs = 200): RssSampler {
  let peak: number | undefined;
  const sample = () => {
    const mb = pid === undefined ? undefined : rssMB(pid);
    if (mb !== undefined) peak = Math.max(peak ?? 0, mb);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
