import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { Duration } from '../core/duration';
import { Grantee } from '../core/grantee';
import { Rule } from '../core/validation';
import { CloudSqlBinding, FirestoreBinding, cloudSqlRules, firestoreRules } from './engine-bindings';
import type { MultiRegionDb } from './multi-region-db';
import type { MultiRegionDbProps } from './multi-region-db-props';
import type { ResolvedDbProps } from './multi-region-db-rules';

/** Options for the Firestore engine. */
export interface FirestoreEngineOptions {
  /**
   * Firestore multi-region location: "nam5" (United States) or "eur3" (Europe). Writes are
   * synchronously replicated across the regions of the location.
   * @default - "eur3" when the primary region is in Europe, else "nam5"
   */
  readonly locationId?: string;
  /** Database id. @default - the MultiRegionDb base name */
  readonly databaseId?: string;
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

/** What an engine deployed for one MultiRegionDb, and the behaviour that differs by engine. */
export interface IDatabaseBinding {
  /** The primary of each shard, by shard index (empty for Firestore). */
  readonly primaries: SqlDatabaseInstance[];
  /** Every read replica, shard-major (empty for Firestore). */
  readonly replicas: SqlDatabaseInstance[];
  /** The designated DR replica of each shard (empty without one). */
  readonly drReplicas: SqlDatabaseInstance[];
  /** The application database on each primary (empty for Firestore). */
  readonly databases: SqlDatabase[];
  /** The Firestore database, for Firestore. */
  readonly firestore?: FirestoreDatabase;
  /** The private services access connection, when one was made. */
  readonly privateServicesAccess?: ServiceNetworkingConnection;
  /** The private services access range, when one was made. */
  readonly privateServicesRange?: ComputeGlobalAddress;
  /** Regions with a read replica of every shard. */
  readonly readReplicaRegions: string[];
  /** The designated DR replica's region, when there is one. */
  readonly drReplicaRegion?: string;
  /** Number of shards (0 for Firestore). */
  readonly shardCount: number;
  /** `max_connections` of each instance (0 when unknown or for Firestore). */
  readonly maxConnections: number;
  /** Where automated backups are stored (undefined for Firestore). */
  readonly backupLocation?: string;
  /** The VPC the instances have their private IPs in (undefined for Firestore). */
  readonly network?: string;
  /**
   * Let a service account use the database.
   * @param id construct id prefix for the grants; unique within the database
   */
  grantConnect(id: string, grantee: Grantee): ProjectIamMember[];
}

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

/**
 * Cloud SQL edition. Enum-like class.
 *
 * ENTERPRISE_PLUS is what makes a promotable cross-region DR replica a first-class setting
 * (replication cluster, switchover without re-creating the old primary), 35 days of transaction
 * logs, and near-zero-downtime maintenance; the library picks it in production.
 */
export class SqlEdition {
  public static readonly ENTERPRISE = new SqlEdition('ENTERPRISE', Duration.days(7), 'db-custom-2-7680');
  public static readonly ENTERPRISE_PLUS = new SqlEdition('ENTERPRISE_PLUS', Duration.days(35), 'db-perf-optimized-N-2');

  private constructor(
    /** The API value of `settings.edition`. */
    public readonly value: string,
    /** The longest point-in-time-recovery log retention the edition allows. */
    public readonly maxTransactionLogRetention: Duration,
    /** The tier used when none is given. */
    public readonly defaultTier: string,
  ) {}
}
