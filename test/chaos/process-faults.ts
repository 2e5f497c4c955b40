/**
 * Process faults and process facts from /proc (Linux): signal a server and its children the way
 * a container runtime or the kernel's OOM killer would, and read a process's resident memory.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Direct and indirect children of `pid` (Postgres backends are children of the postmaster). */
export function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the command name (field 2) may contain spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        out.push(child);
        frontier.push(child);
      }
    }
  }
  return out;
}

/**
 * Send `signal` to `pid` and all its descendants. SIGSTOP on the postmaster alone would leave its
 * backends serving open connections; a stopped or killed container stops all of them.
 */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  const targets = signal === 'SIGCONT' ? [pid, ...descendantsOf(pid)] : [...descendantsOf(pid).reverse(), pid];
  for (const target of targets) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resident set size in bytes (VmRSS), or undefined when the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
