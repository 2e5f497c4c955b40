/** Customer-managed encryption keys on stored data, and how Secret Manager secrets are kept and rotated. */
import { first, isSet, isUnresolved } from './block-values';
import type { PolicyRule } from './policy-rule';

/** "<what> is encrypted with a customer-managed key": the key attribute at `path` must be set. */
export function cmekRule(id: string, what: string, type: string, path: string[], purpose: string): PolicyRule {
  const attribute = path.join('.');
  return {
    id,
    title: `${what} is encrypted with a customer-managed key`,
    fix: `set ${attribute} to the SecureSecrets key for its region (keyId(region, ${purpose}))`,
    severity: 'error',
    resourceTypes: [type],
    scope: 'resource',
    evaluate: (b) => {
      const parent = path.slice(0, -1).reduce<Record<string, any> | undefined>((block, key) => first(block?.[key]), b);
      return isSet(parent?.[path[path.length - 1]]) ? undefined : `${attribute} is unset, so Google-managed keys encrypt the data`;
    },
  };
}

export const ENCRYPTION_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_30',
    title: 'Secret Manager secret encrypts every replica with a customer-managed key',
    fix: 'create secrets with SecureSecrets.addSecret (user-managed replicas, each with its region’s secrets key)',
    severity: 'error',
    resourceTypes: ['google_secret_manager_secret'],
    scope: 'resource',
    evaluate: (b) => {
      const replication = first(b.replication);
      if (!replication) return 'replication is unset';
      const userManaged = first(replication.user_managed);
      if (!userManaged) {
        return isSet(first(first(replication.auto)?.customer_managed_encryption)?.kms_key_name)
          ? undefined
          : 'automatic replication without customer_managed_encryption';
      }
      if (isUnresolved(userManaged.replicas)) return undefined;
      const replicas: unknown[] = Array.isArray(userManaged.replicas) ? userManaged.replicas : [userManaged.replicas].filter(Boolean);
      const missing = replicas.filter((r) => !isSet(first(first(r)?.customer_managed_encryption)?.kms_key_name));
      if (replicas.length === 0) return 'no replicas';
      return missing.length > 0
        ? `replicas without a customer-managed key: ${missing.map((r) => first(r)?.location).join(', ')}`
        : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_31',
    title: 'Secret Manager secret has a rotation period and a notification topic',
    fix: 'set rotation.rotation_period and topics (SecureSecrets.addSecret does: 90 days, its rotation topic)',
    severity: 'error',
    resourceTypes: ['google_secret_manager_secret'],
    scope: 'resource',
    evaluate: (b) => {
      const problems: string[] = [];
      if (!isSet(first(b.rotation)?.rotation_period)) problems.push('rotation.rotation_period is unset');
      if (!isUnresolved(b.topics)) {
        const topics: unknown[] = Array.isArray(b.topics) ? b.topics : b.topics ? [b.topics] : [];
        if (!topics.some((t) => isSet(first(t)?.name))) problems.push('no notification topic');
      }
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  },
  cmekRule('CKV_CONVAI_32', 'Pub/Sub topic', 'google_pubsub_topic', ['kms_key_name'], 'KeyPurpose.LOGS'),
  cmekRule('CKV_CONVAI_33', 'Storage bucket', 'google_storage_bucket', ['encryption', 'default_kms_key_name'], 'KeyPurpose.STORAGE'),
  cmekRule('CKV_CONVAI_34', 'Artifact Registry repository', 'google_artifact_registry_repository', ['kms_key_name'], 'KeyPurpose.STORAGE'),
  cmekRule('CKV_CONVAI_35', 'Cloud SQL instance', 'google_sql_database_instance', ['encryption_key_name'], 'KeyPurpose.DATABASE'),
  cmekRule('CKV_CONVAI_36', 'Log bucket', 'google_logging_project_bucket_config', ['cmek_settings', 'kms_key_name'], 'KeyPurpose.LOGS'),
];
