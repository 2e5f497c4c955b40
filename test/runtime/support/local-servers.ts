import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Real Redis and Postgres servers for the runtime's tests, from the system packages
 * (`redis-server`, PostgreSQL's `initdb`/`pg_ctl`; `.ci/run` installs them). Each test file
 * starts its own on a free port in a temporary directory, and can stop and restart them to
 * simulate an outage mid-run.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Poll `check` every 25-50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function findBinary(name: string, dirs: string[]): string {
  for (const dir of dirs) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new Error(`${name} not found in ${dirs.join(', ')}: install the system package (see .ci/run)`);
}

export class RedisServer {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly binary: string,
    private readonly args: (port: number) => string[],
  ) {}

  /**
   * `args` replace the plain listener: e.g. TLS only (`--port 0 --tls-port <port> --tls-cert-file ...`)
   * and ACL users (`--user ...`); they are given the server's port.
   */
  static async start(options: { args?: (port: number) => string[] } = {}): Promise<RedisServer> {
    const args = options.args ?? ((port: number) => ['--port', String(port)]);
    const server = new RedisServer(await freePort(), findBinary('redis-server', ['/usr/bin', '/usr/local/bin', '/usr/sbin']), args);
    await server.resume();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The server's process id while it runs, for process faults (SIGSTOP, SIGKILL) in the chaos suite. */
  get pid(): number | undefined {
    return this.process?.exitCode === null && this.process.signalCode === null ? this.process.pid : undefined;
  }

  /** (Re)start on the same port: no persistence, so a restart is an empty cache. */
  async resume(): Promise<void> {
    const child = spawn(this.binary, [...this.args(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.process = child;
    await waitFor(() => portOpen(this.port), `redis on ${this.port}`);
  }

  /**
   * Hang the server (SIGSTOP): connections stay open and the kernel still accepts bytes, but
   * nothing answers — what a stalled VM or a network black hole looks like to a client, and
   * unlike `stop()`, no error ever arrives. `thaw()` lets it answer again.
   */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  /** Kill the server (an outage), waiting until the port is closed. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }
}

export class PostgresServer {
  private readonly dataDir: string;
  private readonly runAs: string[];

  private constructor(
    readonly port: number,
    private readonly binDir: string,
    private readonly root: string,
    private readonly settings: string[] = [],
  ) {
    this.dataDir = join(root, 'data');
    // Postgres refuses to run as root; the Debian package's `postgres` user runs it instead.
    // Absolute path: CI's PATH may not include /usr/sbin.
    this.runAs =
      process.getuid?.() === 0 ? [findBinary('runuser', ['/usr/sbin', '/sbin', '/usr/bin', '/bin']), '-u', 'postgres', '--'] : [];
  }

  /** `settings`: extra server settings (`-c name=value`), e.g. `ssl=on` with `ssl_cert_file=...`. */
  static async start(options: { settings?: string[] } = {}): Promise<PostgresServer> {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
    const binDir = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(join(d, 'initdb')));
    if (!binDir)
      throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql (see .ci/run)');
    const root = mkdtempSync(join(tmpdir(), 'convai-pg-'));
    chmodSync(root, 0o777);
    const server = new PostgresServer(await freePort(), binDir, root, options.settings);
    server.run('initdb', ['-D', server.dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    await server.resume();
    return server;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Run one statement on a fresh connection (assertions read what the runtime wrote, outside its pool). */
  async sql<T = any>(query: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** The postmaster's process id (first line of postmaster.pid), for process faults in the chaos suite. */
  postmasterPid(): number {
    return Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  async resume(): Promise<void> {
    const extra = this.settings.map((s) => ` -c ${s}`).join('');
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.root} -c fsync=off${extra}`;
    this.run('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.root, 'log'), '-w', 'start']);
    await waitFor(() => portOpen(this.port), `postgres on ${this.port}`);
  }

  /**
   * Hang the whole cluster (SIGSTOP to the postmaster and every backend): open connections stay
   * open and new ones are accepted by the kernel, but no query, login or cancel is ever answered.
   * `thaw()` resumes it. Signals go to the processes directly (root may signal the postgres user's).
   */
  freeze(): void {
    for (const pid of this.clusterPids()) process.kill(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of this.clusterPids().reverse()) process.kill(pid, 'SIGCONT');
  }

  /** The postmaster (first line of postmaster.pid) and its children, from /proc. */
  private clusterPids(): number[] {
    const postmaster = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          // Field 4 of /proc/<pid>/stat is the parent pid; the command (field 2) may hold spaces, so split after it.
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
        } catch {
          return false; // exited meanwhile
        }
      })
      .map(Number);
    return [postmaster, ...children];
  }

  /** Stop immediately (an outage): open connections are cut. */
  async stop(): Promise<void> {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    try {
      await this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const [cmd, ...rest] = [...this.runAs, join(this.binDir, tool), ...args];
    execFileSync(cmd, rest, { stdio: 'pipe' });
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
