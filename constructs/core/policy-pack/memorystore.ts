/**
 * Rules on Memorystore (shared state). Its only endpoints are Private Service Connect addresses in
 * our VPC: the API has no public endpoint to forbid, so the rules are who may connect and how.
 */
import { cmekRule } from './encryption';
import type { PolicyRule } from './policy-rule';

export const MEMORYSTORE_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_60',
    title: 'Memorystore instance authenticates clients with IAM',
    fix: 'set authorization_mode = "IAM_AUTH" and grant roles/memorystore.dbConnectionUser (MemorystoreCache does)',
    severity: 'error',
    resourceTypes: ['google_memorystore_instance'],
    scope: 'resource',
    evaluate: (b) =>
      b.authorization_mode === 'IAM_AUTH'
        ? undefined
        : `authorization_mode is ${b.authorization_mode ?? 'unset (AUTH_DISABLED)'}, so any client in the network gets in`,
  },
  {
    id: 'CKV_CONVAI_61',
    title: 'Memorystore instance encrypts traffic in transit',
    fix: 'set transit_encryption_mode = "SERVER_AUTHENTICATION" and give clients the managed server CA (MemorystoreCache does)',
    severity: 'error',
    resourceTypes: ['google_memorystore_instance'],
    scope: 'resource',
    evaluate: (b) =>
      b.transit_encryption_mode === 'SERVER_AUTHENTICATION'
        ? undefined
        : `transit_encryption_mode is ${b.transit_encryption_mode ?? 'unset (TRANSIT_ENCRYPTION_DISABLED)'}, so tokens and cached data cross the network in clear`,
  },
  cmekRule('CKV_CONVAI_62', 'Memorystore instance', 'google_memorystore_instance', ['kms_key'], 'KeyPurpose.DATABASE'),
];
