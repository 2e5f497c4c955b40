import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from './config';
import { childEnv } from './process';

/**
 * The equal-JSON check between the two builds: the reference app (stacks/) synthesized with cdktf and
 * with CDK Terrain must give the same Terraform JSON for every stack, apart from the differences below,
 * each of which is documented in docs/maintenance/cdk-terrain.md. A difference anywhere else fails.
 */
export interface KnownDifference {
  /** JSON path with `*` for any key, e.g. `terraform.required_providers.*.source`. */
  readonly path: string;
  /** Why it differs and why that is harmless. */
  readonly why: string;
  /** When set, the two values must still be equivalent by this test; otherwise any values pass. */
  readonly equivalent?: (cdktf: unknown, cdktn: unknown) => boolean;
}

/** A provider source as Terraform reads it: `google` and `hashicorp/google` are both `registry.terraform.io/hashicorp/google`. */
export function providerAddress(source: unknown): string {
  const parts = String(source).split('/');
  if (parts.length === 1) parts.unshift('hashicorp');
  if (parts.length === 2) parts.unshift('registry.terraform.io');
  return parts.join('/').toLowerCase();
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  { path: '//.metadata.version', why: 'the version of the CDK library that synthesized the stack (cdktf 0.21.0, cdktn 0.24.0)' },
  {
    path: 'terraform.required_providers.*.source',
    why: 'the prebuilt @cdktf bindings write the short source (`google`), `cdktn get` the namespaced one (`hashicorp/google`): the same provider address for Terraform',
    equivalent: (a, b) => providerAddress(a) === providerAddress(b),
  },
];

export interface StackDifference {
  readonly stack: string;
  /** Paths that differ, at most a few dozen; `+`/`-` for a key only one side has. */
  readonly paths: readonly string[];
}

/** Synthesize the reference app into `outdir`; under cdktn through the import mapping (register.js). */
export function synthReferenceApp(outdir: string, build: 'cdktf' | 'cdktn', env: NodeJS.ProcessEnv = {}): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = path.join(REPO, 'build', 'stacks', 'main.js');
  if (!fs.existsSync(app)) throw new Error(`${path.relative(REPO, app)} is missing: run \`npm run build:dev\` first`);
  const hook = build === 'cdktn' ? ['-r', path.join(__dirname, 'register.js')] : [];
  execFileSync(process.execPath, ['--disable-warning=DEP0044', ...hook, app], {
    cwd: REPO,
    env: childEnv({ CDKTF_OUTDIR: outdir, ...env }),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Every stack's cdk.tf.json under `<outdir>/stacks`, parsed, by stack name. */
export function readStacks(outdir: string): Map<string, unknown> {
  const dir = path.join(outdir, 'stacks');
  const stacks = new Map<string, unknown>();
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, 'cdk.tf.json');
    if (fs.existsSync(file)) stacks.set(name, JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  return stacks;
}

function matches(pattern: string, jsonPath: string): boolean {
  const p = pattern.split('.');
  const j = jsonPath.split('.');
  return p.length === j.length && p.every((seg, i) => seg === '*' || seg === j[i]);
}

/** Paths where `a` and `b` differ (leaves, or keys one side lacks), minus the known differences. */
export function diffJson(a: unknown, b: unknown, known: readonly KnownDifference[] = KNOWN_DIFFERENCES, at = ''): string[] {
  const rule = at ? known.find((k) => matches(k.path, at)) : undefined;
  if (rule) return !rule.equivalent || rule.equivalent(a, b) ? [] : [at];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const out: string[] = [];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const sub = at ? `${at}.${key}` : key;
      if (!(key in b)) {
        if (!known.some((k) => matches(k.path, sub))) out.push(`-${sub}`);
      } else if (!(key in a)) {
        if (!known.some((k) => matches(k.path, sub))) out.push(`+${sub}`);
      } else out.push(...diffJson(a[key], b[key], known, sub));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at || '(root)'];
}

/** Compare two synth outputs stack by stack; a stack only one side has is a difference too. */
export function compareOutputs(cdktfOut: string, cdktnOut: string): StackDifference[] {
  const left = readStacks(cdktfOut);
  const right = readStacks(cdktnOut);
  const out: StackDifference[] = [];
  for (const stack of new Set([...left.keys(), ...right.keys()])) {
    if (!left.has(stack)) out.push({ stack, paths: ['(only in the CDK Terrain output)'] });
    else if (!right.has(stack)) out.push({ stack, paths: ['(only in the cdktf output)'] });
    else {
      const paths = diffJson(left.get(stack), right.get(stack));
      if (paths.length > 0) out.push({ stack, paths: paths.slice(0, 40) });
    }
  }
  return out;
}
