import { Duration } from '../core/duration';
import { Rule, isToken, isKnown, duplicatesIn } from '../core/validation';
import { SecureSecretsProps } from './secure-secrets-props';

/** Props after defaults are applied: what the rules judge. */
export interface ResolvedSecureSecretsProps extends SecureSecretsProps {
  readonly name: string;
  readonly regions: string[];
  readonly rotationPeriod: Duration;
  readonly destroyScheduledDuration: Duration;
}

/** 2..20 chars, so `<name>-database` stays a short, readable key name. */
const NAME = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/;
/** A region ("us-central1") or a multi-region ("us", "eu", "asia"). */
const LOCATION = /^[a-z]+(-[a-z]+[0-9]+)?$/;
/** A region, not a multi-region. */
const REGION = /-[a-z]+[0-9]+$/;

const wholeDaysIn = (d: Duration | undefined, min: number, max: number): boolean =>
  d === undefined || d.isUnresolved() || (Number.isInteger(d.toDays()) && d.toDays() >= min && d.toDays() <= max);
const badLocations = (p: ResolvedSecureSecretsProps): string[] =>
  isToken(p.regions) ? [] : p.regions.filter((r) => !isToken(r) && !LOCATION.test(r));

export const SECURE_SECRETS_RULES: ReadonlyArray<Rule<ResolvedSecureSecretsProps>> = [
  {
    when: (p) => isKnown(p.name) && !NAME.test(p.name),
    say: (p) =>
      `name "${p.name}" is not a valid base name: use 2-20 lowercase letters, digits and "-", starting with a letter (it defaults to the construct id, lowercased)`,
  },
  {
    when: (p) => !isToken(p.regions) && p.regions.length === 0,
    say: () => 'regions is empty: give at least one region, e.g. ["us-central1"], or create SecureSecrets inside a PlatformStack',
  },
  {
    when: (p) => !isToken(p.regions) && duplicatesIn(p.regions).length > 0,
    say: (p) => `regions lists ${duplicatesIn(p.regions).join(', ')} more than once: list each location once`,
  },
  {
    when: (p) => badLocations(p).length > 0,
    say: (p) =>
      `regions has ${badLocations(p).join(', ')}, which are not locations: use regions like "us-central1" or multi-regions like "us"`,
  },
  {
    when: (p) =>
      !isToken(p.regions) && p.regions.length > 0 && badLocations(p).length === 0 && !p.regions.some((r) => isToken(r) || REGION.test(r)),
    say: (p) =>
      `regions has only multi-regions (${p.regions.join(', ')}): add at least one region such as "us-central1"; secret replicas, the rotation topic and the audit log bucket need one`,
  },
  {
    when: (p) => !wholeDaysIn(p.rotationPeriod, 1, 90),
    say: (p) =>
      `rotationPeriod is ${p.rotationPeriod}: give a whole number of days from 1 to 90 (CIS GCP 1.10 asks for rotation within 90 days)`,
  },
  {
    when: (p) => !wholeDaysIn(p.destroyScheduledDuration, 1, 120),
    say: (p) => `destroyScheduledDuration is ${p.destroyScheduledDuration}: give a whole number of days from 1 to 120 (Cloud KMS limits)`,
  },
  {
    when: (p) => !wholeDaysIn(p.auditLogRetention, 0, 3650),
    say: (p) => `auditLogRetention is ${p.auditLogRetention}: give Duration.days(0) (no bucket) or a whole number of days from 1 to 3650`,
  },
];
