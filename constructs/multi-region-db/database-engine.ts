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

/**
 * Which engine MultiRegionDb runs. Enum-like class (jsii has no unions).
 *
 * - `postgres()`: Cloud SQL for PostgreSQL, one writer region with cross-region replicas and a
 *   promotable DR replica; shards for growth beyond one primary.
 * - `firestore()`: Firestore in a multi-region location, for teams that need multi-region writes
 *   (no failover to run: every region in the location takes writes).
 */
export class DatabaseEngine {
  /** The Postgres major the library defaults to: the newest GA major in Cloud SQL. */
  public static readonly DEFAULT_POSTGRES_VERSION = 'POSTGRES_17';

  /**
   * Cloud SQL for PostgreSQL.
   * @param version Cloud SQL database version, e.g. "POSTGRES_17"; default DEFAULT_POSTGRES_VERSION
   */
  public static postgres(version?: string): DatabaseEngine {
    return new DatabaseEngine('POSTGRES', version ?? DatabaseEngine.DEFAULT_POSTGRES_VERSION);
  }

  /** Firestore (native mode) in a multi-region location. */
  public static firestore(options: FirestoreEngineOptions = {}): DatabaseEngine {
    return new DatabaseEngine('FIRESTORE', undefined, options);
  }

  private constructor(
    /** "POSTGRES" or "FIRESTORE". */
    public readonly kind: string,
    /** Cloud SQL database version, for POSTGRES. */
    public readonly version?: string,
    /** Firestore options, for FIRESTORE. */
    public readonly firestoreOptions?: FirestoreEngineOptions,
  ) {}

  /** True for Cloud SQL for PostgreSQL. */
  public get isPostgres(): boolean {
    return this.kind === 'POSTGRES';
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
  public static readonly ENTERPRISE = new SqlEdition('ENTERPRISE', 7, 'db-custom-2-7680');
  public static readonly ENTERPRISE_PLUS = new SqlEdition('ENTERPRISE_PLUS', 35, 'db-perf-optimized-N-2');

  private constructor(
    /** The API value of `settings.edition`. */
    public readonly value: string,
    /** The longest point-in-time-recovery log retention the edition allows, in days. */
    public readonly maxTransactionLogRetentionDays: number,
    /** The tier used when none is given. */
    public readonly defaultTier: string,
  ) {}
}
