/**
 * Proves the Python package works for a Python platform team (`npm run test:python`, run by CI; not
 * part of `npm test`, which it would slow by minutes):
 *
 * 1. takes the wheel `npm run package` built (dist/python/) and installs it, with the exact PyPI
 *    versions of requirements.txt (cdktf, the Google and Kubernetes providers' Python packages,
 *    constructs, jsii), into a fresh virtual environment outside the repository;
 * 2. copies python-client/ (app.py, cdktf.json) into a throwaway project and synthesizes it with
 *    `cdktf synth` (cdktf.json: `"app": "python app.py"`), from the reference app's configuration
 *    (its Cloud Run environments, dev and prod);
 * 3. synthesizes python-client/app.ts, the same app in TypeScript, from the same configuration and
 *    requires the same cdktf.out: the manifest and each stack's JSON, byte for byte (no documented
 *    differences are needed: both drive the same JavaScript through jsii, the construct ids, and so
 *    the Terraform addresses and metadata paths, are the app's own);
 * 4. runs the policy gate from the wheel (`convai-policy`, the console script the wheel installs)
 *    and `terraform validate` with the real providers on the Python app's stacks;
 * 5. checks the API is whole in Python: every jsii type importable, every module-level export of
 *    the npm package reachable through its class-level twin, the README's examples in Python.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as library from '../../constructs';
import { KeyPurpose } from '../../constructs';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { formatResult, validateSynthesizedStacks } from '../../tools/terraform-validate/terraform-validate';
import { synthesize } from './python-client/app';

const REPO = join(__dirname, '..', '..');
const FIXTURE = join(__dirname, 'python-client');
const MINUTE = 60_000;
/** pip's download and wheel cache, kept across runs (like a CI cache): a rerun installs offline. */
const PIP_CACHE = join(REPO, '.tools', 'pip-cache');
/** The policy gate's checkov venv: the same cache the npm packaging test uses. */
const POLICY_CACHE = join(REPO, '.tools', 'convai-policy-cache');
const PYTHON = process.env.PYTHON ?? 'python3';

/** A text for `TerraformLiteral.of`: a Cloud Monitoring legend template. */
const LITERAL_SAMPLE = 'by ${metric.labels.kind}';
/**
 * The npm package's module-level exports, which jsii cannot carry, and the Python expression that
 * reaches each through a class (`stack` is an empty TerraformStack).
 */
const PYTHON_TWINS: Record<string, string> = {
  POSTGRES_LOGGING_FLAGS: 'MultiRegionDb.POSTGRES_LOGGING_FLAGS',
  BACKUP_STALE_RUNBOOK: 'DrBackup.BACKUP_STALE_RUNBOOK',
  EXPORT_SUCCEEDED_EVENT: 'DrBackup.EXPORT_SUCCEEDED_EVENT',
  RESTORE_DRILL_RUNBOOK: 'DrBackup.RESTORE_DRILL_RUNBOOK',
  RESTORE_DRILL_SUCCEEDED_EVENT: 'DrBackup.RESTORE_DRILL_SUCCEEDED_EVENT',
  RESTORE_DRILL_FAILED_EVENT: 'DrBackup.RESTORE_DRILL_FAILED_EVENT',
  FAILOVER_PLAN_EVENT: 'DrBackup.FAILOVER_PLAN_EVENT',
  FAILOVER_STEP_EVENT: 'DrBackup.FAILOVER_STEP_EVENT',
  FAILOVER_COMPLETED_EVENT: 'DrBackup.FAILOVER_COMPLETED_EVENT',
  FAILOVER_FAILED_EVENT: 'DrBackup.FAILOVER_FAILED_EVENT',
  stackViolations: 'PolicyChecks.violations(stack)',
  stackWarnings: 'PolicyChecks.warnings(stack)',
  REQUIRED_LABELS: 'PlatformLabels.REQUIRED_LABELS',
  PRODUCTION_ENVS: 'PlatformStack.PRODUCTION_ENVS',
  terraformProblems: 'TerraformChecks.problems(stack)',
  terraformLiteral: `TerraformLiteral.of(${JSON.stringify(LITERAL_SAMPLE)})`,
  RUNBOOK_DIR: 'Runbooks.DIR',
  DEFAULT_RUNBOOK_BASE_URL: 'Runbooks.DEFAULT_BASE_URL',
  PRECONFIGURED_WAF_RULES: 'EdgeSecurityPolicy.PRECONFIGURED_WAF_RULES',
  EDGE_REQUESTS_PER_SLOT_PER_SECOND: 'EdgeSecurityPolicy.REQUESTS_PER_SLOT_PER_SECOND',
  DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE: 'EdgeSecurityPolicy.DEFAULT_RATE_LIMIT_PER_MINUTE',
  CHAOS_MESH_API_VERSION: 'ChaosMeshExperiments.API_VERSION',
  MAX_CHAOS_DURATION_SECONDS: 'ChaosMeshExperiments.MAX_DURATION_SECONDS',
  DATA_ACCESS_AUDITED_SERVICES: 'SecureSecrets.DATA_ACCESS_AUDITED_SERVICES',
  KEY_PURPOSES: '[p.name for p in SecureSecrets.KEY_PURPOSES]', // jsii enums cross by member name
  SECRET_ACCESSOR_ROLE: 'SecretAccess.ROLE',
  GITHUB_ACTIONS_ISSUER: 'PlatformBootstrap.GITHUB_ACTIONS_ISSUER',
};

