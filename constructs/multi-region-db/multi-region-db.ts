import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { Annotations, Fn } from 'cdktf';
import { Construct } from 'constructs';
import { Duration } from '../core/duration';
import { IEncryptionKeys } from '../core/encryption-keys';
import { Grantee } from '../core/grantee';
import { PlatformStack } from '../core/platform-stack';
import { Rule, validateProps } from '../core/validation';
import type { IDatabaseBinding } from './database-binding';
import { CloudSqlBinding, FirestoreBinding, POSTGRES_LOGGING_FLAGS, cloudSqlRules, firestoreRules } from './engine-bindings';
import type { FirestoreEngineOptions } from './firestore-engine-options';
import { MAX_SHARDS, MULTI_REGION_DB_RULES, ResolvedDbProps, continentMultiRegion } from './multi-region-db-rules';
import { SqlEdition } from './sql-edition';

// MultiRegionDb names its DatabaseEngine, DatabaseEngine.bind takes the MultiRegionDb and the
// DatabaseEngineBindOptions, and those carry the MultiRegionDbProps, which name the engine: the
// four refer to each other in the public API, so they share this file (split, the files imported
// each other). What an engine delegates to (the bindings, the rules, the engine options, what a
// binding exposes, SqlEdition) lives in files that import none of the four.
export { POSTGRES_LOGGING_FLAGS } from './engine-bindings';
export { IDatabaseBinding } from './database-binding';
export { FirestoreEngineOptions } from './firestore-engine-options';
export { SqlEdition } from './sql-edition';

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

/** What a MultiRegionDb resolved from its props, for the engine it is bound to. */
export interface DatabaseEngineBindOptions {
  /** The database's props as given. */
  readonly props: MultiRegionDbProps;
  /** Base name of the GCP resources. */
  readonly name: string;
  /** Production defaults and rules. */
  readonly production: boolean;
  /** Regions, primary first. */
  readonly regions: string[];
  /** Cloud SQL edition. */
  readonly edition: SqlEdition;
  /** Machine tier. */
  readonly tier: string;
  /** Regions of cross-region read replicas. */
  readonly readReplicaRegions: string[];
  /** The designated DR replica's region. @default - none */
  readonly drReplicaRegion?: string;
  /** Number of shards. */
  readonly shards: number;
  /** Point-in-time recovery. */
  readonly pointInTimeRecovery: boolean;
  /** Transaction logs kept for point-in-time recovery. */
  readonly transactionLogRetention: Duration;
  /** Automated backups kept. */
  readonly retainedBackups: number;
  /** Where automated backups are stored. @default - none could be derived */
  readonly backupLocation?: string;
  /** Maintenance day, 1..7. */
  readonly maintenanceDay: number;
  /** Maintenance hour, 0..23 UTC. */
  readonly maintenanceHour: number;
}

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
  /** The most shards a MultiRegionDb takes (`shards`), and the most the runtime routes over. */
  public static readonly MAX_SHARDS: number = MAX_SHARDS;
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
    this.databaseName = props.databaseName ?? 'webhook';
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

  /**
   * The whole database env a runtime (the webhook or the incident responder) needs to reach every
   * shard, as the IAM user of `serviceAccountEmail`.
   *
   * - `DATABASE_URL`: shard 0's `databaseUrl` (the incident store and runtime flags live there);
   * - `DATABASE_SHARD_URLS`: only with more than one shard, a JSON array of every shard's
   *   `databaseUrl` in shard order (rendered by Terraform's `jsonencode`: the URLs hold tokens); the
   *   runtime routes each session to `shardFor(session, count)`;
   * - `PG_IAM_AUTH=true`: the runtime sends an IAM token, no password;
   * - `DATABASE_TLS_CA` and `DATABASE_TLS_SERVER_NAME`: `databaseTlsEnv` over every shard's primary
   *   and replicas (the runtime verifies every connection against one CA bundle and one list of
   *   accepted names, so the union verifies each shard; a name stays bound to its own instance's CA).
   *
   * With one shard this is exactly `databaseUrl`, `PG_IAM_AUTH` and `databaseTlsEnv()`. Only for
   * Cloud SQL (Firestore has no Postgres URL).
   * @param serviceAccountEmail the account granted with `grantConnect` (a token is fine, e.g. a Lazy one)
   */
  public runtimeDatabaseEnv(serviceAccountEmail: string): { [name: string]: string } {
    if (this.primaries.length === 0) {
      throw new Error(`${this.node.path}.runtimeDatabaseEnv: the engine has no Postgres shard to connect to (Firestore)`);
    }
    // Shard-major: each primary, then its replicas (the order databaseTlsEnv(shard) lists them in).
    const perShard = this.readReplicaRegions.length;
    const instances = this.primaries.flatMap((primary, shard) => [
      primary,
      ...this.replicas.slice(shard * perShard, (shard + 1) * perShard),
    ]);
    // Each Cloud SQL instance has its own server CA (about 1.4 KB of PEM); Cloud Run refuses a value over 32 KiB.
    if (instances.length > MAX_TLS_CA_INSTANCES) {
      Annotations.of(this).addWarning(
        `runtimeDatabaseEnv: DATABASE_TLS_CA holds the server CAs of ${instances.length} instances (about 1.4 KB each), more than Cloud Run accepts in one variable (32 KiB): use fewer shards or read replica regions`,
      );
    }
    return {
      DATABASE_URL: this.databaseUrl(serviceAccountEmail, 0),
      ...(this.primaries.length > 1 && {
        DATABASE_SHARD_URLS: Fn.jsonencode(this.primaries.map((_, shard) => this.databaseUrl(serviceAccountEmail, shard))),
      }),
      PG_IAM_AUTH: 'true',
      DATABASE_TLS_CA: Fn.join(
        '\n',
        instances.map((i) => i.serverCaCert.get(0).cert),
      ),
      DATABASE_TLS_SERVER_NAME: instances.map((i) => `${this.projectId}:${i.nameInput ?? i.name}`).join(','),
    };
  }
}

