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
 * 4. asserts on the synthesized Terraform JSON.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

  // Build here rather than trust whatever lib/ holds: the test is about this tree's output.
  run('npm', ['run', 'build'], REPO);
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
    const stale = shipped
      .filter((f) => f.startsWith('lib/'))
      .filter((f) => !existsSync(join(REPO, 'constructs', f.slice('lib/'.length).replace(/\.d\.ts$|\.js$/, '.ts'))));
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

  test("the package's synth-time policy checks fire without the suppression", () => {
    const env = { ...childEnv, CDKTF_CONTEXT_JSON: JSON.stringify({ noSuppression: true }) };
    expect(() => run(process.execPath, ['dist/main.js'], clientDir, env)).toThrow(/CKV_CONVAI_2/);
  });
});
