/**
 * Child processes of the benchmark: every server runs in its own process (so the load generator
 * never shares its event loop), is registered here, and is killed on exit — also on errors and
 * Ctrl-C. Temporary directories are registered the same way.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const cleanups: Array<() => Promise<void>> = [];

export function trackTempDir(dir: string): string {
  tempDirs.add(dir);
  return dir;
}

export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface Server {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  /** The last few KiB of the child's stderr, for error messages. */
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/**
 * Spawn `node <args>` with `env` (nothing inherited but PATH), stdout to /dev/null, and wait
 * until `readyPath` answers 200.
 */
export async function startNodeServer(options: {
  name: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  readyPath: string;
  cwd: string;
  timeoutMs?: number;
}): Promise<Server> {
  let stderr = '';
  const child = track(
    spawn(process.execPath, options.args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4096);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${options.port}`;
  const end = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr}`);
    }
    try {
      if ((await fetch(`${url}${options.readyPath}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`${options.name} was not ready within ${options.timeoutMs ?? 60_000} ms:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name: options.name, child, url, stderr: () => stderr, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
export async function stop(server: { child: ChildProcess; exited: Promise<number | null> }, graceMs = 5_000): Promise<number | null> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await server.exited;
  clearTimeout(timer);
  return code;
}

export async function cleanupAll(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch {
      // best effort
    }
  }
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
