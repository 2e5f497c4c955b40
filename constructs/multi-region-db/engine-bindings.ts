import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance, SqlDatabaseInstanceSettings } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Fn, TerraformOutput } from 'cdktf';
import { KeyPurpose } from '../core/encryption-keys';
import { Grantee, serviceAccountEmailOf } from '../core/grantee';
import { PlatformStack } from '../core/platform-stack';
import { PolicySuppressions } from '../core/policy-suppressions';
import { Rule, isKnown, isToken } from '../core/validation';
import type { IDatabaseBinding } from './database-binding';
import type { DatabaseBindInputs, DatabaseScope } from './engine-inputs';
import type { FirestoreEngineOptions } from './firestore-engine-options';
import type { ResolvedDbProps } from './multi-region-db-rules';
import { ShardMap } from './shard-map';
import { maxConnectionsForTier } from './sql-tier';

/**
 * Postgres flags: the logging the checkov GCP checks ask for (CKV_GCP_51..57, 108..111, CKV2_GCP_13), written
 * down once here so every primary and replica logs the same way.
 */
export const POSTGRES_LOGGING_FLAGS: Readonly<Record<string, string>> = {
  log_checkpoints: 'on',
  log_connections: 'on',
  log_disconnections: 'on',
  log_lock_waits: 'on',
  log_min_messages: 'error',
  log_min_error_statement: 'error',
  log_temp_files: '0',
  log_min_duration_statement: '-1',
  log_duration: 'on',
  log_hostname: 'on',
  log_statement: 'ddl',
  'cloudsql.enable_pgaudit': 'on',
  'pgaudit.log': 'ddl,role',
};

/** The newest major checkov 3.3.30's CKV_GCP_79 accepts: anything older carries a reasoned suppression. */
const NEWEST_POSTGRES_CHECKED = 'POSTGRES_18';
const ENTERPRISE_PLUS = 'ENTERPRISE_PLUS';

const primary = (p: ResolvedDbProps): string | undefined => (isToken(p.regions) ? undefined : p.regions[0]);

/** What only Cloud SQL asks of MultiRegionDb's props. */
export function cloudSqlRules(version: string): ReadonlyArray<Rule<ResolvedDbProps>> {
  return [
    {
      when: (p) => !p.network,
      say: () =>
        'network is missing: Cloud SQL gets a private IP only, so give the VPC (e.g. "projects/p/global/networks/convai"), or use DatabaseEngine.firestore()',
    },
    {
      when: () => isKnown(version) && !/^POSTGRES_\d+$/.test(version),
      say: () => `engine version "${version}" is not a Cloud SQL PostgreSQL version: use e.g. "POSTGRES_17"`,
    },
    {
      when: (p) => isKnown(p.tier) && maxConnectionsForTier(p.tier) === undefined,
      say: (p) =>
        `tier "${p.tier}" is not a tier this library can size: use db-custom-<vCPUs>-<MiB> (Enterprise) or db-perf-optimized-N-<vCPUs> (Enterprise Plus)`,
    },
    {
      when: (p) => isKnown(p.tier) && (p.edition.value === ENTERPRISE_PLUS) !== p.tier.startsWith('db-perf-optimized-N-'),
      say: (p) =>
        `tier "${p.tier}" does not fit edition ${p.edition.value}: Enterprise Plus runs db-perf-optimized-N-* tiers, Enterprise runs db-custom-* (shared-core tiers are not for this tier)`,
    },
    {
      when: (p) => isKnown(p.drReplicaRegion) && p.edition.value !== ENTERPRISE_PLUS,
      say: (p) =>
        `drReplicaRegion is set with edition ${p.edition.value}: a designated DR replica (replication cluster) needs SqlEdition.ENTERPRISE_PLUS`,
    },
    {
      when: (p) => p.backupLocation === undefined,
      say: (p) =>
        `backupLocation is missing and none can be derived for ${primary(p)}: give a region or multi-region other than the primary region, e.g. "us"`,
    },
    {
      when: (p) => isKnown(p.backupLocation) && p.backupLocation === primary(p),
      say: (p) =>
        `backupLocation is the primary region ${p.backupLocation}: a regional outage would take the backups too; use another region or a multi-region such as "us"`,
    },
  ];
}

