import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance, SqlDatabaseInstanceSettings } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Fn, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { KeyPurpose } from '../core/encryption-keys';
import { PlatformStack } from '../core/platform-stack';
import { PUBLIC_MEMBERS } from '../core/policy-catalog';
import { PolicySuppressions } from '../core/policy-suppressions';
import { validateProps } from '../core/validation';
import { DatabaseEngine, SqlEdition } from './database-engine';
import { MultiRegionDbProps } from './multi-region-db-props';
import { MULTI_REGION_DB_RULES, ResolvedDbProps, continentMultiRegion } from './multi-region-db-rules';
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

/**
 * The webhook's persistent tier (feedback, analytics, persistent cache), production-ready by
 * default where the Terraform anchors are not:
 *
 * Cloud SQL for PostgreSQL (default):
 * - per shard, a REGIONAL primary in the first region and a cross-region read replica in every
 *   other region; in production the second region's replica is the designated DR replica
 *   (Enterprise Plus replication cluster) that `gcloud sql instances switchover` promotes;
 * - private IP only (private services access on `network`), TLS required, IAM database
 *   authentication and no passwords in state, CMEK per region, deletion protection, Query
 *   Insights, a maintenance window, pgaudit and the logging flags checkov asks for;
 * - automated backups stored outside the primary region, point-in-time recovery, backups kept
 *   after the instance is deleted;
 * - `max_connections` derived from the tier; N shards with a deterministic `ShardMap`.
 *
 * Firestore (`DatabaseEngine.firestore()`): a multi-region database (multi-region writes), with
 * point-in-time recovery, delete protection and CMEK.
 */
export class MultiRegionDb extends Construct {
  /** The logging flags every PostgreSQL instance gets (the module constant `POSTGRES_LOGGING_FLAGS` holds the same, for JavaScript and TypeScript only) */
  public static readonly POSTGRES_LOGGING_FLAGS: { [flag: string]: string } = { ...POSTGRES_LOGGING_FLAGS };
  /** The engine in use. */
  public readonly engine: DatabaseEngine;
  /** Base name of the resources. */
  public readonly name: string;
  /** The primary (writer) region. */
  public readonly primaryRegion: string;
  /** Regions with a read replica of every shard. */
  public readonly readReplicaRegions: string[];
  /** The designated DR replica's region, when there is one. */
  public readonly drReplicaRegion?: string;
  /** Number of shards (1 when unsharded; 0 for Firestore). */
  public readonly shardCount: number;
  /** Escape hatch: the primary of each shard, by shard index. */
  public readonly primaries: SqlDatabaseInstance[];
  /** Escape hatch: every read replica (shard-major, then `readReplicaRegions` order). */
  public readonly replicas: SqlDatabaseInstance[];
  /** Escape hatch: the designated DR replica of each shard (empty without one). */
  public readonly drReplicas: SqlDatabaseInstance[];
  /** Escape hatch: the application database on each primary. */
  public readonly databases: SqlDatabase[];
  /** Escape hatch: the Firestore database, for the Firestore engine. */
  public readonly firestore?: FirestoreDatabase;
  /** Escape hatch: the private services access connection, when this construct made it. */
  public readonly privateServicesAccess?: ServiceNetworkingConnection;
  /** The address range reserved for private services access (when this construct created it): the database's private IPs come from it. */
  public readonly privateServicesRange?: ComputeGlobalAddress;
  /** Name of the application database. */
  public readonly databaseName: string;
  /** `max_connections` of each instance, from the tier (0 for Firestore, or when the tier is a token). */
  public readonly maxConnections: number;
  /** Whether point-in-time recovery is on. */
  public readonly pointInTimeRecovery: boolean;
  /** Days of transaction logs kept for point-in-time recovery. */
  public readonly transactionLogRetentionDays: number;
  /** Automated backups kept per primary. */
  public readonly retainedBackups: number;
  /** Where automated backups are stored (undefined for Firestore). */
  public readonly backupLocation?: string;
  /** The VPC the instances have their private IPs in (undefined for Firestore). */
  public readonly network?: string;

  private readonly projectIdValue?: string;
  private project?: DataGoogleProject;

