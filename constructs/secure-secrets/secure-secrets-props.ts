import { Duration } from '../core/duration';
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
  /** Time between automatic key rotations, 1 to 90 whole days. @default Duration.days(90) */
  readonly rotationPeriod?: Duration;
  /** Where key material lives. @default KeyProtectionLevel.SOFTWARE */
  readonly protectionLevel?: KeyProtectionLevel;
  /**
   * How long a destroyed key version stays recoverable, 1 to 120 whole days. Data encrypted with it
   * is lost after.
   * @default Duration.days(30)
   */
  readonly destroyScheduledDuration?: Duration;
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
   * How long a CMEK log bucket in the primary region keeps a copy of the project's audit logs, 1 to
   * 3650 whole days; `Duration.days(0)` creates no bucket. Google's `_Default` bucket keeps
   * data-access logs 30 days.
   * @default Duration.days(400)
   */
  readonly auditLogRetention?: Duration;
  /** Project number, to name the service agents. @default - read with a google_project data source */
  readonly projectNumber?: string;
}
