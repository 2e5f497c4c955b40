import * as fs from 'node:fs';
import * as path from 'node:path';
import { bindingVersion, MANIFEST_DIR, PACKAGE_DIR, PACKAGE_NAME, PROVIDERS, REPO, toolchainVersions } from './config';
import { mapSource } from './import-mapping';
import { run, toolBin } from './process';

/**
 * The library's CDK Terrain build: constructs/ through the import mapping into builds/cdktn/.work/toolchain/package/src,
 * compiled by jsii into its own assembly, documented by jsii-docgen. Nothing here is a second copy of
 * the source: src/ is regenerated on every build and gitignored.
 */
export function buildLibrary(log: (line: string) => void = console.log): void {
  const started = Date.now();
  for (const stale of ['src', 'lib', '.jsii', 'tsconfig.jsii.json', 'API.md', 'policies', 'runtime']) {
    fs.rmSync(path.join(PACKAGE_DIR, stale), { recursive: true, force: true });
  }
  const files = writeMappedSource(path.join(REPO, 'constructs'), path.join(PACKAGE_DIR, 'src'));
  writeManifest();
  writeTsconfig();
  copyShippedFiles();
  log(`cdktn build: ${files} source files mapped; jsii`);
  run(toolBin('jsii'), ['--silence-warnings=reserved-word'], PACKAGE_DIR);
  // jsii-docgen looks for dependency assemblies only below the package folder: give it the toolchain's.
  const modules = path.join(PACKAGE_DIR, 'node_modules');
  if (!fs.existsSync(modules)) fs.symlinkSync(path.join('..', 'node_modules'), modules, 'dir');
  run(toolBin('jsii-docgen'), ['-o', 'API.md'], PACKAGE_DIR);
  fs.copyFileSync(path.join(PACKAGE_DIR, 'API.md'), path.join(MANIFEST_DIR, 'API.md'));
  // The policy gate's CLI reads synthesized JSON only; the same program ships in both builds.
  run(toolBin('tsc'), ['-p', 'tsconfig.policy.json', '--outDir', path.join(PACKAGE_DIR, 'lib', 'policy-gate')], REPO);
  log(`cdktn build: ${PACKAGE_NAME} built in ${Math.round((Date.now() - started) / 1000)} s (builds/cdktn/API.md written)`);
}

/** Copy every .ts file under `from` to `to`, module specifiers mapped. Returns how many. */
export function writeMappedSource(from: string, to: string): number {
  let count = 0;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isDirectory()) {
      count += writeMappedSource(src, dest);
    } else if (entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.writeFileSync(dest, mapSource(fs.readFileSync(src, 'utf8'), path.relative(REPO, src)));
      count++;
    }
  }
  return count;
}

interface RootManifest {
  version: string;
  description: string;
  license: string;
  author: unknown;
  repository: unknown;
  keywords: string[];
  bin: Record<string, string>;
  files: string[];
  engines: unknown;
  stability: string;
  jsii: { targets: Record<string, unknown> };
}

/** The published manifest, derived from the root package.json so version, files and metadata never drift. */
function writeManifest(): void {
  const root = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as RootManifest;
  const tools = toolchainVersions();
  const peers: Record<string, string> = { cdktn: tools.cdktn, constructs: tools.constructs };
  for (const p of PROVIDERS) peers[p.npmName] = bindingVersion(p);
  const manifest = {
    name: PACKAGE_NAME,
    version: root.version,
    description: root.description.replace('CDK for Terraform', 'CDK Terrain (cdktn)'),
    license: root.license,
    author: root.author,
    repository: { ...(root.repository as object), directory: 'builds/cdktn' },
    keywords: root.keywords.map((k) => (k === 'cdktf' ? 'cdktn' : k)),
    main: 'lib/index.js',
    types: 'lib/index.d.ts',
    bin: root.bin,
    files: root.files,
    engines: root.engines,
    peerDependencies: peers,
    // jsii finds the dependency assemblies through these; the toolchain's node_modules holds them.
    devDependencies: peers,
    stability: root.stability,
    jsii: { outdir: 'dist', tsconfig: 'tsconfig.jsii.json', validateTsconfig: 'minimal', targets: {} },
  };
  fs.mkdirSync(PACKAGE_DIR, { recursive: true });
  fs.writeFileSync(path.join(PACKAGE_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The root's tsconfig.jsii.json (the same compiler options as the cdktf build), rooted at src/. */
function writeTsconfig(): void {
  const base = JSON.parse(fs.readFileSync(path.join(REPO, 'tsconfig.jsii.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>;
  };
  const tsconfig = {
    compilerOptions: { ...base.compilerOptions, rootDir: 'src', outDir: 'lib' },
    include: ['src/**/*.ts'],
    exclude: ['node_modules', 'lib'],
  };
  fs.writeFileSync(path.join(PACKAGE_DIR, 'tsconfig.jsii.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

/** The non-code files the package ships (policy pack, runtime source, README): the same as the cdktf build's. */
function copyShippedFiles(): void {
  for (const rel of [
    'README.md',
    'policies/checkov.yaml',
    'policies/checks',
    'policies/checkov-constraints.txt',
    'runtime/package.json',
    'runtime/src',
    'runtime/Dockerfile',
    'runtime/README.md',
    'runtime/tsconfig.json',
  ]) {
    const src = path.join(REPO, rel);
    if (!fs.existsSync(src)) throw new Error(`${rel} is listed in package.json's files but does not exist`);
    fs.cpSync(src, path.join(PACKAGE_DIR, rel), { recursive: true, filter: (f) => !f.includes('__pycache__') });
  }
  // The README is the library's, under a header that says which build this is and what to install with it.
  const bindings = PROVIDERS.map((p) => `\`${p.npmName}/lib/<resource>\` (${bindingVersion(p)})`).join(' and ');
  const header = [
    `> **${PACKAGE_NAME}** is the CDK Terrain (cdktn) build of this library, made from the same source as`,
    '> `@convai-platform/cdktf-gcp`. Where the README below says `cdktf`, read `cdktn`; provider classes come from',
    `> ${bindings}. Installing and migrating: docs/maintenance/cdk-terrain.md in the repository.`,
    '',
    '',
  ].join('\n');
  const readme = path.join(PACKAGE_DIR, 'README.md');
  fs.writeFileSync(readme, header + fs.readFileSync(readme, 'utf8'));
}
