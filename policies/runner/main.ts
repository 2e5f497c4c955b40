/**
 * The policy gate's command line: `convai-policy` in the package (bin → lib/policy-gate/cli.js),
 * `npm run policy` in this repository (the same entry point, with `--venv .venv-checkov`).
 *
 *   convai-policy [policy] [CDKTF_OUT] [--reports-dir DIR] [--sarif FILE] [--junit FILE] ...
 *   convai-policy install-checkov [--venv DIR | --cache-dir DIR]
 *
 * Every path the gate needs from the package (policies/checkov.yaml, policies/checks,
 * policies/checkov-constraints.txt) is found from this file's own location, never from the
 * caller's working directory: a client runs it from its project, we run it from the repository.
 * Exit codes: 0 no unsuppressed failure; 1 at least one; 2 usage or setup error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs as parseCommandLine } from 'node:util';
import { CHECKOV_VERSION, defaultCacheDir, defaultVenvDir, locateCheckov } from './checkov';
import { PolicySetupError } from './errors';
import { runGate } from './gate';
import { mergeJunit, mergeSarif } from './reports';
import type { Finding } from './results';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_SETUP = 2;

/** The command's name in the package's `bin`. */
export const COMMAND = 'convai-policy';

const USAGE = `${COMMAND}: the policy gate of @convai-platform/cdktf-gcp over synthesized CDK for Terraform stacks.
checkov ${CHECKOV_VERSION} (pinned) runs its built-in checks and the package's policy pack on every
<stack>/cdk.tf.json; suppressions recorded with PolicySuppressions ("//".policy_suppressions in the
JSON) are honoured and reported with their reasons.

usage: ${COMMAND} [policy] [CDKTF_OUT] [options]
       ${COMMAND} install-checkov [--venv DIR | --cache-dir DIR | --checkov BIN]
       ${COMMAND} --help | --version

  CDKTF_OUT           cdktf's output folder (holds stacks/<stack>/cdk.tf.json), or a folder that
                      holds <stack>/cdk.tf.json directly (default: cdktf.out; env POLICY_STACKS_DIR)
  --stacks-dir DIR    the same, as a flag
  --stack NAME        scan only this stack (repeatable; default: every stack)
  --reports-dir DIR   per-stack SARIF and JUnit, the scanned copies, checkov's raw output and
                      policy-summary.md/.json (default: reports; env POLICY_REPORTS_DIR)
  --sarif FILE        also write one SARIF 2.1.0 file for all stacks (one run per stack, category
                      convai-policy/<stack>/), e.g. for github/codeql-action/upload-sarif
  --junit FILE        also write one JUnit XML file for all stacks
  --checkov BIN       use this checkov executable (env CHECKOV_BIN); another version than
                      ${CHECKOV_VERSION} is a warning
  --venv DIR          find or install the pinned checkov in this venv (env CONVAI_POLICY_VENV)
  --cache-dir DIR     where the default venv lives (env CONVAI_POLICY_CACHE_DIR; default
                      $XDG_CACHE_HOME/convai-policy, else ~/.cache/convai-policy); the venv is
                      <cache-dir>/checkov-${CHECKOV_VERSION}-<hash of the pinned constraints>
  env PYTHON          the Python 3.9+ that creates the venv (default python3)

exit codes: 0 no unsuppressed failure; 1 at least one unsuppressed failure; 2 usage or setup error`;

export interface CliOptions {
  /** `policy` scans; `install-checkov` only finds or installs checkov and prints its path. */
  readonly command: 'policy' | 'install-checkov';
  /** The folder holding `<stack>/cdk.tf.json`. */
  readonly stacksDir: string;
  /** Only these stacks (`--stack`, repeatable); empty: all. */
  readonly only: readonly string[];
  readonly reportsDir: string;
  /** One SARIF file for all stacks. */
  readonly sarifFile?: string;
  /** One JUnit XML file for all stacks. */
  readonly junitFile?: string;
  /** A checkov executable (`--checkov` / CHECKOV_BIN). */
  readonly checkovBin?: string;
  /** The venv for checkov (`--venv` / CONVAI_POLICY_VENV). */
  readonly venvDir?: string;
  /** Where the default venv lives (`--cache-dir` / CONVAI_POLICY_CACHE_DIR / XDG). */
  readonly cacheDir: string;
}