/** The environment for child processes, minus what `npm run` injects about *this* package. */
const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(package_|lifecycle_|config_local_prefix$|config_call$|command$)/.test(k)),
);

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = childEnv): string {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} exited ${err.status}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

let clientDir: string;
let venv: string;
let wheel: string;
/** The client's environment: the venv first on the PATH, as after `source .venv/bin/activate`. */
let clientEnv: NodeJS.ProcessEnv;
const venvBin = (name: string) => join(venv, 'bin', name);

beforeAll(() => {
  const wheels = existsSync(join(REPO, 'dist', 'python'))
    ? readdirSync(join(REPO, 'dist', 'python')).filter((f) => f.endsWith('.whl'))
    : [];
  if (wheels.length !== 1)
    throw new Error(`expected one wheel in dist/python, found [${wheels.join(', ')}]: run \`npm run package\` first`);
  wheel = join(REPO, 'dist', 'python', wheels[0]);

  clientDir = mkdtempSync(join(tmpdir(), 'convai-python-client-'));
  venv = join(clientDir, '.venv');
  cpSync(FIXTURE, clientDir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  // The reference app's configuration (stacks/config.ts), its Cloud Run environments: the
  // experiments document is the reference app's own, not part of this app.
  const environments = DEFAULT_CONFIG.environments.filter((e) => !e.gke).map(({ experimentsFile: _unused, ...e }) => e);
  writeFileSync(join(clientDir, 'platform.config.json'), JSON.stringify({ environments }, null, 2));

  mkdirSync(PIP_CACHE, { recursive: true });
  run(PYTHON, ['-m', 'venv', venv], clientDir);
  // --no-compile: the provider packages hold thousands of modules; Python compiles what app.py imports.
  run(
    venvBin('pip'),
    ['install', '--quiet', '--no-compile', '--cache-dir', PIP_CACHE, '--disable-pip-version-check', '-r', 'requirements.txt', wheel],
    clientDir,
  );
  clientEnv = { ...childEnv, VIRTUAL_ENV: venv, PATH: `${join(venv, 'bin')}:${childEnv.PATH}`, CHECKPOINT_DISABLE: '1' };
  delete clientEnv.PYTHONHOME;
}, 15 * MINUTE);

afterAll(() => {
  if (clientDir) rmSync(clientDir, { recursive: true, force: true });
});

describe('the wheel', () => {
  test('is the library: distribution convai-platform-cdktf-gcp, module convai_platform_cdktf_gcp, every jsii type importable', () => {
    const assembly = JSON.parse(readFileSync(join(REPO, '.jsii'), 'utf8')) as { types: Record<string, { name: string }> };
    const exported = JSON.parse(
      run(
        venvBin('python'),
        [
          '-c',
          'import json, importlib.metadata as md, convai_platform_cdktf_gcp as m; ' +
            'print(json.dumps({"dist": md.metadata("convai-platform-cdktf-gcp")["Name"], "names": [n for n in dir(m) if not n.startswith("_")]}))',
        ],
        clientDir,
        clientEnv,
      ),
    ) as { dist: string; names: string[] };
    expect(exported.dist).toBe('convai-platform-cdktf-gcp');
    expect(exported.names.sort()).toEqual(
      Object.values(assembly.types)
        .map((t) => t.name)
        .sort(),
    );
  });

  test('reaches everything the npm package exports: module constants and functions through their jsii classes', () => {
    // What the npm package exports (constructs/index.ts, compiled to lib/index.js). jsii carries
    // classes, interfaces and enums; a module-level `export const` or `export function` exists for
    // JavaScript and TypeScript only. Each has a class-level twin (PYTHON_TWINS); this
    // fails on a new export without one.
    const lib = library as unknown as Record<string, unknown>;
    const assembly = JSON.parse(readFileSync(join(REPO, '.jsii'), 'utf8')) as { types: Record<string, { name: string }> };
    const typeNames = new Set(Object.values(assembly.types).map((t) => t.name));
    expect(
      Object.keys(lib)
        .filter((k) => !typeNames.has(k))
        .sort(),
    ).toEqual(Object.keys(PYTHON_TWINS).sort());

    const script = [
      'import json',
      'from cdktf import App, TerraformStack',
      'from convai_platform_cdktf_gcp import *',
      'stack = TerraformStack(App(), "empty")',
      `print(json.dumps({${Object.entries(PYTHON_TWINS)
        .map(([ts, py]) => `${JSON.stringify(ts)}: ${py}`)
        .join(', ')}}))`,
    ].join('\n');
    const fromPython = JSON.parse(run(venvBin('python'), ['-c', script], clientDir, clientEnv)) as Record<string, unknown>;
    const fromTypeScript = Object.fromEntries(
      Object.keys(PYTHON_TWINS).map((k) => {
        const v = lib[k];
        if (k === 'terraformLiteral') return [k, (v as (t: string) => string)(LITERAL_SAMPLE)];
        if (typeof v === 'function') return [k, []]; // stackViolations / terraformProblems of an empty stack
        if (k === 'KEY_PURPOSES') return [k, (v as string[]).map((p) => Object.entries(KeyPurpose).find(([, value]) => value === p)![0])];
        return [k, v];
      }),
    );
    expect(fromPython).toEqual(fromTypeScript);
  });

  test("shows the README's examples in Python (jsii-rosetta translated every one)", () => {
    const readme = run(
      venvBin('python'),
      ['-c', 'import importlib.metadata as md; print(md.metadata("convai-platform-cdktf-gcp").get_payload())'],
      clientDir,
      clientEnv,
    );
    expect(readme).not.toMatch(/```(ts|typescript)\b/);
    expect(readme).toContain('```python');
    expect(readme).toContain('webhook = ScalableWebhook(stack, "webhook",');
    expect(readme).toContain('db = MultiRegionDb(stack, "database", network=vpc.id, encryption_keys=secrets)');
  });

  test('pins the PyPI packages the library was built against', () => {
    const frozen = run(venvBin('pip'), ['freeze', '--disable-pip-version-check'], clientDir, clientEnv);
    for (const pin of [
      'cdktf==0.21.0',
      'cdktf-cdktf-provider-google==16.12.1',
      'cdktf-cdktf-provider-kubernetes==12.1.1',
      'constructs==10.4.5',
    ]) {
      expect(frozen).toContain(pin);
    }
  });
});

describe('a Python cdktf app using the wheel', () => {
  const stacks = ['dev', 'prod'];
  const pyOut = () => join(clientDir, 'cdktf.out');
  const tsOut = () => join(clientDir, 'ts.out');

  beforeAll(() => {
    // The CLI a Python team uses too: `cdktf synth` runs cdktf.json's app with the venv's python.
    run(join(REPO, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', 'cdktf.out'], clientDir, clientEnv);
    synthesize(join(clientDir, 'platform.config.json'), tsOut());
  }, 10 * MINUTE);

  test('synthesizes a stack per environment: the webhook, database, backups, SLOs and keys', () => {
    expect(readdirSync(join(pyOut(), 'stacks')).sort()).toEqual(stacks);
    const prod = JSON.parse(readFileSync(join(pyOut(), 'stacks', 'prod', 'cdk.tf.json'), 'utf8'));
    const services = Object.values(prod.resource.google_cloud_run_v2_service) as any[];
    expect(services.map((s) => s.location).sort()).toEqual(['asia-northeast1', 'europe-west1', 'us-central1']);
    for (const type of [
      'google_sql_database_instance', // MultiRegionDb
      'google_storage_bucket', // DrBackup
      'google_workflows_workflow', // DrBackup: export, restore drill, failover
      'google_monitoring_slo', // SloAlerting
      'google_kms_crypto_key', // SecureSecrets
      'google_secret_manager_secret',
    ]) {
      expect(Object.keys(prod.resource[type] ?? {}).length).toBeGreaterThan(0);
    }
    // The Python IStringProducer (Lazy.string_value) was called back and resolved into the env.
    const env = services[0].template.containers[0].env as { name: string; value?: string }[];
    expect(env.find((e) => e.name === 'DATABASE_URL')?.value).toMatch(
      /^postgres:\/\/\$\{replace\(trimsuffix\(google_service_account\.webhook_service-account_\w+\.email/,
    );
  });

  test("matches the TypeScript app's Terraform JSON for the same configuration", () => {
    const read = (root: string, ...p: string[]) => readFileSync(join(root, ...p), 'utf8');
    expect(read(pyOut(), 'manifest.json')).toBe(read(tsOut(), 'manifest.json'));
    for (const stack of stacks) {
      const py = JSON.parse(read(pyOut(), 'stacks', stack, 'cdk.tf.json'));
      const ts = JSON.parse(read(tsOut(), 'stacks', stack, 'cdk.tf.json'));
      expect(py).toEqual(ts);
      // Byte for byte too: same key order, same number formatting.
      expect(read(pyOut(), 'stacks', stack, 'cdk.tf.json')).toBe(read(tsOut(), 'stacks', stack, 'cdk.tf.json'));
    }
  });

  test(
    'every stack passes terraform validate with the real providers (no errors, no warnings)',
    async () => {
      const results = await validateSynthesizedStacks(pyOut());
      expect(results.map((r) => r.name).sort()).toEqual(stacks);
      expect(
        results
          .filter((r) => r.errors + r.warnings > 0)
          .map(formatResult)
          .join('\n'),
      ).toBe('');
    },
    10 * MINUTE,
  );

  test(
    "passes the policy gate run from the wheel's own convai-policy command",
    () => {
      const env: NodeJS.ProcessEnv = { ...clientEnv, CONVAI_POLICY_CACHE_DIR: POLICY_CACHE };
      for (const k of ['CHECKOV_BIN', 'CONVAI_POLICY_VENV', 'POLICY_STACKS_DIR', 'POLICY_REPORTS_DIR']) delete env[k];
      const gate = spawnSync(venvBin('convai-policy'), ['cdktf.out', '--reports-dir', 'policy-reports', '--junit', 'policy.junit.xml'], {
        cwd: clientDir,
        env,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
        timeout: 15 * MINUTE,
      });
      const output = `${gate.stdout ?? ''}${gate.stderr ?? ''}${gate.error ? String(gate.error) : ''}`;
      expect(output).toContain('policy gate passed');
      expect(gate.status).toBe(0);
      const summary = JSON.parse(readFileSync(join(clientDir, 'policy-reports', 'policy-summary.json'), 'utf8'));
      expect(summary.stacks.map((s: any) => s.stack).sort()).toEqual(stacks);
      for (const s of summary.stacks) {
        expect(s.failed).toBe(0);
        expect(s.passed).toBeGreaterThan(100);
      }
      // The package's own checks ran (from the tarball inside the wheel), not only checkov's.
      expect(readFileSync(join(clientDir, 'policy-reports', 'prod', 'checkov', 'results_json.json'), 'utf8')).toContain('CKV_CONVAI_45');
    },
    20 * MINUTE,
  );
});