/** What only Firestore asks of MultiRegionDb's props. */
export function firestoreRules(options: FirestoreEngineOptions): ReadonlyArray<Rule<ResolvedDbProps>> {
  return [
    {
      when: () => !['nam5', 'eur3'].includes(options.locationId ?? 'nam5'),
      say: () =>
        `engine Firestore location "${options.locationId}" is not a multi-region: use "nam5" or "eur3" so a regional outage loses no writes`,
    },
  ];
}

/**
 * Cloud SQL for PostgreSQL: per shard, a REGIONAL primary and a cross-region read replica in every
 * other region (one of them the designated DR replica), on private services access.
 */
export class CloudSqlBinding implements IDatabaseBinding {
  public readonly primaries: SqlDatabaseInstance[] = [];
  public readonly replicas: SqlDatabaseInstance[] = [];
  public readonly drReplicas: SqlDatabaseInstance[] = [];
  public readonly databases: SqlDatabase[] = [];
  public readonly privateServicesAccess?: ServiceNetworkingConnection;
  public readonly privateServicesRange?: ComputeGlobalAddress;
  public readonly readReplicaRegions: string[];
  public readonly drReplicaRegion?: string;
  public readonly shardCount: number;
  public readonly maxConnections: number;
  public readonly backupLocation?: string;
  public readonly network?: string;

  constructor(
    private readonly db: DatabaseScope,
    private readonly o: DatabaseBindInputs,
    private readonly version: string,
  ) {
    const p = o.props;
    this.network = p.network;
    this.readReplicaRegions = [...o.readReplicaRegions];
    this.drReplicaRegion = o.drReplicaRegion;
    this.backupLocation = o.backupLocation;
    this.shardCount = o.shards;
    // 0 when the tier is an unresolved token: Cloud SQL then applies its own default.
    this.maxConnections = maxConnectionsForTier(o.tier) ?? 0;

    if (p.createPrivateServicesAccess ?? true) {
      const range = (this.privateServicesRange = new ComputeGlobalAddress(db, 'private-services-range', {
        name: `${o.name}-psa`,
        description: 'Private services access range for the Cloud SQL instances (private IP only).',
        purpose: 'VPC_PEERING',
        addressType: 'INTERNAL',
        prefixLength: p.privateServicesAccessPrefixLength ?? 20,
        network: p.network!,
      }));
      this.privateServicesAccess = new ServiceNetworkingConnection(db, 'private-services-access', {
        network: p.network!,
        service: 'servicenetworking.googleapis.com',
        reservedPeeringRanges: [range.name],
      });
    }

    for (let shard = 0; shard < o.shards; shard++) this.shard(shard);

    for (const instance of [...this.primaries, ...this.replicas]) {
      PolicySuppressions.add(
        instance,
        'CKV_GCP_6',
        'TLS is required (ssl_mode ENCRYPTED_ONLY) and clients authenticate with IAM database tokens; checkov only accepts client certificates, which the runtime driver connecting by DATABASE_URL does not present.',
      );
      if (version !== NEWEST_POSTGRES_CHECKED) {
        PolicySuppressions.add(
          instance,
          'CKV_GCP_79',
          `The database runs ${version}, a supported major; checkov wants ${NEWEST_POSTGRES_CHECKED} the day it ships, while a major upgrade waits until the runtime's migrations are tested on it.`,
        );
      }
    }

    new TerraformOutput(db, 'connection-names', {
      value: this.primaries.map((i) => i.connectionName),
      description: 'Connection name of each shard primary, by shard index (see ShardMap).',
    });
    new TerraformOutput(db, 'primary-private-ips', {
      value: this.primaries.map((i) => i.privateIpAddress),
      description: 'Private IP of each shard primary, by shard index.',
    });
    new TerraformOutput(db, 'max-connections', {
      value: this.maxConnections,
      description: 'max_connections per instance: size the runtime pools so instances × pool size stays below it.',
    });
    if (p.tenants && p.tenants.length > 0) {
      new TerraformOutput(db, 'tenant-shard-map', {
        value: ShardMap.assign(p.tenants, o.shards),
        description: 'Shard index of each listed tenant (ShardMap.shardFor, rendezvous hashing).',
      });
    }
  }

