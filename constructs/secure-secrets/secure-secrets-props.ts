import { KeyProtectionLevel } from './key-protection';

export interface SecureSecretsProps {
  /** Base name of the key rings and keys (2-20 lowercase letters, digits, "-"). @default - the construct id, lowercased */
  readonly name?: string;
  /**
   * Locations that get a key ring with one key per purpose: regions, or multi-regions such as
   * "us" for multi-region buckets.
   * @default - the enclosing PlatformStack's regions
   */
  readonly regions?: string[];
  /** Days between automatic key rotations, 1..90. @default 90 */
  readonly rotationDays?: number;
  /** Where key material lives. @default KeyProtectionLevel.SOFTWARE */
  readonly protectionLevel?: KeyProtectionLevel;
  /**
   * Days a destroyed key version stays recoverable (1..120). Data encrypted with it is lost after.
   * @default 30
   */
  readonly destroyScheduledDays?: number;
  /**
   * Grant each Google service agent (Cloud SQL, Storage, Artifact Registry, Secret Manager,
   * Pub/Sub, Cloud Logging) encrypt/decrypt on the keys of its purpose.
   * @default true
   */
  readonly grantServiceAgents?: boolean;
  /**
   * Turn on data-access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) for Cloud KMS, Secret
   * Manager and Cloud SQL at the project level. Note: a project has one audit config per
   * service; manage these services' audit configs nowhere else.
   * @default true
   */
  readonly dataAccessAuditLogs?: boolean;
  /**
   * Days a CMEK log bucket in the primary region keeps a copy of the project's audit logs
   * (1..3650); 0 creates no bucket. Google's `_Default` bucket keeps data-access logs 30 days.
   * @default 400
   */
  readonly auditLogRetentionDays?: number;
  /** Project number, to name the service agents. @default - read with a google_project data source */
  readonly projectNumber?: string;
}
