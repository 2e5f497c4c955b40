/**
 * The pipeline examples a team copies (examples/pipelines/): the GitHub Actions workflow is linted
 * by the real actionlint (built from the Go module proxy by scripts/ensure-actionlint.sh), and the
 * Cloud Build configs by a structural check of what Cloud Build rejects or silently gets wrong.
 * Each checker is also run on a deliberately broken copy, to show it can fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// js-yaml (a pinned devDependency) has no bundled types; only load() is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load: (text: string) => any } = require('js-yaml');

const REPO = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(REPO, 'examples', 'pipelines');
const WORKFLOW = path.join(EXAMPLES, 'github-actions', 'platform-deploy.yml');
const CLOUD_BUILD = ['plan.yaml', 'apply.yaml'].map((f) => path.join(EXAMPLES, 'cloud-build', f));

let actionlint: string;
let work: string;

beforeAll(() => {
  actionlint = execFileSync('bash', [path.join(REPO, 'scripts', 'ensure-actionlint.sh')], { encoding: 'utf8' }).trim();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-'));
}, 10 * 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function lint(file: string): { status: number; output: string } {
  const r = spawnSync(actionlint, ['-no-color', '-oneline', file], { encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe('GitHub Actions workflow', () => {
  test('actionlint finds nothing', () => {
    expect(lint(WORKFLOW)).toEqual({ status: 0, output: '' });
  });

  test('actionlint fails on a broken copy (so the check above can fail)', () => {
    const broken = fs
      .readFileSync(WORKFLOW, 'utf8')
      .replace('needs: plan', 'needs: plann')
      .replace('timeout-minutes: 45', 'timeout-minutes: forty-five');
    const file = path.join(work, 'broken.yml');
    fs.writeFileSync(file, broken);
    const { status, output } = lint(file);
    expect(status).not.toBe(0);
    expect(output).toMatch(/plann/);
    expect(output).toMatch(/:\d+:\d+: expecting a single \$\{\{\.\.\.\}\} expression or float number literal/);
  });

  const workflow = () => yaml.load(fs.readFileSync(WORKFLOW, 'utf8'));
  const steps = (job: string): any[] => workflow().jobs[job].steps;
  const uses = (): string[] =>
    Object.values<any>(workflow().jobs).flatMap((j) => j.steps.map((s: any) => s.uses).filter((u: unknown) => typeof u === 'string'));

  test('pins every action by full commit SHA', () => {
    expect(uses().filter((u) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(u))).toEqual([]);
  });

  test('authenticates keyless (Workload Identity Federation), never with a key', () => {
    const text = fs.readFileSync(WORKFLOW, 'utf8');
    expect(text).not.toMatch(/credentials_json|GOOGLE_APPLICATION_CREDENTIALS|secrets\./);
    for (const job of ['plan', 'apply']) {
      const auth = steps(job).find((s) => String(s.uses).startsWith('google-github-actions/auth@'));
      expect(Object.keys(auth.with).sort()).toEqual(['service_account', 'workload_identity_provider']);
      expect(workflow().jobs[job].permissions['id-token']).toBe('write');
    }
  });

  test('runs synth -> policy gate (SARIF to code scanning) -> validate -> plan (saved) -> approval -> apply', () => {
    const order = steps('plan').map((s) => `${s.uses ?? ''} ${s.run ?? ''}`);
    const at = (re: RegExp): number => {
      const i = order.findIndex((s) => re.test(s));
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    const sequence = [
      at(/cdktf synth/),
      at(/npx convai-policy policy cdktf\.out .*--sarif/s),
      at(/codeql-action\/upload-sarif@/),
      at(/terraform validate/),
      at(/terraform plan .*-out=tfplan/),
    ];
    expect([...sequence].sort((a, b) => a - b)).toEqual(sequence);
    const sarif = steps('plan').find((s) => String(s.uses).includes('upload-sarif'));
    expect(sarif.if).toMatch(/always\(\)/); // findings reach code scanning when the gate fails
    expect(workflow().jobs.plan.permissions['security-events']).toBe('write');
    const apply = workflow().jobs.apply;
    expect(apply.needs).toBe('plan');
    expect(apply.environment).toBe('production'); // required reviewers = the manual approval
    expect(apply.steps.map((s: any) => s.run ?? '').join('\n')).toMatch(/terraform apply .*tfplan/);
  });
});

/** Built-in Cloud Build substitutions (https://cloud.google.com/build/docs/configuring-builds/substitute-variable-values). */
const BUILT_INS = new Set([
  'PROJECT_ID',
  'PROJECT_NUMBER',
  'LOCATION',
  'BUILD_ID',
  'TRIGGER_NAME',
  'COMMIT_SHA',
  'REVISION_ID',
  'SHORT_SHA',
  'REPO_NAME',
  'REPO_FULL_NAME',
  'BRANCH_NAME',
  'TAG_NAME',
  'REF_NAME',
  'TRIGGER_BUILD_CONFIG_PATH',
  'SERVICE_ACCOUNT_EMAIL',
  'SERVICE_ACCOUNT',
]);
const TOP_LEVEL = new Set([
  'steps',
  'timeout',
  'queueTtl',
  'logsBucket',
  'options',
  'substitutions',
  'tags',
  'serviceAccount',
  'secrets',
  'availableSecrets',
  'artifacts',
  'images',
  'dependencies',
]);
const STEP_KEYS = new Set([
  'name',
  'args',
  'env',
  'dir',
  'id',
  'waitFor',
  'entrypoint',
  'secretEnv',
  'volumes',
  'timeout',
  'script',
  'allowFailure',
  'allowExitCodes',
  'automapSubstitutions',
]);