/** Instances whose server CAs fit in one Cloud Run variable (32 KiB) with room to spare, at ~1.4 KB of PEM each. */
const MAX_TLS_CA_INSTANCES = 20;

/**
 * Which engine MultiRegionDb runs. Enum-like class (jsii has no unions); each engine deploys
 * itself (`bind`), so MultiRegionDb never branches on which one it is.
 *
 * - `postgres()`: Cloud SQL for PostgreSQL, one writer region with cross-region replicas and a
 *   promotable DR replica; shards for growth beyond one primary.
 * - `firestore()`: Firestore in a multi-region location, for teams that need multi-region writes
 *   (no failover to run: every region in the location takes writes).
 */
export abstract class DatabaseEngine {
  /** The Postgres major the library defaults to: the newest GA major in Cloud SQL. */
  public static readonly DEFAULT_POSTGRES_VERSION = 'POSTGRES_17';

  /**
   * Cloud SQL for PostgreSQL.
   * @param version Cloud SQL database version, e.g. "POSTGRES_17"; default DEFAULT_POSTGRES_VERSION
   */
  public static postgres(version?: string): DatabaseEngine {
    return new PostgresEngine(version ?? DatabaseEngine.DEFAULT_POSTGRES_VERSION);
  }

  /** Firestore (native mode) in a multi-region location. */
  public static firestore(options: FirestoreEngineOptions = {}): DatabaseEngine {
    return new FirestoreEngine(options);
  }

  /** Cloud SQL database version, for `postgres()`. @default - none (Firestore) */
  public readonly version?: string;

  protected constructor(version?: string) {
    this.version = version;
  }

  /** Deploy the database with this engine, inside `scope` (the MultiRegionDb). */
  public abstract bind(scope: MultiRegionDb, options: DatabaseEngineBindOptions): IDatabaseBinding;

  /**
   * The DR replica region when none is given.
   * @internal
   */
  public _defaultDrReplicaRegion(_production: boolean, _regions: string[]): string | undefined {
    return undefined;
  }

  /**
   * The rules this engine adds to MultiRegionDb's.
   * @internal
   */
  public abstract _rules(): ReadonlyArray<Rule<ResolvedDbProps>>;
}

class PostgresEngine extends DatabaseEngine {
  constructor(version: string) {
    super(version);
  }

  public bind(scope: MultiRegionDb, options: DatabaseEngineBindOptions): IDatabaseBinding {
    return new CloudSqlBinding(scope, options, this.version!);
  }

  public _defaultDrReplicaRegion(production: boolean, regions: string[]): string | undefined {
    return production ? regions[1] : undefined;
  }

  public _rules(): ReadonlyArray<Rule<ResolvedDbProps>> {
    return cloudSqlRules(this.version!);
  }
}

class FirestoreEngine extends DatabaseEngine {
  constructor(private readonly options: FirestoreEngineOptions) {
    super();
  }

  public bind(scope: MultiRegionDb, options: DatabaseEngineBindOptions): IDatabaseBinding {
    return new FirestoreBinding(scope, options, this.options);
  }

  public _rules(): ReadonlyArray<Rule<ResolvedDbProps>> {
    return firestoreRules(this.options);
  }
}
