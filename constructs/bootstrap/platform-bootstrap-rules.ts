import { Duration } from '../core/duration';
import { Rule, duplicatesIn, isKnown, isToken } from '../core/validation';
import { PlatformBootstrapProps } from './platform-bootstrap-props';
import { PlatformServices } from './platform-services';

/** Props after defaults are applied: what the rules judge. */
export interface ResolvedPlatformBootstrapProps extends PlatformBootstrapProps {
  readonly projectId: string;
  readonly projects: string[];
  readonly location: string;
  readonly noncurrentVersionRetention: Duration;
  readonly deployerAccountId: string;
  readonly workloadIdentityPoolId: string;
}

/** Cloud Storage bucket names: 3-63 characters, lowercase, digits, `-`, `_`, `.`; start and end alphanumeric. */
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** A region ("us-central1") or a KMS multi-region ("us", "eu", "asia", "global" is not a bucket location). */
const LOCATION = /^(us|eu|asia|[a-z]+-[a-z]+[0-9]+)$/;
const ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const POOL_ID = /^[a-z0-9-]{4,32}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** Characters that would break out of the quoted CEL string of the provider's condition. */
const CEL_UNSAFE = /["\\]/;
const SERVICE_ACCOUNT = /^[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$|^[0-9]+@cloudbuild\.gserviceaccount\.com$/;
const API = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.googleapis\.com$/;

const unmapped = (p: ResolvedPlatformBootstrapProps): string[] => PlatformServices.unmapped(p.resourceTypes ?? []);
const badProjects = (p: ResolvedPlatformBootstrapProps): string[] => p.projects.filter((x) => !isToken(x) && !PROJECT.test(x));
const primitive = (p: ResolvedPlatformBootstrapProps): string[] =>
  (p.grantableRoles ?? []).filter((r) => PlatformServices.primitiveRoles().includes(r));
const badAccounts = (p: ResolvedPlatformBootstrapProps): string[] =>
  (p.cloudBuildServiceAccounts ?? []).filter((a) => !isToken(a) && !SERVICE_ACCOUNT.test(a));
const badApis = (p: ResolvedPlatformBootstrapProps): string[] => (p.additionalApis ?? []).filter((a) => !isToken(a) && !API.test(a));

export const PLATFORM_BOOTSTRAP_RULES: ReadonlyArray<Rule<ResolvedPlatformBootstrapProps>> = [
  {
    when: (p) => isKnown(p.stateBucketName) && !BUCKET.test(p.stateBucketName),
    say: (p) =>
      `stateBucketName "${p.stateBucketName}" is not a bucket name: use 3-63 lowercase letters, digits, "-", "_" or ".", starting and ending with a letter or digit, e.g. "acme-convai-tfstate"`,
  },
  {
    when: (p) => isKnown(p.stateBucketName) && /goog/.test(p.stateBucketName),
    say: (p) => `stateBucketName "${p.stateBucketName}" contains "goog", which Cloud Storage refuses: pick another name`,
  },
  {
    when: (p) => !p.projectId,
    say: () => 'projectId is empty: give the bootstrap project id, or create PlatformBootstrap inside a PlatformStack',
  },
  {
    when: (p) => isKnown(p.projectId) && p.projectId !== '' && !PROJECT.test(p.projectId),
    say: (p) => `projectId "${p.projectId}" is not a project id: use 6-30 lowercase letters, digits and "-", starting with a letter`,
  },
  {
    when: (p) => p.projects.length === 0,
    say: () => 'projects is empty: give the project ids the platform deploys into, e.g. ["acme-convai-prod"]',
  },
  {
    when: (p) => p.projects.some((x) => isToken(x)),
    say: () =>
      'projects holds an unresolved token: give literal project ids (they name the Terraform addresses of the API and role resources, which must not change)',
  },
  {
    when: (p) => badProjects(p).length > 0,
    say: (p) => `projects has ${badProjects(p).join(', ')}, which are not project ids: use 6-30 lowercase letters, digits and "-"`,
  },
  {
    when: (p) => duplicatesIn(p.projects).length > 0,
    say: (p) => `projects lists ${duplicatesIn(p.projects).join(', ')} more than once: list each project once`,
  },
  {
    when: (p) => !p.location,
    say: () => 'location is empty: give the state bucket location, e.g. "us-central1", or create PlatformBootstrap inside a PlatformStack',
  },
  {
    when: (p) => isKnown(p.location) && p.location !== '' && !LOCATION.test(p.location),
    say: (p) =>
      `location "${p.location}" is not a region or multi-region with Cloud KMS keys: use e.g. "us-central1" or "us" (dual-regions such as NAM4 have no KMS location of the same name)`,
  },
  {
    when: (p) => (p.resourceTypes ?? []).length === 0,
    say: () =>
      'resourceTypes is empty: pass the Terraform types the platform stacks use (PlatformServices.resourceTypesIn(stack) for each stack), so their APIs are enabled',
  },
  {
    when: (p) => unmapped(p).length > 0,
    say: (p) =>
      `resourceTypes has ${unmapped(p).join(', ')}, whose API and deployer role are unknown: add them to SERVICE_TABLE in constructs/bootstrap/platform-services.ts (or enable the API with additionalApis and grant the role yourself)`,
  },
  {
    when: (p) => badApis(p).length > 0,
    say: (p) => `additionalApis has ${badApis(p).join(', ')}: give service names such as "language.googleapis.com"`,
  },
  {
    when: (p) => primitive(p).length > 0,
    say: (p) =>
      `grantableRoles has ${primitive(p).join(', ')}: a deployer that may grant primitive roles can make itself owner; list the predefined roles the platform grants`,
  },
  {
    when: (p) =>
      !p.noncurrentVersionRetention.isUnresolved() &&
      !(Number.isInteger(p.noncurrentVersionRetention.toDays()) && p.noncurrentVersionRetention.toDays() >= 1),
    say: (p) =>
      `noncurrentVersionRetention is ${p.noncurrentVersionRetention}: give a whole number of days, at least 1 (old state versions are how you roll state back)`,
  },
  {
    when: (p) => isKnown(p.deployerAccountId) && !ACCOUNT_ID.test(p.deployerAccountId),
    say: (p) => `deployerAccountId "${p.deployerAccountId}" is not a service account id: use 6-30 lowercase letters, digits and "-"`,
  },
  {
    when: (p) =>
      isKnown(p.workloadIdentityPoolId) && (!POOL_ID.test(p.workloadIdentityPoolId) || p.workloadIdentityPoolId.startsWith('gcp-')),
    say: (p) =>
      `workloadIdentityPoolId "${p.workloadIdentityPoolId}" is not a pool id: use 4-32 lowercase letters, digits and "-", not starting with "gcp-"`,
  },
  {
    when: (p) => p.github !== undefined && isKnown(p.github.repository) && !REPOSITORY.test(p.github.repository),
    say: (p) => `github.repository "${p.github!.repository}" is not "owner/name": give e.g. "acme/convai-platform"`,
  },
  {
    when: (p) =>
      p.github?.branch !== undefined && (p.github.branch.startsWith('refs/') || p.github.branch === '' || CEL_UNSAFE.test(p.github.branch)),
    say: (p) => `github.branch "${p.github!.branch}" is not a branch name: give it without "refs/heads/", e.g. "main"`,
  },
  {
    when: (p) => p.github?.environment !== undefined && (p.github.environment === '' || CEL_UNSAFE.test(p.github.environment)),
    say: (p) => `github.environment "${p.github!.environment}" is not an environment name: give the GitHub environment, e.g. "production"`,
  },
  {
    when: (p) => badAccounts(p).length > 0,
    say: (p) =>
      `cloudBuildServiceAccounts has ${badAccounts(p).join(', ')}: give service account emails, e.g. "cloud-build@acme-convai-admin.iam.gserviceaccount.com"`,
  },
];