  /**
   * Additive `roles/cloudsql.client` and `roles/cloudsql.instanceUser`, conditioned on this
   * database's instances (Cloud SQL has no per-instance IAM), and an IAM database user on every primary.
   */
  public grantConnect(id: string, grantee: Grantee): ProjectIamMember[] {
    const serviceAccountEmail = serviceAccountEmailOf(grantee, `${this.db.node.path}.grantConnect("${id}")`);
    const member = `serviceAccount:${serviceAccountEmail}`;
    const project = this.db.projectId;
    const condition = {
      title: `${this.o.name} instances only`,
      expression: `resource.name.startsWith("projects/${project}/instances/${this.o.name}-s")`,
    };
    const grants = ['roles/cloudsql.client', 'roles/cloudsql.instanceUser'].map(
      (role) => new ProjectIamMember(this.db, `${id}-${role.split('.')[1]}`, { project, role, member, condition }),
    );
    this.primaries.forEach(
      (instance, shard) =>
        new SqlUser(this.db, `${id}-db-user-s${shard}`, {
          instance: instance.name,
          // Cloud SQL names IAM service account users by the email without ".gserviceaccount.com".
          name: Fn.trimsuffix(serviceAccountEmail, '.gserviceaccount.com'),
          type: 'CLOUD_IAM_SERVICE_ACCOUNT',
        }),
    );
    return grants;
  }

  private shard(shard: number): void {
    const o = this.o;
    const p = o.props;
    const db = this.db;
    const primaryName = `${o.name}-s${shard}`;
    const replicaName = (region: string): string => `${primaryName}-${region}`;
    const primaryInstance = new SqlDatabaseInstance(db, `shard${shard}-primary`, {
      name: primaryName,
      region: db.primaryRegion,
      databaseVersion: this.version,
      encryptionKeyName: p.encryptionKeys?.keyId(db.primaryRegion, KeyPurpose.DATABASE),
      deletionProtection: p.deletionProtection ?? true,
      // Enterprise Plus replication cluster: the replica a switchover promotes. A literal name, as
      // referencing the replica (which references this primary) would be a cycle.
      replicationCluster: o.drReplicaRegion ? { failoverDrReplicaName: `${db.projectId}:${replicaName(o.drReplicaRegion)}` } : undefined,
      settings: {
        ...this.settings((p.highAvailability ?? true) ? 'REGIONAL' : 'ZONAL'),
        backupConfiguration: {
          enabled: true,
          startTime: p.backupStartTime ?? '02:00',
          location: o.backupLocation,
          pointInTimeRecoveryEnabled: o.pointInTimeRecovery,
          transactionLogRetentionDays: o.transactionLogRetention.toDays(),
          backupRetentionSettings: { retainedBackups: o.retainedBackups, retentionUnit: 'COUNT' },
        },
        // The final safety net: automated backups outlive an instance deleted by mistake.
        retainBackupsOnDelete: true,
      },
      dependsOn: this.privateServicesAccess ? [this.privateServicesAccess] : undefined,
    });
    this.primaries.push(primaryInstance);
    this.databases.push(new SqlDatabase(db, `shard${shard}-database`, { name: db.databaseName, instance: primaryInstance.name }));

    for (const region of o.readReplicaRegions) {
      const replica = new SqlDatabaseInstance(db, `shard${shard}-replica-${region}`, {
        name: replicaName(region),
        region,
        databaseVersion: this.version,
        masterInstanceName: primaryInstance.name,
        encryptionKeyName: p.encryptionKeys?.keyId(region, KeyPurpose.DATABASE),
        deletionProtection: p.deletionProtection ?? true,
        // A replica is a single zone; after promotion, `gcloud sql instances patch --availability-type=REGIONAL`.
        settings: this.settings('ZONAL', { 'primary-region': db.primaryRegion }),
      });
      this.replicas.push(replica);
      if (region === o.drReplicaRegion) this.drReplicas.push(replica);
    }
  }

