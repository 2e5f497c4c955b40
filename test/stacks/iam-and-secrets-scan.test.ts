/**
 * The IAM and secret scan over every reference stack: no basic roles, no public members, no
 * authoritative IAM, no service account keys, no secret values, and nothing checkov's secrets
 * framework (detect-secrets plugins) recognises as a secret or private key in the synthesized JSON.
 * Each scanner is also shown a planted violation, so a scanner that finds nothing proves something.
 */
import { Testing } from 'cdktf';
import { locateCheckov, type Checkov } from '../../policies/runner/checkov';
import { PROJECT_GRANT_CONDITION_CHECK } from '../../constructs/core/policy-check-ids';
import { PROJECT_IAM_GRANT_TYPES } from '../../constructs/core/policy-pack/iam';
import { iamGrants, postureViolations, scanForSecrets } from '../../tools/security-report/posture';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { CHECKOV_TIMEOUT_MS, REPO_ROOT } from '../policies/fixture-scan';

const stacks = DEFAULT_CONFIG.environments.map((config) => {
  const stack = new WebhookPlatformStack(Testing.app(), config);
  const text = Testing.synth(stack, true);
  // Testing.synth drops cdktf's `//` block; the reasons recorded with PolicySuppressions live there.
  const doc = { ...JSON.parse(text), '//': (stack.toTerraform() as Record<string, any>)['//'] };
  return { name: config.name, text, doc };
});

type Json = Record<string, any>;
interface ProjectGrant {
  readonly address: string;
  readonly role: string;
  readonly block: Json;
}

/** Every project-level IAM grant (member or binding) in a synthesized stack. */
function projectGrants(doc: Json): ProjectGrant[] {
  return PROJECT_IAM_GRANT_TYPES.flatMap((type) =>
    Object.entries<Json>(doc.resource?.[type] ?? {}).map(([name, block]) => ({ address: `${type}.${name}`, role: block.role, block })),
  );
}

const hasCondition = (block: Json): boolean => {
  const condition = Array.isArray(block.condition) ? block.condition[0] : block.condition;
  return typeof condition?.expression === 'string' && condition.expression.trim() !== '';
};

/**
 * Project-level grants with neither a condition nor a reason recorded for CKV_CONVAI_39 (the
 * construct's PolicySuppressions.add, synthesized under `//.policy_suppressions`), as
 * "<address>: <role>" lines a reviewer can act on.
 */
function unreasonedProjectGrants(doc: Json): string[] {
  const reasoned = new Map<string, string>(
    ((doc['//']?.policy_suppressions ?? []) as Json[])
      .filter((s) => s.check_id === PROJECT_GRANT_CONDITION_CHECK)
      .map((s) => [s.resource, s.reason]),
  );
  return projectGrants(doc)
    .filter((g) => !hasCondition(g.block) && !(reasoned.get(g.address) ?? '').trim())
    .map((g) => `${g.address}: ${g.role} is granted on the whole project with no condition and no stated reason`);
}

let checkov: Checkov;
beforeAll(async () => {
  checkov = await locateCheckov({ repoRoot: REPO_ROOT, log: () => undefined });
}, CHECKOV_TIMEOUT_MS);

describe.each(stacks.map((s) => [s.name, s] as const))('%s stack', (_name, stack) => {
  test('grants are additive, named, and never basic roles; no SA keys; no secret values', () => {
    expect(iamGrants(stack.doc).length).toBeGreaterThan(0);
    expect(postureViolations(stack.doc)).toEqual([]);
  });

  test('every project-level grant is conditioned to named resources, or carries a stated reason (CKV_CONVAI_39)', () => {
    expect(unreasonedProjectGrants(stack.doc)).toEqual([]);
    // What is left unconditioned, and why, is a short reviewed list: telemetry writers only.
    const reasoned = projectGrants(stack.doc).filter((g) => !hasCondition(g.block));
    expect([...new Set(reasoned.map((g) => g.role))].sort()).toEqual(
      stack.name === 'prod-gke'
        ? [
            'roles/cloudtrace.agent',
            'roles/logging.logWriter',
            'roles/monitoring.metricWriter',
            'roles/monitoring.viewer',
            'roles/stackdriver.resourceMetadata.writer',
          ]
        : ['roles/cloudtrace.agent', 'roles/logging.logWriter'],
    );
  });

  test('the backup runner can export only its own instances; GKE nodes read only the image repository', () => {
    const grants = projectGrants(stack.doc);
    const exportGrant = grants.find((g) => /sql-export-role/.test(g.role))!;
    expect(exportGrant.block.condition.expression).toMatch(
      /^resource\.type != "sqladmin\.googleapis\.com\/Instance"( \|\| resource\.name == "projects\/[a-z0-9-]+\/instances\/\$\{google_sql_database_instance\.[\w-]+\.name\}")+$/,
    );
    expect(grants.map((g) => g.role)).not.toContain('roles/artifactregistry.reader');
    const pulls = Object.values<Json>(stack.doc.resource.google_artifact_registry_repository_iam_member ?? {});
    if (stack.name === 'prod-gke') {
      // The reference image: us-docker.pkg.dev/convai-reference/webhook/runtime@sha256:...
      expect(pulls).toEqual([
        expect.objectContaining({
          project: 'convai-reference',
          location: 'us',
          repository: 'webhook',
          role: 'roles/artifactregistry.reader',
        }),
      ]);
    } else {
      expect(pulls).toEqual([]);
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

  test('least privilege: an unconditioned project grant without a reason is named with its role', () => {
    const doc = {
      '//': {
        policy_suppressions: [
          {
            check_id: 'CKV_CONVAI_39',
            resource: 'google_project_iam_member.reasoned',
            reason: 'Telemetry has no resource name to condition on.',
          },
          { check_id: 'CKV_GCP_41', resource: 'google_project_iam_member.other_check', reason: 'A reason for another check only.' },
        ],
      },
      resource: {
        google_project_iam_member: {
          reasoned: { project: 'p', role: 'roles/logging.logWriter', member: 'serviceAccount:a@p.iam.gserviceaccount.com' },
          conditioned: {
            project: 'p',
            role: 'roles/cloudsql.client',
            member: 'serviceAccount:a@p.iam.gserviceaccount.com',
            condition: { title: 't', expression: 'resource.name.startsWith("projects/p/instances/db-")' },
          },
          other_check: { project: 'p', role: 'roles/artifactregistry.reader', member: 'serviceAccount:a@p.iam.gserviceaccount.com' },
          empty_condition: {
            project: 'p',
            role: 'roles/cloudsql.admin',
            member: 'user:a@example.com',
            condition: [{ title: 't', expression: ' ' }],
          },
        },
        google_project_iam_binding: { wide: { project: 'p', role: 'roles/run.admin', members: ['group:ops@example.com'] } },
      },
    };
    expect(unreasonedProjectGrants(doc)).toEqual([
      'google_project_iam_member.other_check: roles/artifactregistry.reader is granted on the whole project with no condition and no stated reason',
      'google_project_iam_member.empty_condition: roles/cloudsql.admin is granted on the whole project with no condition and no stated reason',
      'google_project_iam_binding.wide: roles/run.admin is granted on the whole project with no condition and no stated reason',
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