/**
 * The folder holding `<stack>/cdk.tf.json`: `dir` itself when it holds one, else `dir/stacks`
 * (cdktf's output folder). When neither exists the gate reports `dir/stacks` as missing.
 */
export function resolveStacksDir(dir: string): string {
  const holdsStacks =
    fs.existsSync(dir) &&
    fs.statSync(dir).isDirectory() &&
    fs.readdirSync(dir, { withFileTypes: true }).some((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'cdk.tf.json')));
  return holdsStacks ? dir : path.join(dir, 'stacks');
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  'stacks-dir': { type: 'string' },
  'reports-dir': { type: 'string' },
  stack: { type: 'string', multiple: true },
  sarif: { type: 'string' },
  junit: { type: 'string' },
  checkov: { type: 'string' },
  venv: { type: 'string' },
  'cache-dir': { type: 'string' },
} as const;

/**
 * Parse argv (without node and the script) with `node:util` `parseArgs`, as every command-line tool
 * of the project does; throws PolicySetupError (exit 2) on bad usage.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): CliOptions | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseCommandLine({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const flag = /'(-[^' ]+)/.exec(err.message)?.[1] ?? '';
    const problem =
      err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown argument "${flag}"`
        : err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? `${flag} ${OPTIONS[flag.replace(/^-+/, '') as keyof typeof OPTIONS]?.type === 'boolean' ? 'takes no value' : 'needs a value'}`
          : err.message;
    throw new PolicySetupError(`${problem}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return 'help';
  if (values.version) return 'version';
  const rest = [...positionals];
  const command = rest[0] === 'policy' || rest[0] === 'install-checkov' ? (rest.shift() as CliOptions['command']) : undefined;
  if (rest.length > 1) throw new PolicySetupError(`unexpected argument "${rest[1]}": give one CDKTF_OUT folder\n${USAGE}`);
  const target = rest[0];
  const stacksDir = values['stacks-dir'];
  const reportsDir = values['reports-dir'] ?? (env.POLICY_REPORTS_DIR || 'reports');
  const sarifFile = values.sarif;
  const junitFile = values.junit;
  const checkovBin = values.checkov ?? (env.CHECKOV_BIN || undefined);
  const venvDir = values.venv ?? (env.CONVAI_POLICY_VENV || undefined);
  const cacheDir = values['cache-dir'];
  const only = values.stack ?? [];
  for (const [name, value] of Object.entries(values)) {
    if (value === '') throw new PolicySetupError(`--${name} needs a value\n${USAGE}`);
  }
  if (target !== undefined && stacksDir !== undefined) {
    throw new PolicySetupError(`give the stacks folder once: "${target}" or --stacks-dir ${stacksDir}\n${USAGE}`);
  }
  const resolve = (p: string): string => path.resolve(cwd, p);
  // --stacks-dir and POLICY_STACKS_DIR name the stacks folder itself; CDKTF_OUT may be either.
  const explicit = stacksDir ?? (target === undefined ? env.POLICY_STACKS_DIR || undefined : undefined);
  return {
    command: command ?? 'policy',
    stacksDir: explicit ? resolve(explicit) : resolveStacksDir(resolve(target ?? 'cdktf.out')),
    only,
    reportsDir: resolve(reportsDir),
    ...(sarifFile ? { sarifFile: resolve(sarifFile) } : {}),
    ...(junitFile ? { junitFile: resolve(junitFile) } : {}),
    ...(checkovBin ? { checkovBin: resolve(checkovBin) } : {}),
    ...(venvDir ? { venvDir: resolve(venvDir) } : {}),
    cacheDir: cacheDir ? resolve(cacheDir) : defaultCacheDir(env),
  };
}

/** The package root: the nearest folder above `from` holding policies/checkov.yaml. */
export function findRepoRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'policies', 'checkov.yaml'))) return dir;
    if (path.dirname(dir) === dir) throw new PolicySetupError(`cannot find policies/checkov.yaml above ${from}: the package is incomplete`);
  }
}

