/**
 * The CDK Terrain build works for a team on cdktn: packs what `npm run test:cdktn` has just built
 * (its first step is the build: bindings from the cache or generated, the library through the import
 * mapping and jsii), installs the library tarball
 * and our two provider binding tarballs plus cdktn, cdktn-cli and constructs into a throwaway client
 * project outside the repository (nothing resolves from the repo), compiles the same client app as
 * test/packaging (fixture-client/main.ts, through the same import mapping) with the client's own tsc
 * and skipLibCheck off, synthesizes it with `cdktn synth`, and validates the output with the real
 * providers.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bindingVersion, cachedTarball, PACKAGE_DIR, PACKAGE_NAME, PROVIDERS, toolchainVersions } from '../../tools/cdktn-build/config';
import { mapSource } from '../../tools/cdktn-build/import-mapping';
import { childEnv } from '../../tools/cdktn-build/process';
import { formatResult, validateSynthesizedStacks } from '../../tools/terraform-validate/terraform-validate';

const REPO = join(__dirname, '..', '..');
const MINUTE = 60_000;
/** Node 22's bin first on the PATH: the cdktn CLI starts the app with `node`, and nested npx is unreliable. */
const env = childEnv({ PATH: `${dirname(process.execPath)}:${process.env.PATH}`, CI: 'true' });

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} exited ${err.status}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

let clientDir: string;
let shipped: string[];
const tools = toolchainVersions();

beforeAll(() => {
  clientDir = mkdtempSync(join(tmpdir(), 'convai-cdktn-client-'));
  if (!existsSync(join(PACKAGE_DIR, '.jsii')))
    throw new Error('builds/cdktn/.work/toolchain/package is not built: run `npm run build:cdktn` (npm run test:cdktn does)');
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', clientDir], PACKAGE_DIR)) as {
    filename: string;
    files: { path: string }[];
  }[];
  shipped = packed.files.map((f) => f.path).sort();
  const deps: Record<string, string> = {
    [PACKAGE_NAME]: `file:${join(clientDir, packed.filename)}`,
    cdktn: tools.cdktn,
    'cdktn-cli': tools['cdktn-cli'],
    constructs: tools.constructs,
    typescript: tools.typescript,
  };
  // The bindings are not on a registry: a client installs them from the tarballs we publish (here, the cache's).
  for (const p of PROVIDERS) deps[p.npmName] = `file:${cachedTarball(p)}`;
  writeFileSync(
    join(clientDir, 'package.json'),
    JSON.stringify({ name: 'cdktn-client', version: '0.0.0', private: true, dependencies: deps }, null, 2),
  );
  cpSync(join(REPO, 'test', 'packaging', 'fixture-client', 'tsconfig.json'), join(clientDir, 'tsconfig.json'));
  const app = readFileSync(join(REPO, 'test', 'packaging', 'fixture-client', 'main.ts'), 'utf8');
  writeFileSync(
    join(clientDir, 'main.ts'),
    mapSource(app, 'fixture-client/main.ts').replaceAll("'@convai-platform/cdktf-gcp'", `'${PACKAGE_NAME}'`),
  );
  writeFileSync(
    join(clientDir, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: 'node node_modules/typescript/bin/tsc -p tsconfig.json && node dist/main.js',
      output: 'cdktf.out',
      sendCrashReports: 'false',
      terraformProviders: [],
    }),
  );
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], clientDir);
}, 20 * MINUTE);

afterAll(() => {
  if (clientDir) rmSync(clientDir, { recursive: true, force: true });
});

describe('the CDK Terrain build in a client cdktn project', () => {
  test('the package ships its own jsii assembly, API.md and the policy gate, and depends on cdktn and our bindings', () => {
    for (const f of [
      'package.json',
      'lib/index.js',
      'lib/index.d.ts',
      '.jsii',
      'API.md',
      'README.md',
      'lib/policy-gate/cli.js',
      'policies/checkov.yaml',
    ]) {
      expect(shipped).toContain(f);
    }
    expect(shipped.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    const assembly = JSON.parse(readFileSync(join(PACKAGE_DIR, '.jsii'), 'utf8')) as {
      name: string;
      types: Record<string, unknown>;
      dependencies: Record<string, string>;
    };
    expect(assembly.name).toBe(PACKAGE_NAME);
    expect(Object.keys(assembly.types)).toEqual(
      expect.arrayContaining([`${PACKAGE_NAME}.ScalableWebhook`, `${PACKAGE_NAME}.PlatformStack`]),
    );
    expect(assembly.dependencies).toEqual({
      cdktn: tools.cdktn,
      constructs: tools.constructs,
      '@convai-platform/provider-google': bindingVersion(PROVIDERS[0]),
      '@convai-platform/provider-kubernetes': bindingVersion(PROVIDERS[1]),
    });
    // The committed API.md is this build's: `npm run build` rewrote it, CI checks it is committed.
    expect(readFileSync(join(REPO, 'builds', 'cdktn', 'API.md'), 'utf8')).toBe(readFileSync(join(PACKAGE_DIR, 'API.md'), 'utf8'));
  });

  test('the library resolves cdktn and the bindings from the client, with no cdktf anywhere', () => {
    const resolved = run(process.execPath, ['-p', `require.resolve(${JSON.stringify(PACKAGE_NAME)})`], clientDir).trim();
    expect(resolved).toBe(join(clientDir, 'node_modules', ...PACKAGE_NAME.split('/'), 'lib', 'index.js'));
    expect(existsSync(join(clientDir, 'node_modules', 'cdktf'))).toBe(false);
    expect(existsSync(join(clientDir, 'node_modules', '@cdktf'))).toBe(false);
  });

  test(
    '`cdktn synth` compiles the app with the client tsc (shipped .d.ts checked) and synthesizes a secure webhook',
    () => {
      run(join(clientDir, 'node_modules', '.bin', 'cdktn'), ['synth'], clientDir);
      const json = JSON.parse(readFileSync(join(clientDir, 'cdktf.out', 'stacks', 'client-prod', 'cdk.tf.json'), 'utf8'));
      expect(json['//'].metadata.version).toBe(tools.cdktn);
      const services = Object.values(json.resource.google_cloud_run_v2_service) as any[];
      expect(services.map((s) => s.location).sort()).toEqual(['europe-west1', 'us-central1']);
      for (const s of services) {
        expect(s.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
        expect(s.labels).toMatchObject({ env: 'prod', team: 'client-team', 'cost-center': 'cc-0001' });
      }
      expect(json.terraform.required_providers.google.version).toBe(PROVIDERS[0].version);
      expect(json['//'].policy_suppressions).toEqual(expect.arrayContaining([expect.objectContaining({ check_id: 'CKV_CONVAI_2' })]));
    },
    10 * MINUTE,
  );

  test(
    'every client stack passes terraform validate with the pinned providers (no errors, no warnings)',
    async () => {
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
});
