/** Least privilege: no service account keys, no public grants on data, no unconditioned project-wide grants. */
import { PROJECT_GRANT_CONDITION_CHECK } from '../policy-check-ids';
import { PUBLIC_MEMBERS } from '../public-members';
import { first, membersIn } from './block-values';
import type { PolicyRule } from './policy-rule';

/** IAM resources on data (secrets, keys, topics) that CKV_CONVAI_38 keeps private. */
export const DATA_IAM_TYPES: readonly string[] = [
  'google_secret_manager_secret_iam_member',
  'google_secret_manager_secret_iam_binding',
  'google_kms_crypto_key_iam_member',
  'google_kms_crypto_key_iam_binding',
  'google_kms_key_ring_iam_member',
  'google_kms_key_ring_iam_binding',
  'google_pubsub_topic_iam_member',
  'google_pubsub_topic_iam_binding',
];

/** Resource types CKV_CONVAI_39 (PROJECT_GRANT_CONDITION_CHECK) judges. */
export const PROJECT_IAM_GRANT_TYPES: readonly string[] = ['google_project_iam_member', 'google_project_iam_binding'];

export const IAM_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_37',
    title: 'Service account has no service account keys',
    fix: 'remove the google_service_account_key: workloads use attached service accounts, CI Workload Identity Federation',
    severity: 'error',
    resourceTypes: ['google_service_account'],
    // The service account -> key link decides it.
    scope: 'graph',
  },
  {
    id: 'CKV_CONVAI_38',
    title: 'Secrets, keys and topics are not shared with allUsers or allAuthenticatedUsers',
    fix: 'grant named identities (PlatformSecret.grantAccess, SecureSecrets.grantEncryptDecrypt), never the public',
    severity: 'error',
    resourceTypes: DATA_IAM_TYPES,
    scope: 'resource',
    evaluate: (b) => {
      const bad = membersIn(b, PUBLIC_MEMBERS);
      return bad.length > 0 ? `member ${bad.join(', ')} is public` : undefined;
    },
  },
  {
    id: PROJECT_GRANT_CONDITION_CHECK,
    title: 'Project-level IAM grants are conditioned to named resources',
    fix: 'grant on the resource (*_iam_member) or add a condition on resource.name; where IAM allows neither, record the reason with PolicySuppressions.add(grant, "CKV_CONVAI_39", reason)',
    severity: 'error',
    resourceTypes: PROJECT_IAM_GRANT_TYPES,
    scope: 'resource',
    evaluate: (b) => {
      const expression = first(b.condition)?.expression;
      return typeof expression === 'string' && expression.trim() !== ''
        ? undefined
        : `role ${b.role} is granted on the whole project with no condition`;
    },
  },
];