  /** Settings shared by primaries and replicas. `labels` add to the platform's (CKV_CONVAI_21 reads primary-region). */
  private settings(availabilityType: string, labels: { [key: string]: string } = {}): SqlDatabaseInstanceSettings {
    const o = this.o;
    const flags: Record<string, string> = { ...POSTGRES_LOGGING_FLAGS, 'cloudsql.iam_authentication': 'on' };
    if (this.maxConnections > 0) flags.max_connections = String(this.maxConnections);
    return {
      tier: o.tier,
      edition: o.edition.value,
      availabilityType,
      deletionProtectionEnabled: o.props.deletionProtection ?? true,
      diskType: 'PD_SSD',
      diskAutoresize: true,
      userLabels: { ...PlatformStack.find(this.db)?.labels, ...labels },
      ipConfiguration: {
        ipv4Enabled: false,
        privateNetwork: o.props.network,
        sslMode: 'ENCRYPTED_ONLY',
        enablePrivatePathForGoogleCloudServices: true,
      },
      insightsConfig: {
        queryInsightsEnabled: true,
        queryStringLength: 1024,
        recordApplicationTags: true,
        // Client IPs are Cloud Run egress addresses: noise, and personal data in some setups.
        recordClientAddress: false,
      },
      maintenanceWindow: { day: o.maintenanceDay, hour: o.maintenanceHour, updateTrack: 'stable' },
      databaseFlags: Object.entries(flags).map(([name, value]) => ({ name, value })),
    };
  }
}

/** Firestore (native mode) in a multi-region location, with point-in-time recovery, delete protection and CMEK. */
export class FirestoreBinding implements IDatabaseBinding {
  public readonly primaries: SqlDatabaseInstance[] = [];
  public readonly replicas: SqlDatabaseInstance[] = [];
  public readonly drReplicas: SqlDatabaseInstance[] = [];
  public readonly databases: SqlDatabase[] = [];
  public readonly readReplicaRegions: string[] = [];
  public readonly shardCount = 0;
  public readonly maxConnections = 0;
  public readonly firestore: FirestoreDatabase;

  constructor(
    private readonly db: DatabaseScope,
    o: DatabaseBindInputs,
    options: FirestoreEngineOptions,
  ) {
    const locationId = options.locationId ?? (/^europe-/.test(db.primaryRegion ?? '') ? 'eur3' : 'nam5');
    // CMEK for a Firestore multi-region uses a key in the matching KMS multi-region.
    const keyLocation = locationId === 'eur3' ? 'eu' : 'us';
    const p = o.props;
    this.firestore = new FirestoreDatabase(db, 'firestore', {
      name: options.databaseId ?? o.name,
      locationId,
      type: 'FIRESTORE_NATIVE',
      concurrencyMode: 'OPTIMISTIC',
      pointInTimeRecoveryEnablement: o.pointInTimeRecovery ? 'POINT_IN_TIME_RECOVERY_ENABLED' : 'POINT_IN_TIME_RECOVERY_DISABLED',
      deleteProtectionState: p.deletionProtection === false ? 'DELETE_PROTECTION_DISABLED' : 'DELETE_PROTECTION_ENABLED',
      deletionPolicy: p.deletionProtection === false ? 'DELETE' : 'ABANDON',
      cmekConfig: p.encryptionKeys ? { kmsKeyName: p.encryptionKeys.keyId(keyLocation, KeyPurpose.DATABASE) } : undefined,
    });
  }

  /** `roles/datastore.user` conditioned on this database. */
  public grantConnect(id: string, grantee: Grantee): ProjectIamMember[] {
    const serviceAccountEmail = serviceAccountEmailOf(grantee, `${this.db.node.path}.grantConnect("${id}")`);
    const project = this.db.projectId;
    return [
      new ProjectIamMember(this.db, `${id}-datastore-user`, {
        project,
        role: 'roles/datastore.user',
        member: `serviceAccount:${serviceAccountEmail}`,
        condition: {
          title: `${this.db.name} only`,
          expression: `resource.name == "projects/${project}/databases/${this.firestore.name}"`,
        },
      }),
    ];
  }
}
