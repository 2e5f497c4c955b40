import { Duration } from '../core/duration';
import { IEncryptionKeys } from '../core/encryption-keys';
import { DatabaseEngine, SqlEdition } from './database-engine';

export interface MultiRegionDbProps {
  /** Engine. @default DatabaseEngine.postgres() (Cloud SQL for PostgreSQL, newest GA major) */
  readonly engine?: DatabaseEngine;
  /** Base name of the GCP resources (2-30 lowercase letters, digits, "-"). @default - the construct id, lowercased */
  readonly name?: string;
  /** Regions the tier lives in, primary first. @default - the enclosing PlatformStack's regions */
  readonly regions?: string[];
  /** Production defaults and rules. @default - the enclosing PlatformStack's, else false */
  readonly production?: boolean;
  /**
   * VPC (id or self link) the instances get their private IPs in, through private services access.
   * Required for Cloud SQL; unused by Firestore.
   * @default - none (a validation error for Cloud SQL)
   */
  readonly network?: string;
  /**
   * Create the private services access range and peering on `network`. Turn off when the VPC
   * already has its `servicenetworking.googleapis.com` connection (one per VPC).
   * @default true
   */
  readonly createPrivateServicesAccess?: boolean;
  /** Prefix length of the private services access range. @default 20 */
  readonly privateServicesAccessPrefixLength?: number;
  /**
   * CMEK source: keys of purpose DATABASE in each instance's region (and in the Firestore
   * multi-region). Required in production.
   * @default - Google-managed encryption (refused in production)
   */
  readonly encryptionKeys?: IEncryptionKeys;
  /** Cloud SQL edition. @default - ENTERPRISE_PLUS in production, ENTERPRISE elsewhere */
  readonly edition?: SqlEdition;
  /** Machine tier of primaries and replicas. @default - the edition's default tier (2 vCPUs) */
  readonly tier?: string;
  /** Primary runs REGIONAL (a standby in a second zone, automatic failover). @default true */
  readonly highAvailability?: boolean;
  /**
   * Regions of cross-region read replicas (one per shard per region).
   * @default - every region but the primary
   */
  readonly readReplicaRegions?: string[];
  /**
   * Region whose replica is the designated DR replica: the one promoted when the primary region
   * is lost (the primary's replication cluster names it). Must be one of the read replica regions.
   * @default - the second region in production, none elsewhere
   */
  readonly drReplicaRegion?: string;
  /**
   * Number of shards: each is one primary with its replicas; tenants map to shards with `ShardMap`.
   * @default 1
   */
  readonly shards?: number;
  /** Tenant ids to publish in the `tenant-shard-map` output. @default - none (the output is omitted) */
  readonly tenants?: string[];
  /** Database created on each primary. @default "webhook" */
  readonly databaseName?: string;
  /** Point-in-time recovery (transaction logs kept for `transactionLogRetention`). @default true */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Transaction logs kept for point-in-time recovery, in whole days (ENTERPRISE up to 7, ENTERPRISE_PLUS up to 35).
   * @default Duration.days(7)
   */
  readonly transactionLogRetention?: Duration;
  /** Automated daily backups kept. @default - 30 in production, 7 elsewhere */
  readonly retainedBackups?: number;
  /**
   * Where automated backups are stored: a region or multi-region other than the primary region, so
   * a regional outage does not take the backups with it.
   * @default - the DR replica region, else the second region, else the multi-region ("us", "eu", "asia") of the primary
   */
  readonly backupLocation?: string;
  /** Start of the daily backup window, "HH:MM" UTC. @default "02:00" */
  readonly backupStartTime?: string;
  /** Maintenance day, 1 (Monday) .. 7 (Sunday). @default 7 */
  readonly maintenanceDay?: number;
  /** Maintenance hour, 0..23 UTC. @default 3 */
  readonly maintenanceHour?: number;
  /** Terraform and Cloud SQL refuse to delete the instances while true. @default true */
  readonly deletionProtection?: boolean;
  /**
   * Accept regions missing from the library's list (for regions Google adds after this release).
   * @default false
   */
  readonly allowUnlistedRegions?: boolean;
}
