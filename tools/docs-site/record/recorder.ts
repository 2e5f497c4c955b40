import { spawn } from 'node:child_process';
import { Cast, CastEvent, compressIdle } from './cast';

export interface RecordOptions {
  /** Repository root: the script runs there. */
  readonly repo: string;
  /** The bash script to run, repository-relative. */
  readonly script: string;
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  /** Pauses longer than this are cut to it, in seconds. */
  readonly idleTimeLimit?: number;
  /** The recording is stopped (and fails) after this long. */
  readonly timeoutMs: number;
  readonly env?: Record<string, string>;
}

/**
 * Run a script in a real pseudo-terminal and timestamp its output as it arrives. The terminal is
 * util-linux `script` (installed everywhere `bash` is; node-pty would need a native build), sized
 * with `stty` so programs that ask for the width get the cast's width. Colours and progress output
 * come out as they would for a person at a terminal.
 */
export function recordScript(o: RecordOptions): Promise<Cast> {
  const width = o.width ?? 110;
  const height = o.height ?? 32;
  const idleTimeLimit = o.idleTimeLimit ?? 1.5;
  const env = { ...process.env, TERM: 'xterm-256color', COLUMNS: String(width), LINES: String(height), FORCE_COLOR: '1', ...o.env };
  const inner = `stty cols ${width} rows ${height}; exec bash ${JSON.stringify(o.script)}`;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const events: CastEvent[] = [];
    const child = spawn('script', ['-q', '-e', '-c', inner, '/dev/null'], { cwd: o.repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => events.push([seconds(), 'o', text]));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`recording ${o.script} took longer than ${o.timeoutMs / 1000} s; stopped`));
    }, o.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start util-linux "script" to record ${o.script}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wall = Math.round(seconds() * 10) / 10;
      if (code === null) return reject(new Error(`${o.script} was killed by ${signal}; ${stderr}`));
      resolve({
        header: {
          version: 2,
          width,
          height,
          title: o.title,
          idle_time_limit: idleTimeLimit,
          env: { SHELL: '/bin/bash', TERM: 'xterm-256color' },
          convai: { script: o.script, exit_code: code, wall_seconds: wall },
        },
        events: compressIdle(events, idleTimeLimit),
      });
    });
  });
}