  constructor(scope: Construct, id: string, props: MultiRegionDbProps = {}) {
    super(scope, id);
    const platform = PlatformStack.find(this);
    const production = props.production ?? platform?.production ?? false;
    const engine = props.engine ?? DatabaseEngine.postgres();
    const regions = props.regions ?? platform?.regions ?? [];
    const edition = props.edition ?? (production ? SqlEdition.ENTERPRISE_PLUS : SqlEdition.ENTERPRISE);
    const readReplicaRegions = props.readReplicaRegions ?? regions.slice(1);
    const drReplicaRegion = props.drReplicaRegion ?? (production && engine.isPostgres ? regions[1] : undefined);
    const p: ResolvedDbProps = {
      ...props,
      engine,
      name: props.name ?? id.toLowerCase(),
      production,
      regions,
      edition,
      tier: props.tier ?? edition.defaultTier,
      readReplicaRegions,
      drReplicaRegion,
      shards: props.shards ?? 1,
      pointInTimeRecovery: props.pointInTimeRecovery ?? true,
      transactionLogRetentionDays: props.transactionLogRetentionDays ?? 7,
      retainedBackups: props.retainedBackups ?? (production ? 30 : 7),
      backupLocation: props.backupLocation ?? drReplicaRegion ?? regions[1] ?? continentMultiRegion(regions[0] ?? ''),
      maintenanceDay: props.maintenanceDay ?? 7,
      maintenanceHour: props.maintenanceHour ?? 3,
    };
    validateProps(this.node.path, p, MULTI_REGION_DB_RULES);

    this.engine = engine;
    this.name = p.name;
    this.primaryRegion = regions[0];
    this.databaseName = p.databaseName ?? 'webhook';
    this.pointInTimeRecovery = p.pointInTimeRecovery;
    this.transactionLogRetentionDays = p.transactionLogRetentionDays;
    this.retainedBackups = p.retainedBackups;
    this.projectIdValue = platform?.projectId;
    this.primaries = [];
    this.replicas = [];
    this.drReplicas = [];
    this.databases = [];

    if (!engine.isPostgres) {
      this.readReplicaRegions = [];
      this.shardCount = 0;
      this.maxConnections = 0;
      this.firestore = this.firestoreDatabase(p);
      return;
    }

    this.network = p.network;
    this.readReplicaRegions = [...readReplicaRegions];
    this.drReplicaRegion = drReplicaRegion;
    this.backupLocation = p.backupLocation;
    this.shardCount = p.shards;
    // 0 when the tier is an unresolved token: Cloud SQL then applies its own default.
    this.maxConnections = maxConnectionsForTier(p.tier) ?? 0;

    if (p.createPrivateServicesAccess ?? true) {
      const range = (this.privateServicesRange = new ComputeGlobalAddress(this, 'private-services-range', {
        name: `${p.name}-psa`,
        description: 'Private services access range for the Cloud SQL instances (private IP only).',
        purpose: 'VPC_PEERING',
        addressType: 'INTERNAL',
        prefixLength: p.privateServicesAccessPrefixLength ?? 20,
        network: p.network!,
      }));
      this.privateServicesAccess = new ServiceNetworkingConnection(this, 'private-services-access', {
        network: p.network!,
        service: 'servicenetworking.googleapis.com',
        reservedPeeringRanges: [range.name],
      });
    }

    for (let shard = 0; shard < p.shards; shard++) this.shard(shard, p);

    for (const instance of [...this.primaries, ...this.replicas]) {
      PolicySuppressions.add(
        instance,
        'CKV_GCP_6',
        'TLS is required (ssl_mode ENCRYPTED_ONLY) and clients authenticate with IAM database tokens; checkov only accepts client certificates, which the runtime driver connecting by DATABASE_URL does not present.',
      );
      if (p.engine.version !== NEWEST_POSTGRES_CHECKED) {
        PolicySuppressions.add(
          instance,
          'CKV_GCP_79',
          `The database runs ${p.engine.version}, a supported major; checkov wants ${NEWEST_POSTGRES_CHECKED} the day it ships, while a major upgrade waits until the runtime's migrations are tested on it.`,
        );
      }
    }

    new TerraformOutput(this, 'connection-names', {
      value: this.primaries.map((i) => i.connectionName),
      description: 'Connection name of each shard primary, by shard index (see ShardMap).',
    });
    new TerraformOutput(this, 'primary-private-ips', {
      value: this.primaries.map((i) => i.privateIpAddress),
      description: 'Private IP of each shard primary, by shard index.',
    });
    new TerraformOutput(this, 'max-connections', {
      value: this.maxConnections,
      description: 'max_connections per instance: size the runtime pools so instances × pool size stays below it.',
    });
    if (p.tenants && p.tenants.length > 0) {
      new TerraformOutput(this, 'tenant-shard-map', {
        value: ShardMap.assign(p.tenants, p.shards),
        description: 'Shard index of each listed tenant (ShardMap.shardFor, rendezvous hashing).',
      });
    }
  }