/** The package's version, for `--version`. */
function packageVersion(root: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string; version?: string };
    return `${pkg.name ?? '@convai-platform/cdktf-gcp'} ${pkg.version ?? '?'}`;
  } catch {
    return '@convai-platform/cdktf-gcp (version unknown)';
  }
}

/** `<check> on <resource> (construct <path>): <check name> [<severity>]`, after FAILED or WARNING. */
const findingLine = (f: Finding): string =>
  `${f.checkId} on ${f.resource}${f.constructPath ? ` (construct ${f.constructPath})` : ''}: ${f.checkName} [${f.severity}]`;

const write = (file: string, text: string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};

/** Run the gate; returns the exit code (never calls process.exit). */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  },
  cwd: string = process.cwd(),
): Promise<number> {
  try {
    const options = parseArgs(argv, env, cwd);
    if (options === 'help') {
      io.out(USAGE);
      return EXIT_OK;
    }
    const repoRoot = findRepoRoot(__dirname);
    if (options === 'version') {
      io.out(`${COMMAND} (${packageVersion(repoRoot)}), checkov ${CHECKOV_VERSION}`);
      return EXIT_OK;
    }
    // CHECKOV_BIN wins over any venv; --checkov sets it for locateCheckov.
    const gateEnv = options.checkovBin ? { ...env, CHECKOV_BIN: options.checkovBin } : env;
    const venvDir = options.venvDir ?? defaultVenvDir(repoRoot, options.cacheDir);
    if (options.command === 'install-checkov') {
      const checkov = await locateCheckov({ repoRoot, venvDir, env: gateEnv, log: io.err });
      io.out(checkov.bin);
      return EXIT_OK;
    }
    const result = await runGate({
      repoRoot,
      venvDir,
      stacksDir: options.stacksDir,
      only: options.only,
      reportsDir: options.reportsDir,
      env: gateEnv,
      log: io.err,
    });
    const rel = (file: string): string => path.relative(cwd, file) || file;
    for (const stack of result.summary.stacks) {
      for (const f of stack.decisions.failures) io.out(`FAILED ${stack.stack}: ${findingLine(f)}`);
      for (const f of stack.decisions.warnings) io.out(`WARNING ${stack.stack}: ${findingLine(f)}`);
      for (const s of stack.decisions.suppressed)
        io.out(`suppressed ${stack.stack}: ${s.finding.checkId} on ${s.finding.resource}: ${s.suppression.reason}`);
      for (const u of stack.decisions.unused)
        io.err(
          `warning: ${stack.stack}: unused suppression ${u.checkId} recorded on ${u.scope} (no failing finding matches it; remove it)`,
        );
    }
    if (options.sarifFile) {
      write(options.sarifFile, `${JSON.stringify(mergeSarif(result.summary.stacks, cwd), null, 2)}\n`);
      io.err(`SARIF (all stacks): ${rel(options.sarifFile)}`);
    }
    if (options.junitFile) {
      write(options.junitFile, mergeJunit(result.summary.stacks));
      io.err(`JUnit (all stacks): ${rel(options.junitFile)}`);
    }
    io.out(`policy gate ${result.ok ? 'passed' : 'FAILED'}; summary in ${rel(result.summaryFiles.markdown)}`);
    return result.ok ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    if (err instanceof PolicySetupError) {
      io.err(`policy gate: ${err.message}`);
      return EXIT_SETUP;
    }
    throw err;
  }
}
