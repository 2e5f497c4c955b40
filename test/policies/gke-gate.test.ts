/**
 * The GKE reference stack through the real policy gate: checkov's built-in Kubernetes
 * (CKV_K8S_*) and GKE (CKV_GCP_*) checks run on the synthesized Kubernetes and cluster resources
 * and pass, in Standard and Autopilot mode, with only the reasoned suppressions listed here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { locateCheckov, VENV_DIR } from '../../policies/runner/checkov';
import { EXIT_OK, main } from '../../policies/runner/main';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { CHECKOV_TIMEOUT_MS, REPO_ROOT } from './fixture-scan';

/** Built-in checks that must run and pass on the workload (kubernetes_deployment_v1 and friends). */
const K8S_CHECKS = [
  'CKV_K8S_8', // liveness probe
  'CKV_K8S_9', // readiness probe
  'CKV_K8S_10', // CPU requests
  'CKV_K8S_11', // CPU limits
  'CKV_K8S_12', // memory requests
  'CKV_K8S_13', // memory limits
  'CKV_K8S_14', // image tag fixed
  'CKV_K8S_15', // image pull policy Always
  'CKV_K8S_16', // not privileged
  'CKV_K8S_20', // no privilege escalation
  'CKV_K8S_21', // not the default namespace
  'CKV_K8S_22', // read-only root filesystem
  'CKV_K8S_28', // NET_RAW dropped
  'CKV_K8S_29', // pod security context
  'CKV_K8S_30', // container security context
  'CKV_K8S_37', // capabilities minimised
  'CKV_K8S_43', // image by digest
];
/** Built-in GKE checks that must pass on the cluster / node pool in both modes. */
const GKE_CHECKS = [
  'CKV_GCP_1',
  'CKV_GCP_7',
  'CKV_GCP_8',
  'CKV_GCP_13',
  'CKV_GCP_18',
  'CKV_GCP_20',
  'CKV_GCP_21',
  'CKV_GCP_23',
  'CKV_GCP_25',
  'CKV_GCP_61',
  'CKV_GCP_64',
  'CKV_GCP_66',
  'CKV_GCP_70',
  'CKV_GCP_71',
];
/**
 * Node-level checks that apply to Standard mode only (Autopilot has no node pool). CKV_GCP_22
 * (COS images) is legacy in 3.3.30: without a pinned `version` below 1.24 it gives no result, so
 * the COS image is asserted in hardened-gke-cluster.test.ts instead.
 */
const STANDARD_ONLY = ['CKV_GCP_9', 'CKV_GCP_10', 'CKV_GCP_12', 'CKV_GCP_68', 'CKV_GCP_69', 'CKV_GCP_72', 'CKV_GCP_123'];

let work: string;
let summary: Record<string, any>;
let exitCode: number;

function checkIds(stack: string, kind: 'passed_checks' | 'failed_checks'): Set<string> {
  const raw = JSON.parse(fs.readFileSync(path.join(work, 'reports', stack, 'checkov', 'results_json.json'), 'utf8'));
  const reports: any[] = Array.isArray(raw) ? raw : [raw];
  return new Set(reports.flatMap((r) => r.results[kind].map((c: any) => c.check_id)));
}

beforeAll(async () => {
  await locateCheckov({ repoRoot: REPO_ROOT, log: () => undefined });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'gke-gate-'));
  const app = new App({ outdir: path.join(work, 'out') });
  const standard = DEFAULT_CONFIG.environments.find((e) => e.gke)!;
  new WebhookPlatformStack(app, standard);
  new WebhookPlatformStack(app, { ...standard, name: 'gke-autopilot', gke: { ...standard.gke!, autopilot: true } });
  app.synth();
  const env = { ...process.env };
  delete env.POLICY_STACKS_DIR;
  delete env.POLICY_REPORTS_DIR;
  const quiet = { out: () => undefined, err: () => undefined };
  const venv = path.join(REPO_ROOT, VENV_DIR);
  exitCode = await main(
    ['--stacks-dir', path.join(work, 'out', 'stacks'), '--reports-dir', path.join(work, 'reports'), '--venv', venv],
    env,
    quiet,
  );
  summary = JSON.parse(fs.readFileSync(path.join(work, 'reports', 'policy-summary.json'), 'utf8'));
}, CHECKOV_TIMEOUT_MS);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the gate passes both GKE stacks with no failures and no stale suppressions', () => {
  expect(exitCode).toBe(EXIT_OK);
  for (const stack of summary.stacks) {
    expect(stack.failures).toEqual([]);
    expect(stack.unused_suppressions).toEqual([]);
  }
});

test.each(['prod-gke', 'gke-autopilot'])('%s: the Kubernetes and GKE checks ran and passed', (name) => {
  const passed = checkIds(name, 'passed_checks');
  expect(K8S_CHECKS.filter((id) => !passed.has(id))).toEqual([]);
  expect(GKE_CHECKS.filter((id) => !passed.has(id))).toEqual([]);
  expect([...checkIds(name, 'failed_checks')].filter((id) => id.startsWith('CKV_K8S'))).toEqual([]);
});

test('Standard mode: node pool checks pass too; the only suppression is RBAC Google Groups (none configured)', () => {
  const passed = checkIds('prod-gke', 'passed_checks');
  expect(STANDARD_ONLY.filter((id) => !passed.has(id))).toEqual([]);
  const stack = summary.stacks.find((s: any) => s.stack === 'prod-gke');
  expect(clusterSuppressions(stack)).toEqual(['CKV_GCP_65']);
});

test('Autopilot: only the checks Autopilot makes moot are suppressed, each with a reason', () => {
  const stack = summary.stacks.find((s: any) => s.stack === 'gke-autopilot');
  expect(clusterSuppressions(stack)).toEqual(['CKV_GCP_12', 'CKV_GCP_65', 'CKV_GCP_69']);
  for (const s of stack.suppressions) expect(s.reason.split(' ').length).toBeGreaterThan(6);
});

/** The cluster's suppressions (the stack also carries the database tier's, tested with MultiRegionDb). */
function clusterSuppressions(stack: any): string[] {
  return stack.suppressions
    .filter((s: any) => String(s.resource).includes('google_container_'))
    .map((s: any) => s.check_id)
    .sort();
}
