import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * The webhook runtime as its own process (`node runtime/dist/main.js`), the way it runs in a
 * container: configured by environment, reached over HTTP, stopped with SIGTERM (which drains
 * its write-behind queues into the database before it exits).
 */
/** Tries of one request that the runtime answers 503 + Retry-After. */
const MAX_ATTEMPTS = 5;

export class RuntimeProcess {
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly base: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4_000)));
  }

  static async start(repoRoot: string, env: Record<string, string>): Promise<RuntimeProcess> {
    const main = join(repoRoot, 'runtime', 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build --workspace runtime\` first`);
    const port = await freePort();
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const runtime = new RuntimeProcess(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the runtime exited with code ${child.exitCode}: ${runtime.stderr.trim()}`);
      try {
        const ready = await fetch(`${runtime.base}/readyz`);
        const body = (await ready.json()) as { degradations?: string[] };
        // Serving, and the schema is migrated (the replay writes through it).
        if (ready.status === 200 && !(body.degradations ?? []).includes('postgres-schema-pending')) return runtime;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the runtime was not ready within 30 s: ${runtime.stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * POST JSON; the reply's body, or an error naming the status. A 503 with Retry-After (feedback
   * the database could not commit in time) is retried as the runtime asks, a few times: the
   * request is idempotent, so a retry never stores a rating twice.
   */
  async post(path: string, body: unknown): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${this.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      const retryAfter = Number(res.headers.get('retry-after'));
      if (res.status === 503 && retryAfter > 0 && attempt < MAX_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, Math.min(retryAfter, 10) * 1000));
        continue;
      }
      if (res.status >= 300) throw new Error(`POST ${path} answered ${res.status}: ${text}`);
      return text;
    }
  }

  /** SIGTERM and wait for a clean exit; anything else (queued writes left, a crash) is an error. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`the runtime exited with code ${code} on SIGTERM: ${this.stderr.trim()}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
