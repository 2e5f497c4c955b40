/**
 * The whole gate (`main`), with the real checkov: a failing stack fails (exit 1), the same stack
 * with suppressions passes (exit 0) and lists them with their reasons, no stacks is a setup error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateCheckov, VENV_DIR } from '../../policies/runner/checkov';
import { EXIT_FAILED, EXIT_OK, EXIT_SETUP, main } from '../../policies/runner/main';
import { CHECKOV_TIMEOUT_MS, FIXTURES_DIR, REPO_ROOT } from './fixture-scan';

/** The venv beforeAll installs into (the CLI's own default is a per-user cache dir). */
const VENV = path.join(REPO_ROOT, VENV_DIR);
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await locateCheckov({ repoRoot: REPO_ROOT, log: () => undefined });
  env = { ...process.env };
  delete env.POLICY_STACKS_DIR;
  delete env.POLICY_REPORTS_DIR;
}, CHECKOV_TIMEOUT_MS);

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-gate-'));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/**
 * A stack with CKV_CONVAI_1 failing on two Cloud Run services (a YAML check: `<type>.<id>`) and
 * CKV_CONVAI_9 failing on both (a Python check: checkov prints `resource.<id>`), plus the
 * `terraform.required_version` that cdktf may emit and checkov cannot parse.
 */