/** What Cloud Build would reject, or run differently than written. */
export function cloudBuildProblems(text: string): string[] {
  const problems: string[] = [];
  let doc: any;
  try {
    doc = yaml.load(text);
  } catch (err) {
    return [`not YAML: ${(err as Error).message}`];
  }
  for (const key of Object.keys(doc ?? {})) if (!TOP_LEVEL.has(key)) problems.push(`unknown top-level key ${key}`);
  if (!Array.isArray(doc?.steps) || doc.steps.length === 0) return [...problems, 'steps must be a non-empty list'];
  const ids = new Set<string>();
  doc.steps.forEach((step: any, i: number) => {
    const where = `steps[${i}]${step?.id ? ` (${step.id})` : ''}`;
    for (const key of Object.keys(step ?? {})) if (!STEP_KEYS.has(key)) problems.push(`${where}: unknown key ${key}`);
    if (typeof step?.name !== 'string' || step.name === '') problems.push(`${where}: needs a name (the builder image)`);
    const hasArgs = Array.isArray(step?.args) && step.args.length > 0 && step.args.every((a: unknown) => typeof a === 'string');
    if (!hasArgs && typeof step?.script !== 'string') problems.push(`${where}: needs args (a list of strings) or a script`);
    if (step?.id !== undefined) {
      if (ids.has(step.id)) problems.push(`${where}: duplicate id`);
      ids.add(step.id);
    }
    for (const w of step?.waitFor ?? []) if (w !== '-' && !ids.has(w)) problems.push(`${where}: waitFor ${w} is not an earlier step id`);
  });
  // Substitutions: every $_X / ${_X} used is declared, every declared one is used (Cloud Build
  // fails a build on either unless ALLOW_LOOSE), and every other $X / ${X} is a built-in
  // (a shell variable must be written $$X).
  const declared = new Set(Object.keys(doc.substitutions ?? {}));
  for (const key of declared) if (!/^_[A-Z0-9_]+$/.test(key)) problems.push(`substitution ${key} must match _[A-Z0-9_]+`);
  const body = JSON.stringify({ ...doc, substitutions: undefined });
  const used = new Set<string>();
  for (const m of body.replace(/\$\$/g, '').matchAll(/\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z_][A-Za-z0-9_]*))/g)) {
    const name = m[1] ?? m[2];
    if (name.startsWith('_')) {
      used.add(name);
      if (!declared.has(name)) problems.push(`substitution ${name} is used but not declared`);
    } else if (!BUILT_INS.has(name)) {
      problems.push(`$${name} is neither a built-in substitution nor declared (write $$${name} for a shell variable)`);
    }
  }
  for (const name of declared) if (!used.has(name)) problems.push(`substitution ${name} is declared but never used`);
  if (doc.serviceAccount && !doc.logsBucket && !doc.options?.logging) {
    problems.push('a user-specified serviceAccount needs options.logging (e.g. CLOUD_LOGGING_ONLY) or logsBucket');
  }
  if (/credentials_json|GOOGLE_APPLICATION_CREDENTIALS|\.json"?\s*$/m.test(text.replace(/^#.*$/gm, ''))) {
    problems.push('looks like a key file: use the build service account (keyless)');
  }
  return problems;
}

describe('Cloud Build configs', () => {
  test.each(CLOUD_BUILD.map((f) => [path.basename(f), f]))('%s is structurally valid', (_name, file) => {
    expect(cloudBuildProblems(fs.readFileSync(file, 'utf8'))).toEqual([]);
  });

  test('the check fails on a broken copy (so the test above can fail)', () => {
    const broken = fs
      .readFileSync(CLOUD_BUILD[0], 'utf8')
      .replace('_PLAN_SERVICE_ACCOUNT: tf-plan', '_PLANNER: tf-plan')
      .replace('echo $$? >', 'echo $? >')
      .replace("entrypoint: npm\n    args: ['ci', '--no-audit', '--no-fund']", 'entrypoint: npm')
      .replace('logging: CLOUD_LOGGING_ONLY', 'machineType: E2_HIGHCPU_8');
    expect(cloudBuildProblems(broken)).toEqual(
      expect.arrayContaining([
        'substitution _PLAN_SERVICE_ACCOUNT is used but not declared',
        'substitution _PLANNER is declared but never used',
        expect.stringContaining('steps[0] (install): needs args'),
        expect.stringContaining('a user-specified serviceAccount needs options.logging'),
      ]),
    );
    expect(cloudBuildProblems('steps: []')).toEqual(['steps must be a non-empty list']);
    expect(cloudBuildProblems('steps:\n  - name: x\n    args: ["echo $HOME"]\n')).toEqual([
      expect.stringContaining('$HOME is neither a built-in'),
    ]);
  });

  test('plan runs synth -> policy gate -> validate -> plan; apply applies the saved plan after approval', () => {
    const plan = yaml.load(fs.readFileSync(CLOUD_BUILD[0], 'utf8'));
    const ids = plan.steps.map((s: any) => s.id);
    expect(ids).toEqual(['install', 'synth', 'policy-gate', 'policy-reports', 'policy-verdict', 'validate', 'plan']);
    expect(plan.steps[2].args.join(' ')).toContain('npx convai-policy policy cdktf.out');
    expect(plan.steps[6].args.join(' ')).toContain('-out=tfplan');
    const apply = yaml.load(fs.readFileSync(CLOUD_BUILD[1], 'utf8'));
    expect(apply.steps.at(-1).args.join(' ')).toMatch(/terraform apply .*tfplan/);
    expect(fs.readFileSync(path.join(EXAMPLES, 'README.md'), 'utf8')).toContain('--require-approval');
  });
});
