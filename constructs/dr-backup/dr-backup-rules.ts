import { pageChannelsRule } from '../core/alert-routing';
import { Rule, isKnown } from '../core/validation';
import { DrBackupProps } from './dr-backup-props';
import { RecoveryCapabilities, recoveryProblems } from './recovery-plan';

export interface ResolvedDrBackupProps extends DrBackupProps {
  readonly name: string;
  readonly production: boolean;
  readonly bucketLocation?: string;
  readonly bucketKeyLocation?: string;
  readonly retentionDays: number;
  readonly softDeleteDays: number;
  readonly deleteAfterDays: number;
  readonly vaultMinimumRetentionDays: number;
  readonly capabilities: RecoveryCapabilities;
}

const NAME = /^[a-z][a-z0-9-]{0,20}[a-z0-9]$/;
/** 3..58 characters: the access-log bucket appends "-logs" and bucket names stop at 63. */
const BUCKET = /^[a-z0-9][a-z0-9_-]{1,56}[a-z0-9]$/;
const wholeIn = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
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
    when: (p) => isKnown(p.retentionDays) && !wholeIn(p.retentionDays, 1, 3650),
    say: (p) => `retentionDays is ${p.retentionDays}: use 1..3650 days`,
  },
  {
    when: (p) => isKnown(p.softDeleteDays) && !wholeIn(p.softDeleteDays, 7, 90),
    say: (p) => `softDeleteDays is ${p.softDeleteDays}: Cloud Storage keeps soft-deleted objects 7..90 days`,
  },
  {
    when: (p) =>
      isKnown(p.deleteAfterDays) &&
      isKnown(p.retentionDays) &&
      !(Number.isInteger(p.deleteAfterDays) && p.deleteAfterDays >= Math.max(p.retentionDays, 91)),
    say: (p) =>
      `deleteAfterDays is ${p.deleteAfterDays}: use a whole number ≥ ${Math.max(p.retentionDays, 91)} (at least the retention period, and past the Coldline move at 90 days)`,
  },
  pageChannelsRule('stale backups'),
  {
    when: (p) => isKnown(p.vaultMinimumRetentionDays) && !wholeIn(p.vaultMinimumRetentionDays, 1, 36159),
    say: (p) => `vaultMinimumRetentionDays is ${p.vaultMinimumRetentionDays}: use 1..36159 days`,
  },
];
