/**
 * The IAM and secret scan over every reference stack: no basic roles, no public members, no
 * authoritative IAM, no service account keys, no secret values, and nothing checkov's secrets
 * framework (detect-secrets plugins) recognises as a secret or private key in the synthesized JSON.
 * Each scanner is also shown a planted violation, so a scanner that finds nothing proves something.
 */
import { Testing } from 'cdktf';
import { locateCheckov, type Checkov } from '../../policies/runner/checkov';
import { iamGrants, postureViolations, scanForSecrets } from '../../policies/security/posture';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { CHECKOV_TIMEOUT_MS, REPO_ROOT } from '../policies/fixture-scan';

const stacks = DEFAULT_CONFIG.environments.map((config) => {
  const stack = new WebhookPlatformStack(Testing.app(), config);
  const text = Testing.synth(stack, true);
  return { name: config.name, text, doc: JSON.parse(text) };
});

let checkov: Checkov;
beforeAll(async () => {
  checkov = await locateCheckov({ repoRoot: REPO_ROOT, log: () => undefined });
}, CHECKOV_TIMEOUT_MS);

describe.each(stacks.map((s) => [s.name, s] as const))('%s stack', (_name, stack) => {
  test('grants are additive, named, and never basic roles; no SA keys; no secret values', () => {
    expect(iamGrants(stack.doc).length).toBeGreaterThan(0);
    expect(postureViolations(stack.doc)).toEqual([]);
  });

  test('project-level grants only for services without resource-level IAM, conditioned to named resources where IAM allows', () => {
    const projectLevel = iamGrants(stack.doc).filter((g) => /^google_(project|folder|organization)_iam_/.test(g.type));
    // Issue 4: Cloud SQL, Workflows and Cloud Logging have no per-resource IAM policy. Each such
    // grant is conditioned on the database's / workflow's names, except: logging.logWriter (a
    // workflow's sys.log writes entries, which carry no resource name to condition on) and
    // DrBackup's custom export role (export + get only; the export polls SQL operations, named
    // projects/p/operations/<id>, which an instance-name condition would refuse).
    // GKE nodes: Google's minimal node service account roles (telemetry has no per-resource IAM),
    // plus artifactregistry.reader to pull images — the cluster does not know which repositories
    // its workloads use, so that read-only grant is project-wide.
    const unconditionable = [
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
      'roles/monitoring.viewer',
      'roles/stackdriver.resourceMetadata.writer',
      'roles/artifactregistry.reader',
    ];
    const conditioned = ['roles/cloudsql.client', 'roles/cloudsql.instanceUser', 'roles/workflows.invoker'];
    const customExportRole = /^\$\{google_project_iam_custom_role\.backups_sql-export-role_\w+\.name\}$/;
    for (const g of projectLevel) {
      const allowed = [...unconditionable, ...conditioned].includes(g.role) || customExportRole.test(g.role);
      expect({ resource: g.resource, role: g.role, allowed }).toEqual({
        resource: g.resource,
        role: g.role,
        allowed: true,
      });
      const block = stack.doc.resource[g.type][g.resource.split('.')[1]];
      if (conditioned.includes(g.role)) expect(block.condition?.expression).toMatch(/^resource\.name\./);
    }
  });

  test(
    'checkov secrets framework finds no secret or private key in the synthesized JSON',
    () => {
      expect(scanForSecrets(checkov, { 'cdk.tf.json': stack.text })).toEqual([]);
    },
    CHECKOV_TIMEOUT_MS,
  );
});

describe('the scanners catch what they look for', () => {
  test('posture: basic role, public member, binding, SA key, secret data', () => {
    const doc = {
      resource: {
        google_project_iam_member: { owner: { project: 'p', role: 'roles/editor', member: 'user:a@example.com' } },
        google_secret_manager_secret_iam_member: {
          open: { secret_id: 's', role: 'roles/secretmanager.secretAccessor', member: 'allUsers' },
        },
        google_pubsub_topic_iam_binding: { b: { topic: 't', role: 'roles/pubsub.publisher', members: ['allAuthenticatedUsers'] } },
        google_service_account_key: { k: { service_account_id: 'sa' } },
        google_secret_manager_secret_version: { v: { secret: 's', secret_data: 'hunter2' } },
      },
    };
    expect(postureViolations(doc)).toEqual([
      'google_project_iam_member.owner: basic role roles/editor; grant a predefined role on the resource instead',
      'google_pubsub_topic_iam_binding.b: authoritative binding; grants must be additive (*_iam_member)',
      'google_pubsub_topic_iam_binding.b: public member allAuthenticatedUsers',
      'google_secret_manager_secret_iam_member.open: public member allUsers',
      'google_service_account_key.k: service account keys are not allowed',
      'google_secret_manager_secret_version.v: secret_data puts the value in state and JSON',
    ]);
  });

  test(
    'checkov secrets: a private key planted in a stack copy is found',
    () => {
      const planted = JSON.parse(stacks[0].text);
      // A syntactically complete (useless, throwaway) RSA key header and body, as a leak would look.
      planted.resource.google_secret_manager_secret_version = {
        leak: {
          secret: 's',
          secret_data:
            '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx5vQeQ8Pv7m3XyZ9b8k1pQ2w3e4r5t6y7u8i9o0p1a2s3d4f\n-----END RSA PRIVATE KEY-----\n',
        },
      };
      const findings = scanForSecrets(checkov, { 'planted.tf.json': JSON.stringify(planted, null, 2) });
      expect(findings.map((f) => f.checkName)).toContain('Private Key');
    },
    CHECKOV_TIMEOUT_MS,
  );
});
