import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A real PostgreSQL cluster from the system's server binaries (`scripts/ensure-test-servers.sh`
 * installs them), driven the way an operator drives one: initdb, postgresql.conf settings,
 * pg_ctl, pg_basebackup, recovery. The drills use it because what they prove (a dump restores, WAL
 * replays to a point in time) only means something on the real server.
 */

/** The newest installed major's bin directory, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'initdb')));
  if (!dir) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql: run `bash scripts/ensure-test-servers.sh` (apt-get install postgresql)',
    );
  }
  return dir;
}

/** Postgres refuses to run as root; as root, every server-side tool runs as the package's `postgres` user. */
function runAsPrefix(): string[] {
  if (process.getuid?.() !== 0) return [];
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => existsSync(p));
  if (!runuser) throw new Error('running as root but runuser is missing: run the drill as a normal user');
  return [runuser, '-u', 'postgres', '--'];
}

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

/** A directory every drill process (us, and the `postgres` user when we are root) can write. */
export function sharedDir(path: string): string {
  mkdirSync(path, { recursive: true });
  chmodSync(path, 0o777);
  return path;
}

export class PostgresCluster {
  /** Servers this process started and has not stopped: what a timeout must not leave behind. */
  private static readonly running = new Set<PostgresCluster>();

  /** SIGKILL every server this process started (a drill that timed out, or crashed). */
  static async killAll(): Promise<void> {
    await Promise.all([...PostgresCluster.running].map((c) => c.kill().catch(() => undefined)));
  }

  readonly dataDir: string;
  private readonly runAs = runAsPrefix();
  private server?: ChildProcess;

  /**
   * @param root a directory of its own (see `sharedDir`); the data directory is `<root>/data`
   * @param port where the server listens (127.0.0.1 only)
   */
  constructor(
    readonly root: string,
    readonly port: number,
    readonly binDir: string = postgresBinDir(),
  ) {
    this.dataDir = join(root, 'data');
  }

  /** A new, empty cluster: initdb with trust auth on loopback (the drill's servers never leave 127.0.0.1). */
  static async create(root: string, settings: Record<string, string> = {}): Promise<PostgresCluster> {
    const cluster = new PostgresCluster(sharedDir(root), await freePort());
    cluster.tool('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    cluster.configure(settings);
    return cluster;
  }

  get url(): string {
    return this.urlFor('postgres');
  }

  urlFor(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Append settings to postgresql.auto.conf (read at the next start; later lines win). */
  configure(settings: Record<string, string>): void {
    const lines = Object.entries(settings).map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'`);
    if (lines.length === 0) return;
    const file = join(this.dataDir, 'postgresql.auto.conf');
    this.tool('sh', ['-c', `cat >> '${file}'`], lines.join('\n') + '\n');
  }

  /**
   * Start the postmaster in the foreground of a child process (so a drill can SIGKILL it like a
   * lost machine) and wait until it accepts queries. After a recovery start, accepting queries
   * means recovery has finished and the server was promoted.
   */
  async start(timeoutMs = 120_000): Promise<void> {
    const [cmd, ...args] = [
      ...this.runAs,
      join(this.binDir, 'postgres'),
      '-D',
      this.dataDir,
      '-p',
      String(this.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${this.root}`,
    ];
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8000);
    });
    this.server = child;
    PostgresCluster.running.add(this);
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (child.exitCode !== null) throw new Error(`postgres on ${this.dataDir} exited (${child.exitCode}):\n${stderr}`);
      if ((await portOpen(this.port)) && (await this.acceptsQueries())) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`postgres on ${this.dataDir} did not accept queries within ${timeoutMs} ms:\n${stderr}`);
  }

  /** Out of recovery and answering: a recovering server accepts connections before it is usable. */
  private async acceptsQueries(): Promise<boolean> {
    try {
      const rows = await this.sql<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      return rows[0]?.r === false;
    } catch {
      return false;
    }
  }

  /** Clean shutdown (checkpoint, archive what is pending). */
  async stop(): Promise<void> {
    if (!this.server || this.server.exitCode !== null) return;
    this.tool('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
    await this.waitForExit();
  }

  /** Lose the machine: SIGKILL the postmaster (nothing is flushed, archived or checkpointed). */
  async kill(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null) return;
    // runuser forwards nothing on SIGKILL: kill the postmaster itself, by the pid it wrote.
    const pid = Number(this.tool('sh', ['-c', `head -1 '${join(this.dataDir, 'postmaster.pid')}'`]).trim());
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGKILL');
    await this.waitForExit();
    // Backends orphaned by the postmaster's death exit when they notice; give them a moment so the
    // data directory can be removed.
    await new Promise((r) => setTimeout(r, 200));
  }

  /** Remove the cluster's files (the data directory and anything else under root). */
  destroyFiles(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async sql<T = Record<string, unknown>>(query: string, params: unknown[] = [], database = 'postgres'): Promise<T[]> {
    const client = new Client({ connectionString: this.urlFor(database), connectionTimeoutMillis: 2_000 });
    await client.connect();
    try {
      return (await client.query(query, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Run a PostgreSQL tool (or `sh`) as the cluster's user; returns stdout, throws with stderr. */
  tool(name: string, args: string[], input?: string): string {
    const binary = name === 'sh' ? '/bin/sh' : join(this.binDir, name);
    const [cmd, ...rest] = [...this.runAs, binary, ...args];
    try {
      return execFileSync(cmd, rest, { input, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`${name} ${args.join(' ')} failed: ${(err.stderr || err.message).trim()}`);
    }
  }

  /** Spawn a tool as the cluster's user with piped stdio (for streaming a dump in or out). */
  spawnTool(name: string, args: string[]): ChildProcess {
    const [cmd, ...rest] = [...this.runAs, join(this.binDir, name), ...args];
    return spawn(cmd, rest, { stdio: ['pipe', 'pipe', 'pipe'] });
  }

  private async waitForExit(): Promise<void> {
    const server = this.server!;
    if (server.exitCode === null && server.signalCode === null) await new Promise((r) => server.once('exit', r));
    this.server = undefined;
    PostgresCluster.running.delete(this);
  }
}

/** Write a file the cluster's user can read (recovery.signal, restore scripts). */
export function writeShared(path: string, content: string): void {
  writeFileSync(path, content);
  chmodSync(path, 0o666);
}
