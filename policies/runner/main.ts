/**
 * `npm run policy`: the policy gate over cdktf.out.
 *
 *   node build/policies/runner/main.js [--stacks-dir DIR] [--reports-dir DIR]
 *
 * Environment: POLICY_STACKS_DIR, POLICY_REPORTS_DIR (same as the flags), CHECKOV_BIN (use this
 * checkov instead of .venv-checkov/), PYTHON (the Python that creates .venv-checkov/).
 * Exit codes: 0 no unsuppressed failure; 1 at least one; 2 usage or setup error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECKOV_VERSION } from './checkov';
import { PolicySetupError } from './errors';
import { runGate } from './gate';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_SETUP = 2;

const USAGE = `usage: npm run policy -- [--stacks-dir DIR] [--reports-dir DIR]
  --stacks-dir DIR   folder with <stack>/cdk.tf.json (env POLICY_STACKS_DIR; default cdktf.out/stacks)
  --reports-dir DIR  where SARIF, JUnit and the summaries go (env POLICY_REPORTS_DIR; default reports)
  env CHECKOV_BIN    a checkov executable to use instead of .venv-checkov/ (pinned ${CHECKOV_VERSION})`;

export interface CliOptions {
  readonly stacksDir: string;
  readonly reportsDir: string;
}

/** Parse argv (without node and the script); throws PolicySetupError on bad usage. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): CliOptions | 'help' {
  let stacksDir = env.POLICY_STACKS_DIR || 'cdktf.out/stacks';
  let reportsDir = env.POLICY_REPORTS_DIR || 'reports';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (!v) throw new PolicySetupError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    else if (flag === '--stacks-dir') stacksDir = value();
    else if (flag === '--reports-dir') reportsDir = value();
    else throw new PolicySetupError(`unknown argument "${arg}"\n${USAGE}`);
  }
  return { stacksDir: path.resolve(cwd, stacksDir), reportsDir: path.resolve(cwd, reportsDir) };
}

/** The repository root: the nearest folder above `from` holding policies/checkov.yaml. */
export function findRepoRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'policies', 'checkov.yaml'))) return dir;
    if (path.dirname(dir) === dir) throw new PolicySetupError(`cannot find policies/checkov.yaml above ${from}`);
  }
}

/** Run the gate; returns the exit code (never calls process.exit). */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  },
): Promise<number> {
  try {
    const options = parseArgs(argv, env, process.cwd());
    if (options === 'help') {
      io.out(USAGE);
      return EXIT_OK;
    }
    const result = await runGate({ repoRoot: findRepoRoot(__dirname), ...options, env, log: io.err });
    for (const stack of result.summary.stacks) {
      for (const f of stack.decisions.failures) io.out(`FAILED ${stack.stack}: ${f.checkId} on ${f.resource} (${f.checkName})`);
      for (const s of stack.decisions.suppressed)
        io.out(`suppressed ${stack.stack}: ${s.finding.checkId} on ${s.finding.resource}: ${s.suppression.reason}`);
      for (const u of stack.decisions.unused)
        io.err(
          `warning: ${stack.stack}: unused suppression ${u.checkId} recorded on ${u.scope} (no failing finding matches it; remove it)`,
        );
    }
    io.out(`policy gate ${result.ok ? 'passed' : 'FAILED'}; summary in ${path.relative(process.cwd(), result.summaryFiles.markdown)}`);
    return result.ok ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    if (err instanceof PolicySetupError) {
      io.err(`policy gate: ${err.message}`);
      return EXIT_SETUP;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`policy gate crashed: ${(err as Error).stack ?? err}\n`);
      process.exit(EXIT_SETUP);
    },
  );
}
