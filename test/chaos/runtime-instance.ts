/**
 * One webhook runtime process (`node runtime/dist/main.js`, as the container runs it) for the
 * chaos suite: a fixed port, so a restarted instance is found where the load balancer expects
 * it; its log (pino JSON on stdout, plus stderr) appended to a file in the run's log directory;
 * its pid for SIGTERM and memory readings; and its exit code, so a crash is seen.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { track } from '../bench/runtime/processes';
import { freePort } from '../runtime/support/local-servers';
import { rssBytes } from './process-faults';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** When the process exited (epoch ms). */
  readonly at: number;
}

export class RuntimeInstance {
  private child?: ChildProcess;
  private exit?: Promise<Exit>;
  /** Exits we did not ask for. */
  readonly unexpectedExits: Exit[] = [];
  private stopping = false;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly main: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {}

  static async create(repo: string, name: string, env: Record<string, string>, logDir: string): Promise<RuntimeInstance> {
    const main = join(repo, 'runtime', 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build --workspace runtime\` first`);
    return new RuntimeInstance(name, await freePort(), main, env, join(logDir, `runtime-${name}.log`));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  rss(): number | undefined {
    const pid = this.pid;
    return pid === undefined ? undefined : rssBytes(pid);
  }

  /** Start and wait until /readyz says serving with the schema migrated. */
  async start(timeoutMs = 60_000): Promise<void> {
    const log = openSync(this.logFile, 'a');
    this.stopping = false;
    const child = track(
      spawn(process.execPath, [this.main], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env, PORT: String(this.port) },
        stdio: ['ignore', log, log],
      }),
    );
    this.child = child;
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        const exit = { code, signal, at: Date.now() };
        if (!this.stopping) this.unexpectedExits.push(exit);
        resolve(exit);
      }),
    );
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running)
        throw new Error(`runtime ${this.name} exited (${child.exitCode ?? child.signalCode}) before it was ready; log: ${this.logFile}`);
      try {
        const res = await fetch(`${this.url}/readyz`);
        const body = (await res.json()) as { degradations?: string[] };
        if (res.status === 200 && !(body.degradations ?? []).includes('postgres-schema-pending')) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > end) throw new Error(`runtime ${this.name} was not ready within ${timeoutMs} ms; log: ${this.logFile}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM, as Kubernetes and Cloud Run stop an instance; resolves with how it exited (SIGKILL after `killAfterMs`). */
  async terminate(killAfterMs: number): Promise<Exit & { readonly signalledAt: number }> {
    const child = this.child;
    if (!child || !this.exit) throw new Error(`runtime ${this.name} is not running`);
    this.stopping = true;
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const exit = await this.exit;
    clearTimeout(timer);
    return { ...exit, signalledAt };
  }
}