  /**
   * Let a service account connect with IAM database authentication (no password): additive
   * `roles/cloudsql.client` and `roles/cloudsql.instanceUser`, conditioned on this construct's
   * instances (Cloud SQL has no per-instance IAM), and an IAM database user on every primary. For
   * Firestore: `roles/datastore.user` conditioned on this database.
   * @param id construct id prefix for the grants; unique within this construct
   * @param serviceAccountEmail the account's email, e.g. `webhook-run@p.iam.gserviceaccount.com`
   */
  public grantConnect(id: string, serviceAccountEmail: string): ProjectIamMember[] {
    if (PUBLIC_MEMBERS.includes(serviceAccountEmail)) {
      throw new Error(`${this.node.path}.grantConnect("${id}"): ${serviceAccountEmail} is public; grant a named service account`);
    }
    const member = `serviceAccount:${serviceAccountEmail}`;
    const project = this.projectId();
    if (this.firestore) {
      return [
        new ProjectIamMember(this, `${id}-datastore-user`, {
          project,
          role: 'roles/datastore.user',
          member,
          condition: {
            title: `${this.name} only`,
            expression: `resource.name == "projects/${project}/databases/${this.firestore.name}"`,
          },
        }),
      ];
    }
    const condition = {
      title: `${this.name} instances only`,
      expression: `resource.name.startsWith("projects/${project}/instances/${this.name}-s")`,
    };
    const grants = ['roles/cloudsql.client', 'roles/cloudsql.instanceUser'].map(
      (role) => new ProjectIamMember(this, `${id}-${role.split('.')[1]}`, { project, role, member, condition }),
    );
    this.primaries.forEach(
      (instance, shard) =>
        new SqlUser(this, `${id}-db-user-s${shard}`, {
          instance: instance.name,
          // Cloud SQL names IAM service account users by the email without ".gserviceaccount.com".
          name: Fn.trimsuffix(serviceAccountEmail, '.gserviceaccount.com'),
          type: 'CLOUD_IAM_SERVICE_ACCOUNT',
        }),
    );
    return grants;
  }

  /**
   * `DATABASE_URL` for the runtime (with `PG_IAM_AUTH=true` and `databaseTlsEnv`): the IAM user of
   * `serviceAccountEmail` at a shard primary's private IP, TLS verified (verify-full). No password:
   * the runtime sends an IAM token.
   * @param serviceAccountEmail the account granted with `grantConnect`
   * @param shard shard index (see ShardMap); default 0
   */
  public databaseUrl(serviceAccountEmail: string, shard?: number): string {
    const instance = this.primaries[shard ?? 0];
    if (!instance) throw new Error(`${this.node.path}.databaseUrl: no shard ${shard} (there are ${this.primaries.length})`);
    const user = Fn.replace(Fn.trimsuffix(serviceAccountEmail, '.gserviceaccount.com'), '@', '%40');
    return `postgres://${user}@${instance.privateIpAddress}:5432/${this.databaseName}?sslmode=verify-full`;
  }

  /**
   * What the runtime verifies the server with (verified TLS, not just encryption): `DATABASE_TLS_CA`,
   * the server CAs of the shard's primary and its replicas (each Cloud SQL instance has its own CA,
   * and a promoted replica keeps its own), and `DATABASE_TLS_SERVER_NAME`, their `<project>:<instance>`
   * names, which Cloud SQL's server certificates carry as their CN. Public certificates, no secret.
   * @param shard shard index (see ShardMap); default 0
   */
  public databaseTlsEnv(shard?: number): { [name: string]: string } {
    const index = shard ?? 0;
    const primary = this.primaries[index];
    if (!primary) throw new Error(`${this.node.path}.databaseTlsEnv: no shard ${shard} (there are ${this.primaries.length})`);
    const replicas = this.replicas.slice(index * this.readReplicaRegions.length, (index + 1) * this.readReplicaRegions.length);
    const instances = [primary, ...replicas];
    return {
      DATABASE_TLS_CA: Fn.join(
        '\n',
        instances.map((i) => i.serverCaCert.get(0).cert),
      ),
      DATABASE_TLS_SERVER_NAME: instances.map((i) => `${this.projectId()}:${i.nameInput ?? i.name}`).join(','),
    };
  }

