import { pageChannelsRule } from '../core/alert-routing';
import { Duration } from '../core/duration';
import { Rule, isKnown, isToken } from '../core/validation';
import { DrBackupProps } from './dr-backup-props';
import { RecoveryCapabilities, recoveryProblems } from './recovery-plan';
import { RESTORE_DRILL_INTERVALS } from './restore-drill';

export interface ResolvedDrBackupProps extends DrBackupProps {
  readonly name: string;
  readonly production: boolean;
  readonly bucketLocation?: string;
  readonly bucketKeyLocation?: string;
  readonly retention: Duration;
  readonly softDeleteRetention: Duration;
  readonly deleteAfter: Duration;
  readonly vaultMinimumRetention: Duration;
  readonly capabilities: RecoveryCapabilities;
  readonly restoreDrill: boolean;
  readonly restoreDrillInterval: Duration;
  readonly failoverWorkflow: boolean;
}

const NAME = /^[a-z][a-z0-9-]{0,20}[a-z0-9]$/;
/** 3..58 characters: the access-log bucket appends "-logs" and bucket names stop at 63. */
const BUCKET = /^[a-z0-9][a-z0-9_-]{1,56}[a-z0-9]$/;
const wholeIn = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
/** A duration that is set and resolved: the only kind a rule judges. */
const known = (d: Duration | undefined): d is Duration => d !== undefined && !d.isUnresolved();
const objectiveProblems = (p: ResolvedDrBackupProps): string[] => (p.rpo && p.rto ? recoveryProblems(p.rpo, p.rto, p.capabilities) : []);

export const DR_BACKUP_RULES: ReadonlyArray<Rule<ResolvedDrBackupProps>> = [
  {
    when: (p) => !p.rpo || !p.rto,
    say: () => 'rpo and rto are required: give both, e.g. rpo: Duration.minutes(15), rto: Duration.hours(1)',
  },
  // One message per objective the database cannot meet.
  ...[0, 1, 2, 3].map((i): Rule<ResolvedDrBackupProps> => ({
    when: (p) => objectiveProblems(p).length > i,
    say: (p) => objectiveProblems(p)[i],
  })),
  {
    when: (p) => isKnown(p.name) && !NAME.test(p.name),
    say: (p) =>
      `name "${p.name}" is not a valid base name: use 2-22 lowercase letters, digits and "-", starting with a letter (it defaults to the construct id, lowercased)`,
  },
  {
    when: (p) => isKnown(p.bucketName) && !BUCKET.test(p.bucketName!),
    say: (p) =>
      `bucketName "${p.bucketName}" is not a bucket name: use 3-58 lowercase letters, digits, "-" and "_" (the access-log bucket adds "-logs")`,
  },
  {
    when: (p) => !p.bucketLocation || !p.bucketKeyLocation,
    say: () =>
      'bucketLocation (and bucketKeyLocation) cannot be derived from the primary region: give a dual-region such as "NAM4" and the KMS multi-region that contains it, e.g. "us"',
  },
  {
    when: (p) => p.production && !p.encryptionKeys,
    say: () =>
      'encryptionKeys is missing: production backups must be encrypted with customer-managed keys; pass SecureSecrets (or any IEncryptionKeys) with a STORAGE key in the bucket key location',
  },
  {
    when: (p) => known(p.retention) && !wholeIn(p.retention.toDays(), 1, 3650),
    say: (p) => `retention is ${p.retention}: use 1..3650 whole days, e.g. Duration.days(30)`,
  },
  {
    when: (p) => known(p.softDeleteRetention) && !wholeIn(p.softDeleteRetention.toDays(), 7, 90),
    say: (p) => `softDeleteRetention is ${p.softDeleteRetention}: Cloud Storage keeps soft-deleted objects 7..90 whole days`,
  },
  {
    when: (p) =>
      known(p.deleteAfter) &&
      known(p.retention) &&
      !(Number.isInteger(p.deleteAfter.toDays()) && p.deleteAfter.toDays() >= Math.max(p.retention.toDays(), 91)),
    say: (p) =>
      `deleteAfter is ${p.deleteAfter}: use whole days, at least ${Math.max(p.retention.toDays(), 91)} d (the retention period, and past the Coldline move at 90 days)`,
  },
  pageChannelsRule('stale backups'),
  {
    when: (p) => p.restoreDrill && !p.capabilities.postgres,
    say: () =>
      'restoreDrill is for Cloud SQL: Firestore restores from its managed backups (firestore databases restore); set restoreDrill to false',
  },
  {
    when: (p) => p.restoreDrill && p.capabilities.postgres && !p.encryptionKeys,
    say: () =>
      'restoreDrill needs encryptionKeys: the scratch instance holds a copy of the data and is encrypted like the primary (a DATABASE key in the primary region); pass SecureSecrets, or set restoreDrill to false',
  },
  {
    when: (p) =>
      known(p.restoreDrillInterval) && !(RESTORE_DRILL_INTERVALS as readonly number[]).includes(p.restoreDrillInterval.toHours()),
    say: (p) =>
      `restoreDrillInterval is ${p.restoreDrillInterval}: use ${RESTORE_DRILL_INTERVALS.map((h) => `${h} h`).join(', ')} (the overdue alert waits the interval + 4 h, and Monitoring cannot wait more than 23.5 h)`,
  },
  {
    when: (p) =>
      isKnown(p.restoreDrillTier) && !/^db-(custom-\d+-\d+|f1-micro|g1-small|n1-(standard|highmem)-\d+)$/.test(p.restoreDrillTier!),
    say: (p) =>
      `restoreDrillTier "${p.restoreDrillTier}" is not a Cloud SQL Enterprise tier: use e.g. "db-custom-1-3840" (1 vCPU, 3.75 GB)`,
  },
  {
    when: (p) => p.failoverWorkflow && !p.capabilities.drReplicaRegion,
    say: () =>
      'failoverWorkflow needs a designated DR replica to promote: set drReplicaRegion on MultiRegionDb (production does by default), or set failoverWorkflow to false',
  },
  {
    when: (p) =>
      p.failoverWorkflow && !isToken(p.failoverServices) && (p.failoverServices ?? []).length > 0 && !p.runtimeServiceAccountEmail,
    say: () =>
      'failoverServices needs runtimeServiceAccountEmail: repointing deploys a new revision that runs as it (e.g. webhook.serviceAccount.email)',
  },
  {
    when: (p) => known(p.vaultMinimumRetention) && !wholeIn(p.vaultMinimumRetention.toDays(), 1, 36159),
    say: (p) => `vaultMinimumRetention is ${p.vaultMinimumRetention}: use 1..36159 whole days`,
  },
];
