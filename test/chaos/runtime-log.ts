/**
 * Reads what a runtime logged during a scenario (its JSON log file from a byte offset on):
 * breaker transitions (`nlp.breaker`, `redis.breaker`, `postgres.breaker`), which the 250 ms
 * /metrics samples can miss when a breaker opens and half-opens in between.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface BreakerTransition {
  readonly at: number;
  readonly instance: string;
  readonly dependency: string;
  readonly state: string;
}

export function logSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readFrom(file: string, offset: number): string {
  const size = logSize(file);
  if (size <= offset) return '';
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function breakerTransitions(instance: string, file: string, offset: number): BreakerTransition[] {
  const out: BreakerTransition[] = [];
  for (const line of readFrom(file, offset).split('\n')) {
    if (!line.includes('.breaker"')) continue;
    try {
      const entry = JSON.parse(line) as { event?: string; state?: string; timestamp?: string; time?: string };
      const m = /^(\w+)\.breaker$/.exec(entry.event ?? '');
      if (!m || !entry.state) continue;
      out.push({ at: Date.parse(entry.timestamp ?? entry.time ?? ''), instance, dependency: m[1], state: entry.state });
    } catch {
      // a partial line at the end of the file
    }
  }
  return out;
}
