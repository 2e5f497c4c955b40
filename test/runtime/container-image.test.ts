import { execFileSync, execSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
