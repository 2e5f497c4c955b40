/**
 * The reference app, exactly as `cdktf synth` runs it (cdktf.json's `app` command, compile step
 * included), handed to Terraform with the real providers: every stack must pass `terraform
 * validate` with 0 errors and 0 warnings. Nothing else in the project reads our JSON the way
 * `terraform plan` will.
 */
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatResult, validateSynthesizedStacks, type ValidationResult } from '../../tools/terraform-validate/terraform-validate';

const REPO = path.resolve(__dirname, '..', '..');
const MINUTE = 60_000;

let outdir: string;
let results: ValidationResult[];

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-reference-app-'));
  const { app } = JSON.parse(fs.readFileSync(path.join(REPO, 'cdktf.json'), 'utf8')) as { app: string };
  // cdktf runs `app` through a shell in the project folder with CDKTF_OUTDIR set; so do we.
  execSync(app, { cwd: REPO, env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  results = await validateSynthesizedStacks(outdir);
}, 10 * MINUTE);

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('the app synthesizes every reference stack', () => {
  expect(results.map((r) => r.name)).toEqual(expect.arrayContaining(['dev', 'prod', 'prod-gke']));
});

test('every reference stack passes terraform validate with no errors and no warnings', () => {
  const failing = results.filter((r) => r.errors + r.warnings > 0);
  expect(failing.map(formatResult).join('\n')).toBe('');
});
