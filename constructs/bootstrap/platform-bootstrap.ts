import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import { Duration } from '../core/duration';
import { KeyPurpose } from '../core/encryption-keys';
import { PlatformStack } from '../core/platform-stack';
import { PolicySuppressions } from '../core/policy-suppressions';
import { validateProps } from '../core/validation';
import { GitHubActionsAccess, PlatformBootstrapProps } from './platform-bootstrap-props';
import { PLATFORM_BOOTSTRAP_RULES, ResolvedPlatformBootstrapProps } from './platform-bootstrap-rules';
import { DeployerRole, PlatformServices } from './platform-services';

const DAY_SECONDS = 86_400;
/** GitHub Actions' OIDC issuer. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
const PROJECT_IAM_ADMIN = 'roles/resourcemanager.projectIamAdmin';
/** Roles checkov's CKV_GCP_49 counts as impersonating or managing service accounts at project level. */
const IMPERSONATION_ROLES = ['roles/iam.serviceAccountAdmin', 'roles/iam.serviceAccountUser'];
/**
 * APIs the bootstrap's own resources need in its project: the state bucket and its key, the
 * deployer, the identity pool and token exchange for keyless CI.
 */
const BOOTSTRAP_APIS: readonly string[] = [
  'cloudkms.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'serviceusage.googleapis.com',
  'storage.googleapis.com',
  'sts.googleapis.com',
];

