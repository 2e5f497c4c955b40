// What an engine's binding reads of its MultiRegionDb. These views are declared here, not taken from
// MultiRegionDb / DatabaseEngineBindOptions / MultiRegionDbProps, because those name DatabaseEngine,
// which constructs the bindings that read them: importing them would make the bindings and
// multi-region-db.ts import each other. DatabaseEngine passes the real objects on, so TypeScript
// checks they still satisfy these views and a renamed or retyped member fails to compile.
import { Construct } from 'constructs';
import { Duration } from '../core/duration';
import { IEncryptionKeys } from '../core/encryption-keys';
import type { SqlEdition } from './sql-edition';

/** The MultiRegionDb a binding deploys into: the construct scope and what it already resolved. */
export interface DatabaseScope extends Construct {
  readonly name: string;
  readonly primaryRegion: string;
  readonly databaseName: string;
  readonly projectId: string;
}

/** The MultiRegionDbProps fields the bindings deploy as given. */
export interface DatabasePropsView {
  readonly network?: string;
  readonly createPrivateServicesAccess?: boolean;
  readonly privateServicesAccessPrefixLength?: number;
  readonly encryptionKeys?: IEncryptionKeys;
  readonly highAvailability?: boolean;
  readonly tenants?: string[];
  readonly backupStartTime?: string;
  readonly deletionProtection?: boolean;
}

/**
 * The settings MultiRegionDb resolves from its props (defaults applied): what the bindings deploy
 * and, with a few props as given, what the rules judge (ResolvedDbProps, multi-region-db-rules.ts).
 */
export interface ResolvedDatabaseSettings {
  readonly name: string;
  readonly production: boolean;
  readonly regions: string[];
  readonly edition: SqlEdition;
  readonly tier: string;
  readonly readReplicaRegions: string[];
  readonly drReplicaRegion?: string;
  readonly shards: number;
  readonly pointInTimeRecovery: boolean;
  readonly transactionLogRetention: Duration;
  readonly retainedBackups: number;
  /** Undefined when no default could be derived (a rule then asks for it). */
  readonly backupLocation?: string;
  readonly maintenanceDay: number;
  readonly maintenanceHour: number;
}

/** DatabaseEngineBindOptions as the bindings read it. */
export interface DatabaseBindInputs extends ResolvedDatabaseSettings {
  readonly props: DatabasePropsView;
}
