import { CLOUD_RUN_REGIONS } from '../core/regions';
import { Rule, isToken, isKnown, duplicatesIn } from '../core/validation';
import { sizingProblems } from './cloud-run-sizing';
import type { Platform, ScalableWebhookProps } from './platform';

/** Props after defaults are applied: what the rules judge. */
export interface ResolvedWebhookProps extends ScalableWebhookProps {
  readonly name: string;
  readonly regions: string[];
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly concurrency: number;
  readonly cpu: string;
  readonly memory: string;
  readonly platform: Platform;
  readonly production: boolean;
}

/** `host[:port]/path[:tag][@sha256:digest]` with a registry host and a tag or digest. */
const IMAGE_REFERENCE =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+|localhost)(?::\d+)?\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const HAS_TAG_OR_DIGEST = /(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** 2..26 chars, so derived names fit GCP limits (service account id `<name>-run` is at most 30). */
const NAME = /^[a-z][a-z0-9-]{0,24}[a-z0-9]$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Cloud Run reserves these; setting them fails the deploy. */
const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION'];

// What each list rule finds, computed by one function so the check and its message agree.
const unknownRegions = (p: ResolvedWebhookProps): string[] =>
  p.allowUnlistedRegions || isToken(p.regions) ? [] : p.regions.filter((r) => !CLOUD_RUN_REGIONS.includes(r));
/** Judges each known domain; token elements (and a list token's single element) are skipped. */
const invalidDomains = (p: ResolvedWebhookProps): string[] => (p.domains ?? []).filter((d) => !isToken(d) && !DOMAIN.test(d));
const badEnvNames = (p: ResolvedWebhookProps): string[] =>
  [...Object.keys(p.env ?? {}), ...Object.keys(p.secretEnv ?? {})].filter((k) => !ENV_NAME.test(k) || RESERVED_ENV.includes(k));
/** `/dir/file` paths of `secretFiles`: absolute, a directory and a file name, each directory once. */
const SECRET_FILE_PATH = /^(\/[A-Za-z0-9._-]+)+\/[A-Za-z0-9._-]+$/;
const badSecretFilePaths = (p: ResolvedWebhookProps): string[] =>
  Object.keys(p.secretFiles ?? {}).filter((k) => !SECRET_FILE_PATH.test(k) || k.includes('/../') || /^\/(dev|proc|sys|tmp)(\/|$)/.test(k));
const sharedSecretDirs = (p: ResolvedWebhookProps): string[] =>
  duplicatesIn(Object.keys(p.secretFiles ?? {}).map((k) => k.slice(0, k.lastIndexOf('/'))));
const namesInBothEnvs = (p: ResolvedWebhookProps): string[] => Object.keys(p.env ?? {}).filter((k) => k in (p.secretEnv ?? {}));

export const SCALABLE_WEBHOOK_RULES: ReadonlyArray<Rule<ResolvedWebhookProps>> = [
  {
    when: (p) => isKnown(p.image) && !(IMAGE_REFERENCE.test(p.image) && HAS_TAG_OR_DIGEST.test(p.image)),
    say: (p) =>
      `image "${p.image}" is not a full reference: give registry host, path and a tag or digest, e.g. "us-docker.pkg.dev/my-project/convai/webhook@sha256:<64 hex>"`,
  },
  {
    when: (p) => isKnown(p.name) && !NAME.test(p.name),
    say: (p) =>
      `name "${p.name}" is not a valid base name: use 2-26 lowercase letters, digits and "-", starting with a letter and not ending with "-" (it defaults to the construct id, lowercased: pass name explicitly if the id does not fit)`,
  },
  {
    when: (p) => !isToken(p.regions) && p.regions.length === 0,
    say: () => 'regions is empty: give at least one region, e.g. ["us-central1"], or create the webhook inside a PlatformStack',
  },
  {
    when: (p) => !isToken(p.regions) && duplicatesIn(p.regions).length > 0,
    say: (p) => `regions lists ${duplicatesIn(p.regions).join(', ')} more than once: list each region once`,
  },
  {
    when: (p) => unknownRegions(p).length > 0,
    say: (p) =>
      `regions contains unknown region(s) ${unknownRegions(p).join(', ')}: use Cloud Run regions such as us-central1, europe-west1 (or set allowUnlistedRegions for a region newer than this library)`,
  },
  {
    when: (p) => isKnown(p.minInstances) && !(Number.isInteger(p.minInstances) && p.minInstances >= 0),
    say: (p) => `minInstances is ${p.minInstances}: use a whole number ≥ 0`,
  },
  {
    when: (p) => isKnown(p.maxInstances) && !(Number.isInteger(p.maxInstances) && p.maxInstances >= 1),
    say: (p) => `maxInstances is ${p.maxInstances}: use a whole number ≥ 1`,
  },
  {
    when: (p) => isKnown(p.minInstances) && isKnown(p.maxInstances) && p.minInstances > p.maxInstances,
    say: (p) =>
      `minInstances (${p.minInstances}) is greater than maxInstances (${p.maxInstances}): raise maxInstances or lower minInstances`,
  },
  {
    when: (p) => isKnown(p.concurrency) && !(Number.isInteger(p.concurrency) && p.concurrency >= 1 && p.concurrency <= 1000),
    say: (p) => `concurrency is ${p.concurrency}: Cloud Run accepts 1..1000 requests per instance; 80 suits an I/O-bound webhook`,
  },
  {
    when: (p) => isKnown(p.cpu) && isKnown(p.memory) && sizingProblems(p.cpu, p.memory).length > 0,
    say: (p) => sizingProblems(p.cpu, p.memory).join('; '),
  },
  {
    when: (p) => !isToken(p.domains) && (p.domains ?? []).length === 0,
    say: () =>
      'domains is empty: give the domain(s) the webhook is served on, e.g. ["webhook.example.com"]; the managed certificate needs them',
  },
  {
    when: (p) => invalidDomains(p).length > 0,
    say: (p) =>
      `domains contains invalid name(s) ${invalidDomains(p).join(', ')}: use lowercase fully qualified names without scheme or wildcard, e.g. "webhook.example.com"`,
  },
  {
    when: (p) => !isToken(p.domains) && (p.domains ?? []).length > 100,
    say: (p) => `domains has ${p.domains.length} names: a managed certificate covers at most 100`,
  },
  {
    when: (p) =>
      p.requestTimeout !== undefined &&
      !p.requestTimeout.isUnresolved() &&
      !(p.requestTimeout.toSeconds() >= 1 && p.requestTimeout.toSeconds() <= 3600),
    say: (p) => `requestTimeout is ${p.requestTimeout}: use 1 s to 1 h (Dialogflow waits at most 30 s)`,
  },
  {
    when: (p) => isKnown(p.containerPort) && !(Number.isInteger(p.containerPort) && p.containerPort! >= 1 && p.containerPort! <= 65535),
    say: (p) => `containerPort is ${p.containerPort}: use a port in 1..65535`,
  },
  {
    when: (p) => badEnvNames(p).length > 0,
    say: (p) =>
      `env/secretEnv name(s) ${badEnvNames(p).join(', ')} are invalid or reserved by Cloud Run (${RESERVED_ENV.join(', ')}): rename them`,
  },
  {
    when: (p) => namesInBothEnvs(p).length > 0,
    say: (p) => `${namesInBothEnvs(p).join(', ')} set in both env and secretEnv: keep each name in one of them`,
  },
  {
    when: (p) => badSecretFilePaths(p).length > 0,
    say: (p) =>
      `secretFiles path(s) ${badSecretFilePaths(p).join(', ')} are not usable: give absolute file paths such as "/secrets/db/password", outside /dev, /proc, /sys and /tmp`,
  },
  {
    when: (p) => sharedSecretDirs(p).length > 0,
    say: (p) =>
      `secretFiles puts several secrets in ${sharedSecretDirs(p).join(', ')}: Cloud Run mounts one secret per directory, so give each secret its own directory`,
  },
];
