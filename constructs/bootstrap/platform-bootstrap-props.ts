import { Duration } from '../core/duration';
import { IEncryptionKeys } from '../core/encryption-keys';

/**
 * Keyless access for GitHub Actions: a Workload Identity Federation provider that trusts GitHub's
 * OIDC tokens from one repository, restricted to one branch or one deployment environment.
 */
export interface GitHubActionsAccess {
  /** The repository, `owner/name`, e.g. `acme/convai-platform`. */
  readonly repository: string;
  /**
   * The branch whose workflows may deploy (without `refs/heads/`).
   * @default "main" when `environment` is not given; any branch the environment allows when it is
   */
  readonly branch?: string;
  /**
   * The GitHub deployment environment whose jobs may deploy (its protection rules, e.g. required
   * reviewers, then gate every deploy).
   * @default - none: the branch alone decides
   */
  readonly environment?: string;
}

export interface PlatformBootstrapProps {
  /** Name of the Terraform state bucket (globally unique), e.g. `acme-convai-tfstate`. */
  readonly stateBucketName: string;
  /**
   * The Terraform resource types the platform's stacks use (data sources as `data.<type>`):
   * the APIs to enable and the deployer's roles are derived from them.
   * `PlatformServices.resourceTypesIn(stack)` lists a stack's.
   */
  readonly resourceTypes: string[];
  /**
   * The project that holds the state bucket, the deployer and the identity pool.
   * @default - the enclosing PlatformStack's project
   */
  readonly projectId?: string;
  /**
   * The projects the platform deploys into: APIs are enabled and the deployer is granted its
   * roles in each.
   * @default - `projectId` only
   */
  readonly projects?: string[];
  /**
   * Location of the state bucket and its key: a region (`us-central1`) or a multi-region (`us`, `eu`, `asia`).
   * @default - the enclosing PlatformStack's first region
   */
  readonly location?: string;
  /**
   * Where the state bucket's key comes from (`keyId(location, KeyPurpose.STORAGE)`).
   * @default - a key ring `platform-bootstrap` with a key `terraform-state` in `location`
   *   (rotated every 90 days, protected from destroy)
   */
  readonly encryptionKeys?: IEncryptionKeys;
  /**
   * Grant Cloud Storage's service agent encrypt/decrypt on the state key (the bucket cannot use
   * the key without it). Turn off when `encryptionKeys` already grants it (SecureSecrets does).
   * @default true
   */
  readonly grantStorageServiceAgent?: boolean;
  /**
   * How long noncurrent (overwritten) versions of state files are kept after they became
   * noncurrent, in whole days; the live state is never deleted by lifecycle.
   * @default Duration.days(90)
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * Turn on Cloud Storage data-access audit logs (DATA_READ, DATA_WRITE) in `projectId`, so every
   * read of the state (which holds secrets in plain text) is recorded. Project-wide: keep other
   * busy buckets out of the bootstrap project.
   * @default true
   */
  readonly auditStateAccess?: boolean;
  /**
   * APIs to enable beyond those derived from `resourceTypes`, in every project.
   * @default - none; the base APIs and the runtime's (`PlatformServices.runtimeApis()`) are always enabled
   */
  readonly additionalApis?: string[];
  /**
   * Roles the deployer may grant at project level (IAM condition on its project IAM admin role).
   * `PlatformServices.projectRolesGrantedIn(stack, project)` lists a stack's.
   * @default - none: the deployer gets no project IAM admin role
   */
  readonly grantableRoles?: string[];
  /**
   * Account id of the deployer service account.
   * @default "platform-deployer"
   */
  readonly deployerAccountId?: string;
  /**
   * Keyless deploys from GitHub Actions (Workload Identity Federation).
   * @default - no GitHub access
   */
  readonly github?: GitHubActionsAccess;
  /**
   * Emails of the service accounts Cloud Build runs as, each allowed to impersonate the
   * deployer (`roles/iam.serviceAccountTokenCreator` on the deployer only).
   * @default - none
   */
  readonly cloudBuildServiceAccounts?: string[];
  /**
   * Id of the workload identity pool (created when `github` is set).
   * @default "platform-ci"
   */
  readonly workloadIdentityPoolId?: string;
}