/** `abc.googleapis.com` → `abc`: the API part of construct ids. */
const apiSlug = (api: string): string => api.replace(/\.googleapis\.com$/, '').replace(/\./g, '-');
/** `roles/iam.serviceAccountUser` → `iam-serviceAccountUser`: the role part of construct ids. */
const roleSlug = (role: string): string => role.replace(/^roles\//, '').replace(/\./g, '-');

/**
 * From an empty Google Cloud project to one that `cdktf deploy` can deploy the platform into:
 *
 * - the **Terraform state bucket**: CMEK (its own key ring and key, or an `IEncryptionKeys`, with
 *   Cloud Storage's service agent granted the key), versioning, uniform bucket-level access,
 *   public access prevention enforced, `prevent_destroy`, a lifecycle rule that deletes old
 *   noncurrent versions, and data-access audit logs of every state read;
 * - **every API** the platform needs, as `google_project_service` (never disabled on destroy),
 *   derived from the Terraform types the platform's stacks use (`PlatformServices`) plus the
 *   runtime's own APIs, in every project the platform deploys into;
 * - a **deployer** service account with the predefined roles those types need (each with a
 *   stated reason; never owner/editor; project IAM admin only for the roles the platform grants),
 *   read/write on the state bucket, and **keyless** CI access: a Workload Identity Federation
 *   provider for GitHub Actions restricted to one repository and branch or environment, and
 *   Cloud Build service accounts allowed to impersonate it. No service-account keys.
 *
 * Run it once with local state by a project owner, then migrate its state into the bucket it made
 * (docs/operations/deploy.md).
 */
export class PlatformBootstrap extends Construct {
  /** The OIDC issuer of GitHub Actions tokens (the module constant `GITHUB_ACTIONS_ISSUER` holds the same, for JavaScript and TypeScript only) */
  public static readonly GITHUB_ACTIONS_ISSUER = GITHUB_ACTIONS_ISSUER;
  /** The project holding the bucket, the deployer and the identity pool. */
  public readonly projectId: string;
  /** The projects the platform deploys into. */
  public readonly projects: string[];
  /** The APIs enabled in every project of `projects`, sorted. */
  public readonly apis: string[];
  /** The deployer's project roles (in each of `projects`), with the reason for each. */
  public readonly deployerRoleReasons: DeployerRole[];
  /** The deployer's email. */
  public readonly deployerEmail: string;
  /** The KMS key id that encrypts the state bucket. */
  public readonly stateKeyId: string;
  /** Escape hatch: the state bucket. */
  public readonly stateBucket: StorageBucket;
  /** Escape hatch: the key ring, when the construct made its own key. */
  public readonly stateKeyRing?: KmsKeyRing;
  /** Escape hatch: the state key, when the construct made its own. */
  public readonly stateKey?: KmsCryptoKey;
  /** Escape hatch: Cloud Storage's service agent's grant on the key, when made. */
  public readonly stateKeyGrant?: KmsCryptoKeyIamMember;
  /** Escape hatch: the data-access audit config for Cloud Storage, when made. */
  public readonly stateAccessAudit?: ProjectIamAuditConfig;
  /** Escape hatch: the API enablements, project by project. */
  public readonly services: ProjectService[] = [];
  /** Escape hatch: the deployer service account. */
  public readonly deployer: ServiceAccount;
  /** Escape hatch: the deployer's project role grants. */
  public readonly deployerGrants: ProjectIamMember[] = [];
  /** Escape hatch: the deployer's read/write grant on the state bucket. */
  public readonly stateBucketAccess: StorageBucketIamMember;
  /** Escape hatch: the workload identity pool, when `github` is set. */
  public readonly workloadIdentityPool?: IamWorkloadIdentityPool;
  /** Escape hatch: the GitHub Actions OIDC provider, when `github` is set. */
  public readonly githubProvider?: IamWorkloadIdentityPoolProvider;
  /** Escape hatch: the GitHub repository's `workloadIdentityUser` grant on the deployer. */
  public readonly githubAccess?: ServiceAccountIamMember;
  /** Escape hatch: the Cloud Build service accounts' token-creator grants on the deployer. */
  public readonly cloudBuildAccess: ServiceAccountIamMember[] = [];

  private readonly serviceByKey = new Map<string, ProjectService>();

  constructor(scope: Construct, id: string, props: PlatformBootstrapProps) {
    super(scope, id);
    const platform = PlatformStack.find(this);
    const projectId = props.projectId ?? platform?.projectId ?? '';
    const p: ResolvedPlatformBootstrapProps = {
      ...props,
      projectId,
      projects: props.projects ?? (projectId ? [projectId] : []),
      location: props.location ?? platform?.regions[0] ?? '',
      noncurrentVersionRetention: props.noncurrentVersionRetention ?? Duration.days(90),
      deployerAccountId: props.deployerAccountId ?? 'platform-deployer',
      workloadIdentityPoolId: props.workloadIdentityPoolId ?? 'platform-ci',
    };
    validateProps(this.node.path, p, PLATFORM_BOOTSTRAP_RULES);
    this.projectId = p.projectId;
    this.projects = [...p.projects];

    // APIs first: everything below waits for the API it calls.
    this.apis = [
      ...new Set([...PlatformServices.apisFor(p.resourceTypes), ...PlatformServices.runtimeApis(), ...(p.additionalApis ?? [])]),
    ].sort();
    for (const api of BOOTSTRAP_APIS) this.enable(p.projectId, api);
    for (const project of p.projects) for (const api of this.apis) this.enable(project, api);

    // The state bucket's key, and Cloud Storage's service agent allowed to use it.
    const keyLocation = p.location.toLowerCase();
    if (p.encryptionKeys) {
      this.stateKeyId = p.encryptionKeys.keyId(keyLocation, KeyPurpose.STORAGE);
    } else {
      this.stateKeyRing = new KmsKeyRing(this, 'state-key-ring', {
        project: p.projectId,
        name: 'platform-bootstrap',
        location: keyLocation,
        dependsOn: [this.api(p.projectId, 'cloudkms.googleapis.com')],
      });
      this.stateKey = new KmsCryptoKey(this, 'state-key', {
        name: 'terraform-state',
        keyRing: this.stateKeyRing.id,
        purpose: 'ENCRYPT_DECRYPT',
        rotationPeriod: `${90 * DAY_SECONDS}s`,
        destroyScheduledDuration: `${30 * DAY_SECONDS}s`,
        // Destroying the key makes every state version unreadable.
        lifecycle: { preventDestroy: true },
      });
      this.stateKeyId = this.stateKey.id;
    }
    if (p.grantStorageServiceAgent ?? true) {
      // Reading the agent also creates it on a new project; it waits for the Storage API.
      const agent = new DataGoogleStorageProjectServiceAccount(this, 'storage-agent', {
        project: p.projectId,
        dependsOn: [this.api(p.projectId, 'storage.googleapis.com')],
      });
      this.stateKeyGrant = new KmsCryptoKeyIamMember(this, 'state-key-storage-agent', {
        cryptoKeyId: this.stateKeyId,
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member: agent.member,
      });
    }

    this.stateBucket = new StorageBucket(this, 'state-bucket', {
      project: p.projectId,
      name: p.stateBucketName,
      location: p.location.toUpperCase(),
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      // Every state write is a new version: the previous state is how a bad apply is undone.
      versioning: { enabled: true },
      encryption: { defaultKmsKeyName: this.stateKeyId },
      labels: { purpose: 'terraform-state' },
      lifecycleRule: [
        {
          action: { type: 'Delete' },
          condition: { daysSinceNoncurrentTime: p.noncurrentVersionRetention.toDays(), withState: 'ARCHIVED' },
        },
      ],
      forceDestroy: false,
      // Deleting the bucket deletes the record of everything the platform owns.
      lifecycle: { preventDestroy: true },
      dependsOn: [this.api(p.projectId, 'storage.googleapis.com'), ...(this.stateKeyGrant ? [this.stateKeyGrant] : [])],
    });
    if (p.auditStateAccess ?? true) {
      this.stateAccessAudit = new ProjectIamAuditConfig(this, 'state-access-audit', {
        project: p.projectId,
        service: 'storage.googleapis.com',
        auditLogConfig: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }],
      });
    }
    PolicySuppressions.add(
      this.stateBucket,
      'CKV_GCP_62',
      p.auditStateAccess === false
        ? 'Usage logs were turned off with auditStateAccess false by the platform owner; state reads are then only visible in admin activity logs.'
        : 'Every read and write of the state is recorded by Cloud Storage data-access audit logs, which name the caller; usage logs would need a second bucket and add nothing.',
    );

    // The deployer: the only identity that applies the platform's stacks.
    this.deployerEmail = `${p.deployerAccountId}@${p.projectId}.iam.gserviceaccount.com`;
    this.deployer = new ServiceAccount(this, 'deployer', {
      project: p.projectId,
      accountId: p.deployerAccountId,
      displayName: 'Platform deployer',
      description: 'Applies the platform stacks from CI (Workload Identity Federation, Cloud Build impersonation); has no keys.',
      dependsOn: [this.api(p.projectId, 'iam.googleapis.com')],
    });
    // A literal member (not the account's `member` attribute), so the policy gate judges it.
    const deployerMember = `serviceAccount:${this.deployerEmail}`;
    const grantable = [...new Set(p.grantableRoles ?? [])].sort();
    this.deployerRoleReasons = PlatformServices.deployerRolesFor(p.resourceTypes).filter(
      (r) => r.role !== PROJECT_IAM_ADMIN || grantable.length > 0,
    );
    for (const project of p.projects) {
      for (const { role, reason } of this.deployerRoleReasons) {
        const grant = new ProjectIamMember(this, `deployer-${project}-${roleSlug(role)}`, {
          project,
          role,
          member: deployerMember,
          condition:
            role === PROJECT_IAM_ADMIN
              ? {
                  title: 'platform grants only',
                  description: 'The deployer may add or remove grants of the roles the platform gives its workloads, and no other.',
                  expression: `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${grantable.map((r) => `'${r}'`).join(', ')}])`,
                }
              : undefined,
          dependsOn: [this.deployer],
        });
        this.deployerGrants.push(grant);
        this.suppressDeployerFindings(grant, role, reason);
      }
    }
    this.stateBucketAccess = new StorageBucketIamMember(this, 'deployer-state-access', {
      bucket: this.stateBucket.name,
      role: 'roles/storage.objectAdmin',
      member: deployerMember,
      dependsOn: [this.deployer],
    });

    if (p.github) {
      const github = this.githubActions(p);
      this.workloadIdentityPool = github.pool;
      this.githubProvider = github.provider;
      this.githubAccess = github.access;
    }
    for (const email of p.cloudBuildServiceAccounts ?? []) {
      // Builds run as their own account and impersonate the deployer for `terraform apply`.
      this.cloudBuildAccess.push(
        new ServiceAccountIamMember(this, `cloud-build-${email.split('@')[0]}`, {
          serviceAccountId: this.deployer.name,
          role: 'roles/iam.serviceAccountTokenCreator',
          member: `serviceAccount:${email}`,
        }),
      );
    }
  }

  /** The attribute condition of the GitHub provider: only this repository's branch or environment. */
  public static githubCondition(github: GitHubActionsAccess): string {
    const clauses = [`assertion.repository == "${github.repository}"`];
    if (github.environment !== undefined) {
      clauses.push(`assertion.sub == "repo:${github.repository}:environment:${github.environment}"`);
      if (github.branch !== undefined) clauses.push(`assertion.ref == "refs/heads/${github.branch}"`);
    } else {
      clauses.push(`assertion.sub == "repo:${github.repository}:ref:refs/heads/${github.branch ?? 'main'}"`);
    }
    return clauses.join(' && ');
  }

  private githubActions(p: ResolvedPlatformBootstrapProps): {
    pool: IamWorkloadIdentityPool;
    provider: IamWorkloadIdentityPoolProvider;
    access: ServiceAccountIamMember;
  } {
    const github = p.github!;
    const pool = new IamWorkloadIdentityPool(this, 'ci-pool', {
      project: p.projectId,
      workloadIdentityPoolId: p.workloadIdentityPoolId,
      displayName: 'Platform CI',
      description: 'Keyless CI access to the platform deployer',
      dependsOn: [this.api(p.projectId, 'iam.googleapis.com'), this.api(p.projectId, 'sts.googleapis.com')],
    });
    const provider = new IamWorkloadIdentityPoolProvider(this, 'github-provider', {
      project: p.projectId,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: 'github-actions',
      displayName: 'GitHub Actions',
      description: `GitHub Actions of ${github.repository}`.slice(0, 256),
      attributeMapping: {
        'google.subject': 'assertion.sub',
        'attribute.repository': 'assertion.repository',
        'attribute.repository_owner': 'assertion.repository_owner',
        'attribute.ref': 'assertion.ref',
        ...(github.environment !== undefined ? { 'attribute.environment': 'assertion.environment' } : {}),
      },
      // Without a condition any GitHub repository could exchange its tokens here.
      attributeCondition: PlatformBootstrap.githubCondition(github),
      oidc: { issuerUri: GITHUB_ACTIONS_ISSUER },
    });
    const access = new ServiceAccountIamMember(this, 'github-deployer', {
      serviceAccountId: this.deployer.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `principalSet://iam.googleapis.com/${pool.name}/attribute.repository/${github.repository}`,
    });
    return { pool, provider, access };
  }

  /** Record why the deployer's broad-looking grants are accepted, where checkov flags them. */
  private suppressDeployerFindings(grant: ProjectIamMember, role: string, reason: string): void {
    if (!grant.conditionInput) {
      PolicySuppressions.add(
        grant,
        'CKV_CONVAI_39',
        `The platform deployer ${reason}; it creates these resources, so no resource-level grant or resource.name condition can name them before the apply that makes them.`,
      );
    }
    if (/(admin|Admin|editor|owner)/.test(role)) {
      PolicySuppressions.add(
        grant,
        'CKV_GCP_42',
        `The platform deployer ${reason}; the predefined ${role} is the narrowest role that can, and no workload runs as the deployer.`,
      );
    }
    if (IMPERSONATION_ROLES.includes(role)) {
      PolicySuppressions.add(
        grant,
        'CKV_GCP_49',
        `The platform deployer ${reason}; the service accounts are created by the same apply, so no narrower resource-level grant can exist beforehand.`,
      );
    }
    if (role === 'roles/iam.serviceAccountUser') {
      PolicySuppressions.add(
        grant,
        'CKV_GCP_41',
        'The platform deployer attaches service accounts it creates in the same apply to Cloud Run, Workflows, Cloud Scheduler and GKE nodes, which needs actAs on them.',
      );
    }
  }

  private enable(project: string, api: string): ProjectService {
    const key = `${project}/${api}`;
    let service = this.serviceByKey.get(key);
    if (!service) {
      service = new ProjectService(this, `api-${project}-${apiSlug(api)}`, {
        project,
        service: api,
        // Disabling an API on destroy would break whatever else the project runs.
        disableOnDestroy: false,
      });
      this.serviceByKey.set(key, service);
      this.services.push(service);
    }
    return service;
  }

  private api(project: string, api: string): ProjectService {
    return this.serviceByKey.get(`${project}/${api}`) ?? this.enable(project, api);
  }
}