function writeStack(suppressions?: object[]): string {
  const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'CKV_CONVAI_1', 'fail.tf.json'), 'utf8'));
  doc.terraform.required_version = '>= 1.6.0';
  if (suppressions) doc['//'].policy_suppressions = suppressions;
  const file = path.join(work, 'stacks', 'webhook', 'cdk.tf.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

const suppression = (checkId: string, name: string, reason: string): object => ({
  check_id: checkId,
  resource: `google_cloud_run_v2_service.${name}`,
  construct_path: `webhook/${name}/resource`,
  reason,
  scope: `webhook/${name}`,
});

async function gate(): Promise<{ code: number; out: string[]; err: string[]; summary: any }> {
  const out: string[] = [];
  const err: string[] = [];
  const args = ['--stacks-dir', path.join(work, 'stacks'), '--reports-dir', path.join(work, 'reports'), '--venv', VENV];
  const code = await main(args, env, {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
  });
  const summaryFile = path.join(work, 'reports', 'policy-summary.json');
  const summary = fs.existsSync(summaryFile) ? JSON.parse(fs.readFileSync(summaryFile, 'utf8')) : undefined;
  return { code, out, err, summary };
}

test(
  'unsuppressed failures fail the gate with exit 1 and are listed',
  async () => {
    const original = writeStack();
    const before = fs.readFileSync(original, 'utf8');
    const { code, summary } = await gate();
    expect(code).toBe(EXIT_FAILED);
    expect(summary.ok).toBe(false);
    const failures = summary.stacks[0].failures.map((f: any) => `${f.check_id} ${f.resource}`).sort();
    expect(failures).toEqual([
      'CKV_CONVAI_1 google_cloud_run_v2_service.c1_fail_all',
      'CKV_CONVAI_1 google_cloud_run_v2_service.c1_fail_unset',
      'CKV_CONVAI_9 google_cloud_run_v2_service.c1_fail_all',
      'CKV_CONVAI_9 google_cloud_run_v2_service.c1_fail_unset',
    ]);
    expect(summary.stacks[0].suppressed).toBe(0);
    // The synthesized file is never edited; the scanned copy has required_version stripped.
    expect(fs.readFileSync(original, 'utf8')).toBe(before);
    const scanned = JSON.parse(fs.readFileSync(path.join(work, 'reports', 'webhook', 'scanned', 'cdk.tf.json'), 'utf8'));
    expect(scanned.terraform.required_version).toBeUndefined();
    expect(summary.stacks[0].prepared).toEqual([expect.stringContaining('required_version')]);
  },
  CHECKOV_TIMEOUT_MS,
);

test(
  'suppressed failures pass the gate (exit 0), are reported with their reasons, unused ones warn',
  async () => {
    const reasonAll = 'The load balancer test stack keeps ingress open on purpose.';
    writeStack([
      suppression('CKV_CONVAI_1', 'c1_fail_all', reasonAll),
      suppression('CKV_CONVAI_1', 'c1_fail_unset', 'Ingress is restricted by VPC-SC in this sandbox project.'),
      suppression('CKV_CONVAI_9', 'c1_fail_all', 'Labels come from the org policy in this sandbox project.'),
      suppression('CKV_CONVAI_9', 'c1_fail_unset', 'Labels come from the org policy in this sandbox project.'),
      suppression('CKV_CONVAI_10', 'c1_fail_all', 'Deletion protection is set; this entry is stale on purpose.'),
    ]);
    const { code, err, summary } = await gate();
    expect(code).toBe(EXIT_OK);
    expect(summary.ok).toBe(true);
    const stack = summary.stacks[0];
    expect(stack.failed).toBe(0);
    expect(stack.suppressed).toBe(4);
    expect(stack.suppressions).toContainEqual({
      check_id: 'CKV_CONVAI_1',
      check_name: 'Cloud Run service ingress is not open to all traffic',
      resource: 'google_cloud_run_v2_service.c1_fail_all',
      construct_path: 'webhook/c1_fail_all/resource',
      reason: reasonAll,
    });
    expect(stack.unused_suppressions.map((u: any) => `${u.check_id} ${u.recorded_on}`)).toEqual(['CKV_CONVAI_10 webhook/c1_fail_all']);
    expect(err.join('\n')).toMatch(/unused suppression CKV_CONVAI_10 recorded on webhook\/c1_fail_all/);

    const markdown = fs.readFileSync(path.join(work, 'reports', 'policy-summary.md'), 'utf8');
    expect(markdown).toContain('# Policy gate: PASSED');
    expect(markdown).toContain(reasonAll);

    // checkov's own SARIF and JUnit, marked up: suppressed, with the reason, not failing.
    const sarif = JSON.parse(fs.readFileSync(path.join(work, 'reports', 'webhook.sarif'), 'utf8'));
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(4);
    for (const r of results)
      expect(r.suppressions).toEqual([expect.objectContaining({ kind: 'external', justification: expect.any(String) })]);
    const junit = fs.readFileSync(path.join(work, 'reports', 'webhook.junit.xml'), 'utf8');
    expect(junit).not.toContain('<failure');
    expect(junit.match(/<skipped type="suppressed"/g)).toHaveLength(4);
    expect(junit).toMatch(/<testsuite\b[^>]*failures="0"[^>]*skipped="4"/);
  },
  CHECKOV_TIMEOUT_MS,
);

test(
  'a suppression for another check does not hide a failure',
  async () => {
    writeStack([
      suppression('CKV_CONVAI_1', 'c1_fail_all', 'The load balancer test stack keeps ingress open on purpose.'),
      suppression('CKV_CONVAI_1', 'c1_fail_unset', 'Ingress is restricted by VPC-SC in this sandbox project.'),
      suppression('CKV_CONVAI_9', 'c1_fail_all', 'Labels come from the org policy in this sandbox project.'),
    ]);
    const { code, out, summary } = await gate();
    expect(code).toBe(EXIT_FAILED);
    expect(summary.stacks[0].failures.map((f: any) => `${f.check_id} ${f.resource}`)).toEqual([
      'CKV_CONVAI_9 google_cloud_run_v2_service.c1_fail_unset',
    ]);
    expect(out.join('\n')).toContain('FAILED webhook: CKV_CONVAI_9 on google_cloud_run_v2_service.c1_fail_unset');
  },
  CHECKOV_TIMEOUT_MS,
);

test('no synthesized stacks is a setup error (exit 2) that says to synth first', async () => {
  const { code, err } = await gate();
  expect(code).toBe(EXIT_SETUP);
  expect(err.join('\n')).toContain('npm run synth');
});

test('an unknown argument is a usage error (exit 2)', async () => {
  const err: string[] = [];
  const code = await main(['--stack-dir', 'x'], env, { out: () => undefined, err: (s) => err.push(s) });
  expect(code).toBe(EXIT_SETUP);
  expect(err.join('\n')).toContain('unknown argument "--stack-dir"');
});

test(
  'warning-severity findings are reported (output, summary, SARIF level, JUnit) and do not fail the gate',
  async () => {
    const doc = {
      '//': { metadata: { backend: 'local', stackName: 'edge', version: '0.21.0' } },
      provider: { google: [{ project: 'fixture-project' }] },
      resource: {
        google_compute_backend_service: {
          quiet_backend: {
            name: 'be',
            load_balancing_scheme: 'EXTERNAL_MANAGED',
            security_policy: 'projects/fixture-project/global/securityPolicies/edge',
            log_config: { enable: false },
            '//': { metadata: { path: 'edge/lb/backend' } },
          },
        },
      },
    };
    const file = path.join(work, 'stacks', 'edge', 'cdk.tf.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    const sarifFile = path.join(work, 'all.sarif');
    const junitFile = path.join(work, 'all.junit.xml');
    const out: string[] = [];
    const args = ['--stacks-dir', path.join(work, 'stacks'), '--reports-dir', path.join(work, 'reports'), '--venv', VENV];
    const code = await main([...args, '--sarif', sarifFile, '--junit', junitFile], env, { out: (s) => out.push(s), err: () => undefined });
    const summary = JSON.parse(fs.readFileSync(path.join(work, 'reports', 'policy-summary.json'), 'utf8'));
    expect(summary.stacks[0].failures).toEqual([]);
    expect(code).toBe(EXIT_OK);
    expect(summary.ok).toBe(true);
    expect(summary.stacks[0].warning_findings.map((f: any) => `${f.check_id} ${f.severity} ${f.resource}`)).toEqual([
      'CKV_CONVAI_13 warning google_compute_backend_service.quiet_backend',
    ]);
    expect(out).toContain(
      'WARNING edge: CKV_CONVAI_13 on google_compute_backend_service.quiet_backend (construct edge/lb/backend): External backend service logs requests [warning]',
    );
    const results = JSON.parse(fs.readFileSync(sarifFile, 'utf8')).runs.flatMap((r: any) => r.results);
    expect(results.filter((r: any) => r.ruleId === 'CKV_CONVAI_13').map((r: any) => r.level)).toEqual(['warning']);
    expect(fs.readFileSync(junitFile, 'utf8')).toMatch(
      /<failure type="warning" message="\[warning\] External backend service logs requests"/,
    );
    expect(fs.readFileSync(path.join(work, 'reports', 'policy-summary.md'), 'utf8')).toContain('### Warning findings (1, severity warning');
  },
  CHECKOV_TIMEOUT_MS,
);
