import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { Duration } from '../core/duration';
import { Grantee } from '../core/grantee';
import { PlatformStack } from '../core/platform-stack';
import { validateProps } from '../core/validation';
import { DatabaseEngine, IDatabaseBinding, SqlEdition } from './database-engine';
import { MultiRegionDbProps } from './multi-region-db-props';
import { MULTI_REGION_DB_RULES, ResolvedDbProps, continentMultiRegion } from './multi-region-db-rules';

export { POSTGRES_LOGGING_FLAGS } from './engine-bindings';

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
 *
 * The engine deploys itself (`DatabaseEngine.bind`): this construct never branches on which it is.
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
  /** Transaction logs kept for point-in-time recovery. */
  public readonly transactionLogRetention: Duration;
  /** Automated backups kept per primary. */
  public readonly retainedBackups: number;
  /** Where automated backups are stored (undefined for Firestore). */
  public readonly backupLocation?: string;
  /** The VPC the instances have their private IPs in (undefined for Firestore). */
  public readonly network?: string;

  /** What the engine deployed, and the behaviour that differs by engine. */
  public readonly binding: IDatabaseBinding;

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
    const drReplicaRegion = props.drReplicaRegion ?? engine._defaultDrReplicaRegion(production, regions);
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
      transactionLogRetention: props.transactionLogRetention ?? Duration.days(7),
      retainedBackups: props.retainedBackups ?? (production ? 30 : 7),
      backupLocation: props.backupLocation ?? drReplicaRegion ?? regions[1] ?? continentMultiRegion(regions[0] ?? ''),
      maintenanceDay: props.maintenanceDay ?? 7,
      maintenanceHour: props.maintenanceHour ?? 3,
    };
    validateProps(this.node.path, p, [...MULTI_REGION_DB_RULES, ...engine._rules()]);

    this.engine = engine;
    this.name = p.name;
    this.primaryRegion = regions[0];
    this.databaseName = p.databaseName ?? 'webhook';
    this.pointInTimeRecovery = p.pointInTimeRecovery;
    this.transactionLogRetention = p.transactionLogRetention;
    this.retainedBackups = p.retainedBackups;
    this.projectIdValue = platform?.projectId;

    this.binding = engine.bind(this, {
      props,
      name: p.name,
      production,
      regions,
      edition,
      tier: p.tier,
      readReplicaRegions,
      drReplicaRegion,
      shards: p.shards,
      pointInTimeRecovery: p.pointInTimeRecovery,
      transactionLogRetention: p.transactionLogRetention,
      retainedBackups: p.retainedBackups,
      backupLocation: p.backupLocation,
      maintenanceDay: p.maintenanceDay,
      maintenanceHour: p.maintenanceHour,
    });
    this.primaries = this.binding.primaries;
    this.replicas = this.binding.replicas;
    this.drReplicas = this.binding.drReplicas;
    this.databases = this.binding.databases;
    this.firestore = this.binding.firestore;
    this.privateServicesAccess = this.binding.privateServicesAccess;
    this.privateServicesRange = this.binding.privateServicesRange;
    this.readReplicaRegions = this.binding.readReplicaRegions;
    this.drReplicaRegion = this.binding.drReplicaRegion;
    this.shardCount = this.binding.shardCount;
    this.maxConnections = this.binding.maxConnections;
    this.backupLocation = this.binding.backupLocation;
    this.network = this.binding.network;
  }

  /**
   * Let a service account use the database, without a password: Cloud SQL, additive
   * `roles/cloudsql.client` and `roles/cloudsql.instanceUser` conditioned on this construct's
   * instances (Cloud SQL has no per-instance IAM) and an IAM database user on every primary;
   * Firestore, `roles/datastore.user` conditioned on this database.
   * @param id construct id prefix for the grants; unique within this construct
   * @param grantee a service account, e.g. `Grantee.fromServiceAccount(webhook.serviceAccount)`
   */
  public grantConnect(id: string, grantee: Grantee): ProjectIamMember[] {
    return this.binding.grantConnect(id, grantee);
  }

  /**
   * `<project>:<instance>` of each shard primary, by shard index: Cloud Monitoring's `database_id`
   * (what SloAlerting forecasts disk and connections on). Empty for Firestore.
   */
  public get cloudSqlDatabaseIds(): string[] {
    return this.primaries.map((i) => `${this.projectId}:${i.nameInput ?? i.name}`);
  }

  /** The project the database lives in: the PlatformStack's, else read with a google_project data source. */
  public get projectId(): string {
    if (this.projectIdValue) return this.projectIdValue;
    this.project ??= new DataGoogleProject(this, 'project');
    return this.project.projectId;
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
      DATABASE_TLS_SERVER_NAME: instances.map((i) => `${this.projectId}:${i.nameInput ?? i.name}`).join(','),
    };
  }
}
