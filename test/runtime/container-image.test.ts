import { execFileSync, execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { locateCheckov } from '../../policies/runner/checkov';

const ROOT = join(__dirname, '../..');
const DOCKERFILE = join(ROOT, 'runtime/Dockerfile');

/** The Dockerfile's instructions per stage, continuation lines joined. */
function stages(): Array<Array<{ op: string; args: string }>> {
  const text = readFileSync(DOCKERFILE, 'utf8').replace(/\\\n/g, ' ');
  const out: Array<Array<{ op: string; args: string }>> = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'FROM') out.push([]);
    out.at(-1)?.push({ op: m[1], args: m[2] });
  }
  return out;
}

describe('runtime/Dockerfile', () => {
  test("passes checkov's Dockerfile checks", async () => {
    const checkov = await locateCheckov({ repoRoot: ROOT, log: () => undefined });
    const raw = execFileSync(
      checkov.bin,
      ['-f', DOCKERFILE, '--framework', 'dockerfile', '--skip-download', '--output', 'json', '--compact'],
      {
        encoding: 'utf8',
        env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' },
      },
    );
    const result = JSON.parse(raw);
    expect(result.results.failed_checks.map((c: { check_id: string }) => c.check_id)).toEqual([]);
    expect(result.summary.passed).toBeGreaterThan(40);
  });

  test('is multi-stage on Node 22, runs as the non-root node user, and carries no dev dependencies', () => {
    const [build, run] = stages();
    expect(build[0].args).toMatch(/^node:22\.\d+\.\d+-bookworm-slim AS build$/);
    expect(run[0].args).toMatch(/^node:22\.\d+\.\d+-bookworm-slim$/);
    expect(run.find((i) => i.op === 'USER')?.args).toBe('node');
    expect(build.some((i) => i.op === 'RUN' && /--omit=dev/.test(i.args))).toBe(true);
    expect(run.filter((i) => i.op === 'COPY').every((i) => i.args.includes('--from=build'))).toBe(true);
  });

  // No Docker engine runs here: replay the Dockerfile's own COPY and RUN steps in a scratch
  // directory, then start the result with only what the final stage copies.
  test('its build steps produce an image filesystem that starts and answers with production dependencies only', async () => {
    const work = mkdtempSync(join(tmpdir(), 'convai-image-'));
    const [build, run] = stages();
    const buildDir = join(work, 'build');
    const imageDir = join(work, 'image');
    try {
      const env = { ...process.env, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
      for (const { op, args } of build) {
        if (op === 'COPY') {
          const parts = args.split(/\s+/);
          const dest = join(buildDir, parts.at(-1)!);
          for (const src of parts.slice(0, -1)) {
            mkdirSync(dest.endsWith('/') ? dest : dirname(dest), { recursive: true });
            cpSync(join(ROOT, src), dest.endsWith('/') ? join(dest, src.split('/').at(-1)!) : dest, { recursive: true });
          }
        } else if (op === 'RUN') {
          execSync(args, { cwd: buildDir, env, stdio: 'pipe' });
        }
      }
      for (const { op, args } of run) {
        if (op !== 'COPY') continue;
        const [src, dest] = args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .map((p) => p.replace(/^\/app\/?/, '').replace(/^\.\//, ''));
        cpSync(join(buildDir, src), join(imageDir, dest), { recursive: true });
      }
      expect(() => require.resolve('typescript', { paths: [imageDir] })).toThrow();
      const out = execFileSync(
        process.execPath,
        [
          '-e',
          `process.env.DATABASE_MODE='off';process.env.AUTH_MODE='none';
           const {loadConfig}=require('./runtime/dist/config');const {createRuntime}=require('./runtime/dist/runtime');
           createRuntime(loadConfig(),{tracing:false}).then(async rt=>{const r=await rt.app.request('/webhook/cx',{method:'POST',body:JSON.stringify({text:'my card is lost',fulfillmentInfo:{tag:'enrich'}})});
           console.log(r.status);await rt.close(500);})`,
        ],
        { cwd: imageDir, encoding: 'utf8', env: { PATH: process.env.PATH, LOG_LEVEL: 'silent' } },
      );
      expect(out.trim()).toBe('200');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 240_000);
});

// ---- The documented build context (the repository root) holds every COPY source ----

/** A `.gitignore`-syntax file (what `.gcloudignore` is), limited to what we write: no `!`, no `**`. */
function gitignoreMatcher(file: string): (path: string, isDir: boolean) => boolean {
  const lines = readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const rules = lines.map((line) => {
    if (line.startsWith('!') || line.includes('**')) throw new Error(`${file}: "${line}" is outside the syntax this test understands`);
    const dirOnly = line.endsWith('/');
    const pattern = line.replace(/^\//, '').replace(/\/$/, '');
    // gitignore: a slash at the start or in the middle anchors the pattern at the root.
    const anchored = line.startsWith('/') || pattern.includes('/');
    const regex = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')}$`,
    );
    return { dirOnly, anchored, regex };
  });
  return (path, isDir) => rules.some((r) => (!r.dirOnly || isDir) && r.regex.test(r.anchored ? path : path.split('/').at(-1)!));
}

/** A `.dockerignore` (patterns anchored at the context root, `**` for any depth), without `!`. */
function dockerignoreMatcher(file: string): (path: string) => boolean {
  const regexes = readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      if (line.startsWith('!')) throw new Error(`${file}: "${line}" is outside the syntax this test understands`);
      const body = line
        .replace(/^\//, '')
        .replace(/\/$/, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '@ANYDIR@')
        .replace(/\*\*/g, '@ANY@')
        .replace(/\*/g, '[^/]*')
        .replace(/@ANYDIR@/g, '(.*/)?')
        .replace(/@ANY@/g, '.*');
      return new RegExp(`^${body}$`);
    });
  return (path) => regexes.some((r) => r.test(path));
}

/** True when `path` (relative to the root) or a folder above it is excluded. */
function excluded(path: string, isDir: boolean): string | undefined {
  const gcloud = gitignoreMatcher('.gcloudignore');
  const docker = dockerignoreMatcher('.dockerignore');
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    const dir = i < parts.length || isDir;
    if (gcloud(prefix, dir)) return `.gcloudignore excludes ${prefix}`;
    if (docker(prefix)) return `.dockerignore excludes ${prefix}`;
  }
  return undefined;
}

/** Files under `path` (itself when a file), relative to the root, skipping node_modules. */
function filesUnder(path: string): string[] {
  const abs = join(ROOT, path);
  if (!statSync(abs).isDirectory()) return [path];
  return readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules')
    .flatMap((e) => filesUnder(relative(ROOT, join(abs, e.name))));
}

/** The sources of every COPY that reads the build context (not `--from=` another stage). */
function contextCopySources(): string[] {
  return stages()
    .flat()
    .filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) =>
      i.args
        .split(/\s+/)
        .filter((a) => !a.startsWith('--'))
        .slice(0, -1),
    );
}

interface CloudBuildStep {
  id?: string;
  name: string;
  args?: string[];
  dir?: string;
  entrypoint?: string;
}

function cloudBuild(): { steps: CloudBuildStep[]; images?: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('js-yaml') as { load: (text: string) => unknown };
  return yaml.load(readFileSync(join(ROOT, 'runtime/cloudbuild.yaml'), 'utf8')) as { steps: CloudBuildStep[]; images?: string[] };
}

describe('image build context (repository root, as runtime/cloudbuild.yaml and docs/operations/deploy.md use it)', () => {
  test('every COPY source exists in the context and no ignore file drops it or a file under it', () => {
    const sources = contextCopySources();
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'runtime/package.json', 'runtime/src']));
    const problems = sources.flatMap((src) => {
      if (!existsSync(join(ROOT, src))) return [`${src} does not exist in the repository root`];
      return filesUnder(src).flatMap((f) => {
        const why = excluded(f, false);
        return why ? [`${f}: ${why}`] : [];
      });
    });
    expect(problems).toEqual([]);
  });

  test('the ignore files do trim the upload (node_modules, tests, docs never leave the machine)', () => {
    for (const path of [
      'node_modules/cdktf/package.json',
      'runtime/node_modules/x.js',
      'docs/architecture.md',
      'test/helpers/synth.ts',
      '.git/HEAD',
    ]) {
      expect({ path, excluded: excluded(path, false) !== undefined }).toEqual({ path, excluded: true });
    }
  });

  test('the Cloud Build config builds runtime/Dockerfile with the root as context, pushes, and prints the digest', () => {
    const config = cloudBuild();
    const build = config.steps.find((s) => s.args?.[0] === 'build');
    expect(build).toBeDefined();
    expect(build!.dir ?? '.').toBe('.');
    const args = build!.args!;
    const file = args.findIndex((a) => a === '--file' || a === '-f');
    expect(args[file + 1]).toBe('runtime/Dockerfile');
    expect(args.at(-1)).toBe('.');
    const tag = args[args.indexOf('--tag') + 1];
    expect(config.steps.some((s) => s.args?.[0] === 'push' && s.args[1] === tag)).toBe(true);
    expect(config.images).toContain(tag);
    expect(config.steps.some((s) => (s.args ?? []).some((a) => /RepoDigests/.test(a)))).toBe(true);
  });

  test('the deploy guide submits from the repository root with that config', () => {
    const guide = readFileSync(join(ROOT, 'docs/operations/deploy.md'), 'utf8');
    const submit = guide.split('\n').find((l) => l.includes('gcloud builds submit'));
    expect(submit).toContain('--config runtime/cloudbuild.yaml');
    // The command's last argument (after any continuation lines) is the context: `.`
    const block = guide.slice(guide.indexOf(submit!)).split(/\n(?!\s)/)[0];
    expect(block.trim().split(/\s+/).at(-1)).toBe('.');
    expect(guide).not.toMatch(/gcloud builds submit runtime\b/);
  });
});
