import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { Grantee } from '../core/grantee';

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
