/**
 * Proves that what we ship works for a team that imports it:
 *
 * 1. builds the library with jsii (`npm run build`: lib/, .jsii, API.md) and packs it with
 *    `npm pack` into a temp dir outside the repository;
 * 2. checks the tarball's file list (what ships, and that nothing else does);
 * 3. installs the tarball plus the exact peer versions into a throwaway client project outside
 *    the repository (so nothing resolves from the repo's node_modules), compiles
 *    fixture-client/main.ts with the client's own tsc (skipLibCheck off: the shipped .d.ts files
 *    must type-check) and runs it to synthesize;
 * 4. asserts on the synthesized Terraform JSON;
 * 5. runs the shipped policy gate (`npx convai-policy`, the package's bin) in the client project on
 *    its two stacks: `client-prod` passes with its recorded suppression, `client-violating` fails
 *    with the check id and construct path, and SARIF/JUnit are written.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatResult, validateSynthesizedStacks } from '../../tools/terraform-validate/terraform-validate';

const REPO = join(__dirname, '..', '..');
const FIXTURE = join(__dirname, 'fixture-client');
const PKG = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
/** The versions a client pins; the same as our peerDependencies. */
const CLIENT_DEPS = {
  cdktf: '0.21.0',
  constructs: '10.4.5',
  '@cdktf/provider-google': '16.12.1',
  '@cdktf/provider-kubernetes': '12.1.1',
  typescript: '5.9.3',
};
const MINUTE = 60_000;
/**
 * Where the client's checkov venv goes: a cache kept across runs (like a CI cache), so only the
 * first run on a machine pays for the install, and that install uses the package's own pinned
 * constraints file. `CHECKOV_BIN` is removed from the environment so the gate's own install path runs.
 */
const POLICY_CACHE = join(REPO, '.tools', 'convai-policy-cache');

/**
 * The environment for child processes, minus what `npm test` injects about *this* package:
 * `npm_config_local_prefix=/work/...` would make the client's npm install treat the repository
 * as its project root.
 */
const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(package_|lifecycle_|config_local_prefix$|config_call$|command$)/.test(k)),
);

