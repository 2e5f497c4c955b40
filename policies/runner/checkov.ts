/**
 * Find or install checkov, pinned.
 *
 * Order: `CHECKOV_BIN` (any checkov the caller chose; a different version is a warning), then a
 * venv when it holds the pinned version, else (re)install the pinned version into that venv with
 * `python3 -m venv` and pip, constrained by `policies/checkov-constraints.txt`. Which venv: the
 * caller's `venvDir`, else `.venv-checkov/` at the package root (this repository's tests and
 * tools). The shipped CLI passes a per-user cache dir instead (`defaultVenvDir`), so a client's
 * install survives `npm ci`. Concurrent callers (two Jest workers) serialise on a lock directory,
 * so only one of them installs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PolicySetupError } from './errors';

/** The checkov version the pack is written and tested against. Bump it together with the tests. */
export const CHECKOV_VERSION = '3.3.30';
/** pip constraints for checkov's dependency tree, relative to the package (repository) root. */
export const CONSTRAINTS_FILE = 'policies/checkov-constraints.txt';
/** The project-local venv, relative to the repository root: the default when no `venvDir` is given. */
export const VENV_DIR = '.venv-checkov';

export interface Checkov {
  /** Absolute path of the checkov executable. */
  readonly bin: string;
  /** What `checkov --version` printed. */
  readonly version: string;
  /** Where it came from. */
  readonly source: 'CHECKOV_BIN' | 'venv' | 'installed';
}

export interface LocateOptions {
  /** Package (repository) root: holds policies/checkov-constraints.txt, and `.venv-checkov/` by default. */
  readonly repoRoot: string;
  /** The venv to find or install checkov in. @default - `.venv-checkov/` under repoRoot */
  readonly venvDir?: string;
  /** Environment to read `CHECKOV_BIN` and `PYTHON` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Progress and warnings. @default stderr */
  readonly log?: (line: string) => void;
}

/** `checkov --version`, or undefined when the binary does not run. */
export function checkovVersion(bin: string): string | undefined {
  const run = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0 || typeof run.stdout !== 'string') return undefined;
  return run.stdout.trim().split(/\s+/).pop();
}

/** The checkov executable inside a venv. */
export function venvCheckov(venv: string): string {
  return process.platform === 'win32' ? path.join(venv, 'Scripts', 'checkov.exe') : path.join(venv, 'bin', 'checkov');
}

function venvPython(venv: string): string {
  return process.platform === 'win32' ? path.join(venv, 'Scripts', 'python.exe') : path.join(venv, 'bin', 'python');
}

/**
 * The per-user cache the CLI installs checkov into:
 * `$CONVAI_POLICY_CACHE_DIR`, else `$XDG_CACHE_HOME/convai-policy`, else `~/.cache/convai-policy`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONVAI_POLICY_CACHE_DIR) return path.resolve(env.CONVAI_POLICY_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'convai-policy');
}

/**
 * The venv for this exact checkov and constraints file under `cacheDir`:
 * `checkov-<version>-<first 10 hex of sha256(constraints)>`. A new pin gets a new venv (old ones
 * can be deleted), so two projects pinned to different releases never fight over one venv.
 */
export function defaultVenvDir(repoRoot: string, cacheDir: string): string {
  const file = path.join(repoRoot, CONSTRAINTS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new PolicySetupError(`cannot read ${file}: the package is incomplete; reinstall it`);
  }
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 10);
  return path.join(cacheDir, `checkov-${CHECKOV_VERSION}-${hash}`);
}

/** Locate checkov, installing the pinned version into the venv (default `.venv-checkov/`) when needed. */
export async function locateCheckov(options: LocateOptions): Promise<Checkov> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const fromEnv = env.CHECKOV_BIN;
  if (fromEnv) {
    const version = checkovVersion(fromEnv);
    if (!version) {
      throw new PolicySetupError(
        `CHECKOV_BIN=${fromEnv} does not run (\`${fromEnv} --version\` failed): point it at a checkov executable, or unset it to install the pinned ${CHECKOV_VERSION}`,
      );
    }
    if (version !== CHECKOV_VERSION) {
      log(`warning: CHECKOV_BIN is checkov ${version}; the policy pack is pinned to and tested with ${CHECKOV_VERSION}`);
    }
    return { bin: path.resolve(fromEnv), version, source: 'CHECKOV_BIN' };
  }

  const venv = path.resolve(options.venvDir ?? path.join(options.repoRoot, VENV_DIR));
  const bin = venvCheckov(venv);
  const present = checkovVersion(bin);
  if (present === CHECKOV_VERSION) return { bin, version: present, source: 'venv' };

  fs.mkdirSync(path.dirname(venv), { recursive: true });
  return withLock(`${venv}.lock`, async () => {
    // Another process may have finished the install while we waited for the lock.
    const again = checkovVersion(bin);
    if (again === CHECKOV_VERSION) return { bin, version: again, source: 'venv' as const };
    installCheckov(venv, path.join(options.repoRoot, CONSTRAINTS_FILE), env.PYTHON ?? 'python3', log, again);
    const installed = checkovVersion(bin);
    if (installed !== CHECKOV_VERSION) {
      throw new PolicySetupError(
        `installed checkov into ${venv} but \`${bin} --version\` printed ${installed ?? 'nothing'}; remove ${venv} and run again`,
      );
    }
    return { bin, version: installed, source: 'installed' as const };
  });
}

function installCheckov(venv: string, constraints: string, python: string, log: (line: string) => void, found: string | undefined): void {
  log(
    found
      ? `${venv} has checkov ${found}; installing the pinned ${CHECKOV_VERSION} (about 30 s)...`
      : `installing checkov ${CHECKOV_VERSION} into ${venv} (about 30 s)...`,
  );
  const run = (cmd: string, args: string[], what: string): void => {
    try {
      execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      const detail = e.stderr?.toString().trim().split('\n').slice(-5).join('\n') || e.message;
      throw new PolicySetupError(`${what} failed (\`${cmd} ${args.join(' ')}\`):\n${detail}`);
    }
  };
  if (!fs.existsSync(venvPython(venv))) {
    run(python, ['-m', 'venv', venv], `creating the venv with ${python} (set PYTHON to another Python 3.9+ if needed)`);
  }
  // Constraints pin checkov's whole dependency tree, not just checkov: a new release of one of
  // its ~90 dependencies must not change what the gate reports.
  run(
    venvPython(venv),
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-c', constraints, `checkov==${CHECKOV_VERSION}`],
    `pip install checkov==${CHECKOV_VERSION}`,
  );
}

/** Run `fn` holding an exclusive lock directory (mkdir is atomic); stale locks expire after 15 min. */
async function withLock<T>(lockDir: string, fn: () => Promise<T> | T): Promise<T> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const stat = fs.statSync(lockDir, { throwIfNoEntry: false });
      if (stat && Date.now() - stat.mtimeMs > 15 * 60_000) fs.rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) {
        throw new PolicySetupError(`timed out waiting for ${lockDir} (another checkov install?); remove it if no install is running`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
