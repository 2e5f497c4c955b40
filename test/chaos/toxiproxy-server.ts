/**
 * The real Toxiproxy server (built from the Go module proxy by scripts/ensure-toxiproxy.sh) as a
 * child process on a free port, with its log in the run's log directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { track } from '../bench/runtime/processes';
import { freePort, waitFor } from '../runtime/support/local-servers';
import { ToxiproxyClient } from './toxiproxy-client';

export interface ToxiproxyServer {
  readonly client: ToxiproxyClient;
  readonly pid: number;
  readonly logFile: string;
  /** Whether the process is still running (a crash is a failed hypothesis, not a silent fault-free run). */
  alive(): boolean;
}

/** Build (once) and start toxiproxy-server; resolves when its API answers. */
export async function startToxiproxy(repo: string, logDir: string): Promise<ToxiproxyServer> {
  const binary = execFileSync('bash', [join(repo, 'scripts', 'ensure-toxiproxy.sh')], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const port = await freePort();
  const logFile = join(logDir, 'toxiproxy.log');
  const log = openSync(logFile, 'a');
  const child = track(spawn(binary, ['-host', '127.0.0.1', '-port', String(port)], { stdio: ['ignore', log, log] }));
  const client = new ToxiproxyClient(`http://127.0.0.1:${port}`);
  await waitFor(async () => (await client.version()).length > 0, `toxiproxy API on ${port} (log: ${logFile})`);
  return { client, pid: child.pid!, logFile, alive: () => child.exitCode === null && child.signalCode === null };
}
