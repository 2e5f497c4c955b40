import { CLOUD_RUN_REGIONS } from '../core/regions';
import { Rule, isToken, isKnown } from '../core/validation';
import { IEncryptionKeys } from '../core/encryption-keys';
import type { ResolvedDatabaseSettings } from './engine-inputs';

/**
 * Props after defaults are applied: what the rules (these and each engine's) judge. The resolved
 * settings plus the props they judge as given; not MultiRegionDbProps, because those name
 * DatabaseEngine, which takes these rules: extending them would make this file and
 * multi-region-db.ts import each other. MultiRegionDb builds this from its props, so TypeScript
 * checks the types still agree.
 */
export interface ResolvedDbProps extends ResolvedDatabaseSettings {
  readonly backupStartTime?: string;
  readonly network?: string;
  readonly privateServicesAccessPrefixLength?: number;
  readonly encryptionKeys?: IEncryptionKeys;
  readonly allowUnlistedRegions?: boolean;
}

/** Cloud SQL instance names allow 98 characters; ours add up to "-s15-replica-northamerica-northeast2" (36). */
const NAME = /^[a-z][a-z0-9-]{0,28}[a-z0-9]$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const MAX_SHARDS = 16;

const wholeIn = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
const primary = (p: ResolvedDbProps): string | undefined => (isToken(p.regions) ? undefined : p.regions[0]);
const unknownRegions = (p: ResolvedDbProps): string[] =>
  p.allowUnlistedRegions || isToken(p.regions) ? [] : p.regions.filter((r) => !CLOUD_RUN_REGIONS.includes(r));
const replicasInPrimary = (p: ResolvedDbProps): boolean =>
  !isToken(p.readReplicaRegions) && primary(p) !== undefined && p.readReplicaRegions.includes(primary(p)!);

export const MULTI_REGION_DB_RULES: ReadonlyArray<Rule<ResolvedDbProps>> = [
  {
    when: (p) => isKnown(p.name) && !NAME.test(p.name),
    say: (p) =>
      `name "${p.name}" is not a valid base name: use 2-30 lowercase letters, digits and "-", starting with a letter (it defaults to the construct id, lowercased)`,
  },
  {
    when: (p) => !isToken(p.regions) && p.regions.length === 0,
    say: () => 'regions is empty: give at least one region, e.g. ["us-central1"], or create the database inside a PlatformStack',
  },
  {
    when: (p) => unknownRegions(p).length > 0,
    say: (p) =>
      `regions contains unknown region(s) ${unknownRegions(p).join(', ')}: use Cloud SQL regions such as us-central1 (or set allowUnlistedRegions)`,
  },
  {
    when: (p) => p.production && !p.encryptionKeys,
    say: () =>
      'encryptionKeys is missing: production data must be encrypted with customer-managed keys; pass SecureSecrets (or any IEncryptionKeys) with DATABASE keys in every region',
  },
  {
    when: (p) => isKnown(p.shards) && !wholeIn(p.shards, 1, MAX_SHARDS),
    say: (p) => `shards is ${p.shards}: use a whole number from 1 to ${MAX_SHARDS}`,
  },
  {
    when: (p) => replicasInPrimary(p),
    say: (p) =>
      `readReplicaRegions includes the primary region ${primary(p)}: cross-region replicas protect against losing that region; high availability covers zones`,
  },
  {
    when: (p) => isKnown(p.drReplicaRegion) && !isToken(p.readReplicaRegions) && !p.readReplicaRegions.includes(p.drReplicaRegion!),
    say: (p) =>
      `drReplicaRegion ${p.drReplicaRegion} has no replica: add it to readReplicaRegions (${p.readReplicaRegions.join(', ') || 'empty'})`,
  },
  {
    when: (p) =>
      !p.transactionLogRetention.isUnresolved() &&
      !wholeIn(p.transactionLogRetention.toDays(), 1, p.edition.maxTransactionLogRetention.toDays()),
    say: (p) =>
      `transactionLogRetention is ${p.transactionLogRetention}: ${p.edition.value} keeps 1..${p.edition.maxTransactionLogRetention.toDays()} whole days`,
  },
  {
    when: (p) => isKnown(p.retainedBackups) && !wholeIn(p.retainedBackups, 1, 365),
    say: (p) => `retainedBackups is ${p.retainedBackups}: use 1..365 backups`,
  },
  {
    when: (p) => isKnown(p.backupStartTime) && !HHMM.test(p.backupStartTime!),
    say: (p) => `backupStartTime is "${p.backupStartTime}": use "HH:MM" in UTC, e.g. "02:00"`,
  },
  {
    when: (p) => isKnown(p.maintenanceDay) && !wholeIn(p.maintenanceDay, 1, 7),
    say: (p) => `maintenanceDay is ${p.maintenanceDay}: use 1 (Monday) .. 7 (Sunday)`,
  },
  {
    when: (p) => isKnown(p.maintenanceHour) && !wholeIn(p.maintenanceHour, 0, 23),
    say: (p) => `maintenanceHour is ${p.maintenanceHour}: use 0..23 (UTC)`,
  },
  {
    when: (p) => isKnown(p.privateServicesAccessPrefixLength) && !wholeIn(p.privateServicesAccessPrefixLength!, 8, 24),
    say: (p) =>
      `privateServicesAccessPrefixLength is ${p.privateServicesAccessPrefixLength}: use 8..24 (/24 is the smallest range Google accepts)`,
  },
];

/** The multi-region location a region's backups default to when there is no second region. */
export function continentMultiRegion(region: string): string | undefined {
  if (/^(us|northamerica)-/.test(region)) return 'us';
  if (/^europe-/.test(region)) return 'eu';
  if (/^asia-/.test(region)) return 'asia';
  return undefined;
}
