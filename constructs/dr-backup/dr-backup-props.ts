import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { IEncryptionKeys } from '../core/encryption-keys';
import { MultiRegionDb } from '../multi-region-db/multi-region-db';
import { Duration } from '../core/duration';

export interface DrBackupProps {
  /** The database tier to back up and judge against the objectives. */
  readonly database: MultiRegionDb;
  /**
   * Recovery point objective: the most data (as time) a disaster may lose. Drives point-in-time
   * recovery and replica requirements, turbo replication of the bucket (below 12 h), the export
   * interval and the staleness alert window.
   */
  readonly rpo: Duration;
  /**
   * Recovery time objective: how long the database may be unavailable. Below 4 h a cross-region
   * replica is required, below 1 h a designated DR replica; Cloud SQL cannot go below 5 min.
   */
  readonly rto: Duration;
  /** Base name of the resources (2-22 lowercase letters, digits, "-"). @default - the construct id, lowercased */
  readonly name?: string;
  /** Production defaults and rules. @default - the enclosing PlatformStack's, else false */
  readonly production?: boolean;
  /** Name of the backup bucket (globally unique, 3-58 characters; the access-log bucket adds "-logs"). @default - "<project id>-<name>" */
  readonly bucketName?: string;
  /**
   * Dual-region location of the backup bucket.
   * @default - the predefined dual-region on the primary's continent: "NAM4" (us), "EUR4" (europe), "ASIA1" (asia)
   */
  readonly bucketLocation?: string;
  /**
   * KMS location of the bucket keys (the multi-region that contains `bucketLocation`).
   * @default - "us" for NAM4, "eu" for EUR4, "asia" for ASIA1
   */
  readonly bucketKeyLocation?: string;
  /**
   * CMEK source: a STORAGE key in `bucketKeyLocation`. Required in production.
   * @default - Google-managed encryption (refused in production)
   */
  readonly encryptionKeys?: IEncryptionKeys;
  /** How long an object in the bucket cannot be deleted or replaced (the retention policy), in whole days. @default Duration.days(30) */
  readonly retention?: Duration;
  /**
   * Lock the retention policy. Irreversible: a locked policy can never be shortened or removed,
   * and the bucket cannot be deleted until every object has aged out.
   * @default false
   */
  readonly lockRetentionPolicy?: boolean;
  /** How long deleted objects stay recoverable (soft delete), 7 to 90 whole days. @default Duration.days(30) */
  readonly softDeleteRetention?: Duration;
  /** Age at which exports are deleted (after moving to Nearline at 30 days and Coldline at 90), in whole days. @default Duration.days(365) */
  readonly deleteAfter?: Duration;
  /**
   * A Backup and DR vault (immutable backups with an enforced minimum retention) and a daily
   * backup plan for every Cloud SQL primary.
   * @default - true in production, false elsewhere
   */
  readonly backupVault?: boolean;
  /** Minimum enforced retention of backups in the vault, in whole days. @default Duration.days(30) */
  readonly vaultMinimumRetention?: Duration;
  /**
   * Notification channel ids (`projects/p/notificationChannels/n`) of the backup staleness alert,
   * which is CRITICAL: it pages. Required in production. Same prop as SloAlerting's and
   * SecurityMonitoring's: pass one set of channels to all three.
   * @default - none (allowed outside production only): the incident shows in the console only
   */
  readonly pageChannels?: string[];
  /**
   * Notification channel ids for ticket (ERROR/WARNING) alerts. DrBackup's only alert pages today;
   * taken so the three alerting constructs share one channel model.
   * @default - the page channels
   */
  readonly ticketChannels?: string[];
  /**
   * A scheduled restore drill (Cloud SQL): every `restoreDrillInterval` the newest export of
   * every shard is imported into a short-lived scratch instance (CMEK, private IP only, labelled,
   * deletion protection off for it alone), verified and deleted; an alert (ERROR: a ticket) fires
   * when a drill fails or none succeeded for the interval + 4 h. Needs `encryptionKeys`.
   * @default - true in production with Cloud SQL, false elsewhere
   */
  readonly restoreDrill?: boolean;
  /** Time between restore drills: 4, 6, 8 or 12 hours (the overdue alert must fit Monitoring's 23.5 h absence limit). @default Duration.hours(12) */
  readonly restoreDrillInterval?: Duration;
  /** Machine tier of the scratch instance (Cloud SQL Enterprise edition). @default "db-custom-1-3840" */
  readonly restoreDrillTier?: string;
  /**
   * The regional failover workflow `<name>-db-failover` (in the DR region): promotes the DR replica
   * of every shard, repoints `failoverServices`, makes the new primary REGIONAL, logging each step;
   * dry run unless started with `{"dryRun": false}`. Needs a designated DR replica.
   * @default - true when the database has a designated DR replica (drReplicaRegion), else false
   */
  readonly failoverWorkflow?: boolean;
  /**
   * Cloud Run services whose `DATABASE_URL` (MultiRegionDb.databaseUrl) the failover workflow
   * repoints to the promoted instance's private IP; with more than one shard, each shard's entry of
   * `DATABASE_SHARD_URLS` (MultiRegionDb.runtimeDatabaseEnv) too, and `DATABASE_URL` with shard 0.
   * Ignored without the failover workflow (no DR replica), so a stack can pass its services in
   * every environment.
   * @default - none: the workflow promotes; repointing the runtime is a manual step
   */
  readonly failoverServices?: CloudRunV2Service[];
  /**
   * The service account `failoverServices` run as: deploying their new revision acts as it.
   * Required with `failoverServices`.
   * @default - none
   */
  readonly runtimeServiceAccountEmail?: string;
}
