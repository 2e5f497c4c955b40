/** The labelling rule: every labelled resource carries the platform labels (cost, ownership, environment). */
import { REQUIRED_LABELS } from '../label-conventions';
import { isUnresolved } from './block-values';
import type { PolicyRule } from './policy-rule';

/**
 * Resource types that accept `labels` and that the library creates. The labels rule applies to
 * these; the `PlatformLabels` aspect applies labels to any resource that accepts them.
 */
export const LABELLED_TYPES = [
  'google_cloud_run_v2_service',
  'google_compute_global_address',
  'google_compute_global_forwarding_rule',
  'google_secret_manager_secret',
  'google_storage_bucket',
  'google_pubsub_topic',
  'google_kms_crypto_key',
  'google_workflows_workflow',
  'google_backup_dr_backup_vault',
] as const;

export const LABEL_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_9',
    title: 'Resource carries the platform labels (env, team, cost-center, managed-by)',
    fix: 'create the resource inside a PlatformStack, or apply PlatformLabels to its scope',
    severity: 'error',
    resourceTypes: LABELLED_TYPES,
    scope: 'resource',
    evaluate: (b) => {
      if (isUnresolved(b.labels)) return undefined;
      const missing = REQUIRED_LABELS.filter((k) => typeof b.labels?.[k] !== 'string' || b.labels[k] === '');
      return missing.length > 0 ? `missing labels: ${missing.join(', ')}` : undefined;
    },
  },
];