  private shard(shard: number, p: ResolvedDbProps): void {
    const primaryName = `${p.name}-s${shard}`;
    const replicaName = (region: string): string => `${primaryName}-${region}`;
    const primary = new SqlDatabaseInstance(this, `shard${shard}-primary`, {
      name: primaryName,
      region: this.primaryRegion,
      databaseVersion: p.engine.version!,
      encryptionKeyName: p.encryptionKeys?.keyId(this.primaryRegion, KeyPurpose.DATABASE),
      deletionProtection: p.deletionProtection ?? true,
      // Enterprise Plus replication cluster: the replica a switchover promotes. A literal name, as
      // referencing the replica (which references this primary) would be a cycle.
      replicationCluster: p.drReplicaRegion
        ? { failoverDrReplicaName: `${this.projectId()}:${replicaName(p.drReplicaRegion)}` }
        : undefined,
      settings: {
        ...this.settings(p, (p.highAvailability ?? true) ? 'REGIONAL' : 'ZONAL'),
        backupConfiguration: {
          enabled: true,
          startTime: p.backupStartTime ?? '02:00',
          location: p.backupLocation,
          pointInTimeRecoveryEnabled: p.pointInTimeRecovery,
          transactionLogRetentionDays: p.transactionLogRetentionDays,
          backupRetentionSettings: { retainedBackups: p.retainedBackups, retentionUnit: 'COUNT' },
        },
        // The final safety net: automated backups outlive an instance deleted by mistake.
        retainBackupsOnDelete: true,
      },
      dependsOn: this.privateServicesAccess ? [this.privateServicesAccess] : undefined,
    });
    this.primaries.push(primary);
    this.databases.push(new SqlDatabase(this, `shard${shard}-database`, { name: this.databaseName, instance: primary.name }));

    for (const region of p.readReplicaRegions) {
      const replica = new SqlDatabaseInstance(this, `shard${shard}-replica-${region}`, {
        name: replicaName(region),
        region,
        databaseVersion: p.engine.version!,
        masterInstanceName: primary.name,
        encryptionKeyName: p.encryptionKeys?.keyId(region, KeyPurpose.DATABASE),
        deletionProtection: p.deletionProtection ?? true,
        // A replica is a single zone; after promotion, `gcloud sql instances patch --availability-type=REGIONAL`.
        settings: this.settings(p, 'ZONAL', { 'primary-region': this.primaryRegion }),
      });
      this.replicas.push(replica);
      if (region === p.drReplicaRegion) this.drReplicas.push(replica);
    }
  }

  /** Settings shared by primaries and replicas. `labels` add to the platform's (CKV_CONVAI_21 reads primary-region). */
  private settings(p: ResolvedDbProps, availabilityType: string, labels: { [key: string]: string } = {}): SqlDatabaseInstanceSettings {
    const flags: Record<string, string> = { ...POSTGRES_LOGGING_FLAGS, 'cloudsql.iam_authentication': 'on' };
    if (this.maxConnections > 0) flags.max_connections = String(this.maxConnections);
    return {
      tier: p.tier,
      edition: p.edition.value,
      availabilityType,
      deletionProtectionEnabled: p.deletionProtection ?? true,
      diskType: 'PD_SSD',
      diskAutoresize: true,
      userLabels: { ...PlatformStack.find(this)?.labels, ...labels },
      ipConfiguration: {
        ipv4Enabled: false,
        privateNetwork: p.network,
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
      maintenanceWindow: { day: p.maintenanceDay, hour: p.maintenanceHour, updateTrack: 'stable' },
      databaseFlags: Object.entries(flags).map(([name, value]) => ({ name, value })),
    };
  }

  private firestoreDatabase(p: ResolvedDbProps): FirestoreDatabase {
    const locationId = p.engine.firestoreOptions?.locationId ?? (/^europe-/.test(this.primaryRegion ?? '') ? 'eur3' : 'nam5');
    // CMEK for a Firestore multi-region uses a key in the matching KMS multi-region.
    const keyLocation = locationId === 'eur3' ? 'eu' : 'us';
    return new FirestoreDatabase(this, 'firestore', {
      name: p.engine.firestoreOptions?.databaseId ?? p.name,
      locationId,
      type: 'FIRESTORE_NATIVE',
      concurrencyMode: 'OPTIMISTIC',
      pointInTimeRecoveryEnablement: p.pointInTimeRecovery ? 'POINT_IN_TIME_RECOVERY_ENABLED' : 'POINT_IN_TIME_RECOVERY_DISABLED',
      deleteProtectionState: p.deletionProtection === false ? 'DELETE_PROTECTION_DISABLED' : 'DELETE_PROTECTION_ENABLED',
      deletionPolicy: p.deletionProtection === false ? 'DELETE' : 'ABANDON',
      cmekConfig: p.encryptionKeys ? { kmsKeyName: p.encryptionKeys.keyId(keyLocation, KeyPurpose.DATABASE) } : undefined,
    });
  }

  private projectId(): string {
    if (this.projectIdValue) return this.projectIdValue;
    this.project ??= new DataGoogleProject(this, 'project');
    return this.project.projectId;
  }
}
