import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * One hands-on exercise: a scratch workspace the tool creates (`start`), a checker that inspects
 * what the learner produced there (`check`), and a reference solution (`solve`) that CI applies
 * to prove the checker fails on the untouched starting state and passes on the solution.
 */
export type Role = 'operations' | 'development' | 'support' | 'product';

export const ROLES: readonly Role[] = ['operations', 'development', 'support', 'product'];

export interface CheckResult {
  readonly passed: boolean;
  /** What is still wrong, one line each (empty when passed). */
  readonly problems: string[];
  /** Where to look next: docs pages and commands. */
  readonly hints: string[];
}

export interface Exercise {
  /** `ops-broken-stack`: the name `npm run training -- start <id>` takes. */
  readonly id: string;
  readonly role: Role;
  readonly title: string;
  /** The task, as the workspace's TASK.md opens. */
  readonly task: string;
  /** Pages the exercise teaches (repository paths), linked from TASK.md and printed with hints. */
  readonly docs: readonly string[];
  /** Write the starting state into `dir` (an empty folder). */
  start(dir: string): Promise<void> | void;
  /** Turn a started workspace into the reference solution. */
  solve(dir: string): Promise<void> | void;
  /** Inspect the learner's work in `dir`. */
  check(dir: string): Promise<CheckResult>;
}

/** The repository root: the nearest folder up holding cdktf.json (sources in tools/training/, compiled in build/tools/training/). */
export const REPO_ROOT = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'cdktf.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no cdktf.json above ${__dirname}: run the training tool inside the repository`);
    dir = parent;
  }
  return dir;
})();

/** Gitignored folder the workspaces live in; two levels below the root so `../../constructs` imports work. */
export const WORKSPACES = path.join(REPO_ROOT, '.training');

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Read a learner's JSON file, or say what is wrong with it (a problem, never a crash). */
export function readLearnerJson(dir: string, file: string): { value?: any; problem?: string } {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) return { problem: `${file} is missing: the exercise started with one; run start again to recreate it` };
  try {
    return { value: JSON.parse(fs.readFileSync(full, 'utf8')) };
  } catch (error) {
    return { problem: `${file} is not valid JSON: ${(error as Error).message}` };
  }
}

/** Replace `from` with `to` in a workspace file; the reference solutions edit the starting files like a learner would. */
export function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const full = path.join(dir, file);
  const text = fs.readFileSync(full, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`reference solution: ${file} does not contain ${String(from)} (was the starting state changed?)`);
  fs.writeFileSync(full, next);
}

export function result(problems: string[], hints: string[]): CheckResult {
  return { passed: problems.length === 0, problems, hints: problems.length === 0 ? [] : hints };
}

/** Same members, in any order, compared as trimmed lower-case strings. */
export function sameSet(a: unknown, b: readonly string[]): boolean {
  if (!Array.isArray(a)) return false;
  const norm = (xs: readonly unknown[]) => [...new Set(xs.map((x) => String(x).trim().toLowerCase()))].sort().join('\n');
  return norm(a) === norm(b);
}
