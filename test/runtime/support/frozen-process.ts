import { readFileSync, readdirSync } from 'node:fs';

/**
 * A server that hangs instead of going away: SIGSTOP keeps its sockets open, so clients see no
 * error, only silence — the failure a per-call deadline must handle (a VM pause, a stuck disk).
 * Finds a server by the port in its command line (PostgreSQL's postmaster is started with
 * `-p <port>`), with all its child processes (Postgres serves each connection from a child).
 */
export class FrozenProcesses {
  private constructor(private readonly pids: number[]) {}

  static freezeListeningOn(port: number, name: string): FrozenProcesses {
    const all = processes();
    const roots = all.filter((p) => p.cmdline.includes(name) && new RegExp(`(^| )-p ${port}( |$)`).test(p.cmdline)).map((p) => p.pid);
    if (roots.length === 0) throw new Error(`no ${name} process started with -p ${port}`);
    const pids = new Set(roots);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of all) if (pids.has(p.ppid) && !pids.has(p.pid)) grew = Boolean(pids.add(p.pid));
    }
    const frozen = new FrozenProcesses([...pids]);
    for (const pid of frozen.pids) process.kill(pid, 'SIGSTOP');
    return frozen;
  }

  thaw(): void {
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // exited meanwhile
      }
    }
  }
}

function processes(): Array<{ pid: number; ppid: number; cmdline: string }> {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(entry), ppid, cmdline });
    } catch {
      // exited while we looked
    }
  }
  return out;
}