/** Run a command; on failure throw with its output, so a broken build explains itself. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = childEnv): string {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} exited ${err.status}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

let packDir: string;
let clientDir: string;
let shipped: string[];

beforeAll(() => {
  packDir = mkdtempSync(join(tmpdir(), 'convai-pack-'));
  clientDir = mkdtempSync(join(tmpdir(), 'convai-client-'));

  // Build here rather than trust whatever lib/ holds: the test is about this tree's output. Only the
  // cdktf build: the CDK Terrain build has its own packaging test (test/cdktn/client-project.test.ts).
  run('npm', ['run', 'build:cdktf'], REPO);
  // `npm pack --json` lists exactly what went into the tarball (the same list `--dry-run` prints).
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packDir], REPO)) as {
    filename: string;
    files: { path: string }[];
  }[];
  shipped = packed.files.map((f) => f.path).sort();
  const tarball = join(packDir, packed.filename);

  cpSync(FIXTURE, clientDir, { recursive: true });
  writeFileSync(
    join(clientDir, 'package.json'),
    JSON.stringify(
      { name: 'packaging-client', version: '0.0.0', private: true, dependencies: { [PKG.name]: `file:${tarball}`, ...CLIENT_DEPS } },
      null,
      2,
    ),
  );
  // --prefer-offline: the peers (provider-google alone unpacks to ~300 MB) come from npm's cache
  // when it has them; the registry is only asked for what is missing.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], clientDir);
}, 10 * MINUTE);

afterAll(() => {
  for (const dir of [packDir, clientDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  test('ships the library, its jsii assembly and docs', () => {
    for (const f of ['package.json', 'lib/index.js', 'lib/index.d.ts', '.jsii', 'API.md', 'README.md']) {
      expect(shipped).toContain(f);
    }
  });

  test('ships the policy gate: its compiled CLI, the checks, the checkov config and pinned constraints', () => {
    for (const f of ['lib/policy-gate/cli.js', 'lib/policy-gate/main.js', 'policies/checkov.yaml', 'policies/checkov-constraints.txt']) {
      expect(shipped).toContain(f);
    }
    expect(shipped.filter((f) => /^policies\/checks\/CKV_CONVAI_\d+_/.test(f)).length).toBeGreaterThan(10);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(shipped).toContain(pkg.bin['convai-policy']);
    expect(readFileSync(join(REPO, pkg.bin['convai-policy']), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  test('the jsii assembly is the construct library', () => {
    const assembly = JSON.parse(readFileSync(join(REPO, '.jsii'), 'utf8')) as { name: string; types: Record<string, unknown> };
    expect(assembly.name).toBe(PKG.name);
    expect(Object.keys(assembly.types)).toEqual(expect.arrayContaining([`${PKG.name}.ScalableWebhook`, `${PKG.name}.PlatformStack`]));
  });

  test('ships nothing from the repository tooling, tests or sources', () => {
    const unwanted = shipped.filter(
      (f) =>
        /^(test|stacks|build|constructs|cdktf\.out|node_modules|docs|training|dist)\//.test(f) ||
        /(^|\/)(node_modules|__pycache__)\//.test(f) ||
        /\.(tgz|tsbuildinfo|map|pyc)$/.test(f) ||
        // TypeScript sources: only lib's declarations ship. runtime/ is the exception on
        // purpose: DESIGN.md ships the webhook's source so a platform can build its image.
        (f.endsWith('.ts') && !(f.startsWith('lib/') && f.endsWith('.d.ts')) && !f.startsWith('runtime/')),
    );
    expect(unwanted).toEqual([]);
  });

  test('every shipped lib file comes from a current construct source (no stale jsii output)', () => {
    // jsii never deletes lib/: a construct removed from constructs/ would still ship from lib/.
    // lib/policy-gate/ is the policy runner (policies/runner/, compiled by tsconfig.policy.json).
    const source = (f: string): string =>
      f.startsWith('lib/policy-gate/')
        ? join(REPO, 'policies', 'runner', f.slice('lib/policy-gate/'.length).replace(/\.js$/, '.ts'))
        : join(REPO, 'constructs', f.slice('lib/'.length).replace(/\.d\.ts$|\.js$/, '.ts'));
    const stale = shipped.filter((f) => f.startsWith('lib/')).filter((f) => !existsSync(source(f)));
    expect(stale).toEqual([]); // if this fails: delete lib/ and run `npm run build` again
  });
});

describe('a client project using the package', () => {
  const tsc = () => join(clientDir, 'node_modules', 'typescript', 'bin', 'tsc');
  const synthesized = () => join(clientDir, 'cdktf.out', 'stacks', 'client-prod', 'cdk.tf.json');

  test('resolves the package from its own node_modules', () => {
    const resolved = run(process.execPath, ['-p', `require.resolve(${JSON.stringify(PKG.name)})`], clientDir).trim();
    expect(resolved).toBe(join(clientDir, 'node_modules', ...PKG.name.split('/'), 'lib', 'index.js'));
  });

  test('compiles against the shipped type declarations with its own tsc', () => {
    run(process.execPath, [tsc(), '-p', 'tsconfig.json'], clientDir);
    expect(existsSync(join(clientDir, 'dist', 'main.js'))).toBe(true);
  });

  test('synthesizes a secure multi-region webhook', () => {
    run(process.execPath, ['dist/main.js'], clientDir);
    const json = JSON.parse(readFileSync(synthesized(), 'utf8'));
    const services = Object.values(json.resource.google_cloud_run_v2_service) as any[];
    expect(services.map((s) => s.location).sort()).toEqual(['europe-west1', 'us-central1']);
    for (const s of services) {
      expect(s.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
      expect(s.deletion_protection).toBe(true);
      expect(s.labels).toMatchObject({ env: 'prod', team: 'client-team', 'cost-center': 'cc-0001' });
    }
    expect(json.provider.google[0]).toMatchObject({ project: 'client-convai-prod', region: 'us-central1' });
    // One global external load balancer over both regions, behind Cloud Armor.
    const [backend] = Object.values(json.resource.google_compute_backend_service) as any[];
    expect(backend.load_balancing_scheme).toBe('EXTERNAL_MANAGED');
    expect(backend.backend).toHaveLength(2);
    expect(backend.security_policy).toMatch(/^\$\{google_compute_security_policy\./);
    const [proxy] = Object.values(json.resource.google_compute_target_https_proxy) as any[];
    expect(proxy.ssl_policy).toMatch(/^\$\{google_compute_ssl_policy\./);
    // The suppression recorded through the package reaches the JSON, with its reason.
    expect(json['//'].policy_suppressions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check_id: 'CKV_CONVAI_2', resource: expect.stringMatching(/^google_cloud_run_v2_service\./) }),
      ]),
    );
  });

  test(
    'every client stack passes terraform validate with the real providers (no errors, no warnings)',
    async () => {
      run(process.execPath, ['dist/main.js'], clientDir);
      const results = await validateSynthesizedStacks(join(clientDir, 'cdktf.out'));
      expect(results.map((r) => r.name)).toEqual(expect.arrayContaining(['client-prod', 'client-violating']));
      expect(
        results
          .filter((r) => r.errors + r.warnings > 0)
          .map(formatResult)
          .join('\n'),
      ).toBe('');
    },
    5 * MINUTE,
  );

  test("the package's synth-time policy checks fire without the suppression", () => {
    const env = { ...childEnv, CDKTF_CONTEXT_JSON: JSON.stringify({ noSuppression: true }) };
    expect(() => run(process.execPath, ['dist/main.js'], clientDir, env)).toThrow(/CKV_CONVAI_2/);
  });
});

describe('the shipped policy gate in the client project (npx convai-policy)', () => {
  let gate: { status: number; output: string };
  const reports = () => join(clientDir, 'policy-reports');
  const policyEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...childEnv, CONVAI_POLICY_CACHE_DIR: POLICY_CACHE };
    for (const k of ['CHECKOV_BIN', 'CONVAI_POLICY_VENV', 'POLICY_STACKS_DIR', 'POLICY_REPORTS_DIR']) delete env[k];
    return env;
  };
  /** `npx convai-policy ...` in the client: exit status and stdout+stderr, without throwing. */
  const npxGate = (args: string[]): { status: number; output: string } => {
    const r = spawnSync('npx', ['--no-install', 'convai-policy', ...args], {
      cwd: clientDir,
      env: policyEnv(),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      timeout: 10 * MINUTE,
    });
    return { status: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  };

  beforeAll(() => {
    // The synthesized app from the tests above, with the suppression (a fresh synth: test order is not a contract).
    run(process.execPath, [join(clientDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], clientDir);
    run(process.execPath, ['dist/main.js'], clientDir);
    gate = npxGate(['policy', 'cdktf.out', '--reports-dir', 'policy-reports', '--sarif', 'policy.sarif', '--junit', 'policy.junit.xml']);
  }, 15 * MINUTE);

  test('--help documents the command', () => {
    const help = npxGate(['--help']);
    expect(help.status).toBe(0);
    expect(help.output).toMatch(/usage: convai-policy \[policy\] \[CDKTF_OUT\]/);
    expect(help.output).toContain('--sarif FILE');
  });

  test('fails (exit 1) on the violating stack, naming the check and the construct path', () => {
    expect(gate.output).toMatch(
      /FAILED client-violating: CKV_CONVAI_2 on google_cloud_run_v2_service\.\S+ \(construct client-violating\/webhook\/service-us-central1\)/,
    );
    expect(gate.status).toBe(1);
    // The passing stack has no failure, and its recorded suppression is honoured with its reason.
    expect(gate.output).not.toMatch(/FAILED client-prod/);
    expect(gate.output).toMatch(/suppressed client-prod: CKV_CONVAI_2 on google_cloud_run_v2_service\.\S+: Scale to zero is accepted/);
  });

  test('reads the client stacks through the shipped checks, pinned checkov and the cache venv', () => {
    const summary = JSON.parse(readFileSync(join(reports(), 'policy-summary.json'), 'utf8'));
    expect(summary.checkov_version).toBe('3.3.30');
    const byStack = Object.fromEntries(summary.stacks.map((s: any) => [s.stack, s]));
    // Suppressed with recorded reasons: the client's scale-to-zero, and the webhook's own project-level grants
    // (the Cloud Trace writer role among them, CKV_CONVAI_39).
    expect(byStack['client-prod']).toMatchObject({ failed: 0, suppressed: 3 });
    expect(byStack['client-prod'].passed).toBeGreaterThan(20);
    expect(byStack['client-violating'].failures).toContainEqual(
      expect.objectContaining({ check_id: 'CKV_CONVAI_2', construct_path: 'client-violating/webhook/service-us-central1' }),
    );
    // Our own checks ran (not only checkov's built-ins): they come from the installed package.
    const raw = readFileSync(join(reports(), 'client-prod', 'checkov', 'results_json.json'), 'utf8');
    expect(raw).toContain('CKV_CONVAI_45');
    expect(readdirSync(POLICY_CACHE).filter((d) => d.startsWith('checkov-3.3.30-'))).not.toEqual([]);
  });

  test('writes SARIF (one run per stack, own category) and JUnit for CI', () => {
    const sarif = JSON.parse(readFileSync(join(clientDir, 'policy.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs.map((r: any) => r.automationDetails.id).sort()).toEqual([
      'convai-policy/client-prod/',
      'convai-policy/client-violating/',
    ]);
    const violating = sarif.runs.find((r: any) => r.automationDetails.id === 'convai-policy/client-violating/');
    const failed = violating.results.find((r: any) => r.ruleId === 'CKV_CONVAI_2');
    expect(failed.properties.constructPath).toBe('client-violating/webhook/service-us-central1');
    expect(failed.suppressions).toBeUndefined();
    const prod = sarif.runs.find((r: any) => r.automationDetails.id === 'convai-policy/client-prod/');
    for (const r of prod.results) expect(r.suppressions).toEqual([expect.objectContaining({ kind: 'external' })]);
    const junit = readFileSync(join(clientDir, 'policy.junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="convai-policy" tests="\d+" failures="2"/);
    expect(junit).toContain('name="client-violating: terraform_json scan"');
    for (const stack of ['client-prod', 'client-violating']) {
      expect(existsSync(join(reports(), `${stack}.sarif`))).toBe(true);
      expect(existsSync(join(reports(), `${stack}.junit.xml`))).toBe(true);
    }
  });

  test('passes (exit 0) on the passing stack alone', () => {
    const passing = npxGate(['cdktf.out', '--stack', 'client-prod', '--reports-dir', 'policy-reports-prod']);
    expect(passing.output).toContain('policy gate passed');
    expect(passing.status).toBe(0);
  });
});
