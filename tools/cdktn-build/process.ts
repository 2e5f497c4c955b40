import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { TOOLCHAIN_DIR } from './config';

/** A binary of the pinned toolchain (builds/cdktn/.work/toolchain/node_modules/.bin). */
export function toolBin(name: string): string {
  return path.join(TOOLCHAIN_DIR, 'node_modules', '.bin', name);
}

/**
 * The environment for child processes, minus what `npm run` injects about the repository's own
 * package: `npm_config_local_prefix` would make an npm inside a build folder act on the repository.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_(package_|lifecycle_|config_local_prefix$|config_call$|command$)/.test(k)),
  );
  return { ...base, CHECKPOINT_DISABLE: '1', ...extra };
}

/** Run a command and return its stdout; on failure throw with its output, so a broken step explains itself. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      env: childEnv(env),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 << 20,
    });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`\`${path.basename(cmd)} ${args.join(' ')}\` in ${cwd} exited ${err.status}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}
