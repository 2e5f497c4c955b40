import { DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformResource, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';

/** A project-level role the deployer holds, and why. */
export interface DeployerRole {
  /** The predefined role, e.g. `roles/run.admin`. */
  readonly role: string;
  /** Why the deployer needs it: which resources it creates with it. */
  readonly reason: string;
}

/**
 * One row of the service table: Terraform types starting with `prefix` (the longest matching
 * prefix wins) need `apis` enabled, and the deployer needs `roles` to create them.
 */
interface ServiceRow {
  readonly prefix: string;
  readonly apis: readonly string[];
  readonly roles: readonly string[];
}

/** Why the deployer holds each role. Every role in `SERVICE_TABLE` and `BASE_ROLES` has a line here. */
const ROLE_REASONS: Record<string, string> = {
  'roles/memorystore.admin': 'create and update the Memorystore for Valkey instances of the shared state (MemorystoreCache)',
  'roles/networkconnectivity.consumerNetworkAdmin':
    'create the service connection policies through which Memorystore gets its Private Service Connect endpoints',
  'roles/serviceusage.serviceUsageConsumer': 'calls the enabled APIs of the project (serviceusage.services.use); enables none',
  'roles/browser': 'reads the project (data.google_project: its number names the service agents)',
  'roles/run.admin': 'creates the Cloud Run services and their invoker grants (run.services.setIamPolicy)',
  'roles/compute.networkAdmin': 'creates the VPC, subnets and the private-services address range',
  'roles/compute.loadBalancerAdmin':
    'creates the global load balancer: addresses, forwarding rules, proxies, URL map, backend services, NEGs, health checks, managed certificates',
  'roles/compute.securityAdmin': 'creates the Cloud Armor policy, the SSL policy and the firewall rules (networkAdmin cannot)',
  'roles/servicenetworking.networksAdmin': 'peers the VPC with Google services for Cloud SQL private IP',
  'roles/container.clusterAdmin': 'creates and upgrades the GKE cluster and its node pools (not the objects inside)',
  'roles/container.developer':
    'creates the webhook’s Kubernetes objects (namespace, Deployment, Service, HPA, PDB, NetworkPolicy); no RBAC',
  'roles/cloudsql.admin': 'creates the Cloud SQL instances, replicas, databases and IAM users',
  'roles/cloudkms.admin': 'creates key rings and keys and grants service agents on them; it cannot encrypt or decrypt',
  'roles/secretmanager.admin':
    'creates secret containers and per-secret grants; no narrower predefined role can set a secret’s IAM policy (values are added out of band)',
  'roles/pubsub.admin': 'creates the CMEK rotation topic and its publisher grant',
  'roles/storage.admin': 'creates the backup buckets and their bucket-level grants',
  'roles/logging.configWriter': 'creates log buckets, sinks and log-based metrics, and reads the project’s logging settings',
  'roles/monitoring.editor': 'creates alert policies, notification channels, services, SLOs, dashboards and uptime checks',
  'roles/iam.roleAdmin': 'creates the project custom roles (the backup export role)',
  'roles/resourcemanager.projectIamAdmin':
    'adds the workloads’ project grants and the data-access audit config; conditioned to the roles the platform grants',
  'roles/iam.serviceAccountAdmin': 'creates the workloads’ service accounts and grants on them (GKE workload identity)',
  'roles/iam.serviceAccountUser': 'attaches the workloads’ service accounts to Cloud Run, Workflows, Cloud Scheduler and GKE nodes (actAs)',
  'roles/cloudscheduler.admin': 'creates the backup export schedule',
  'roles/workflows.editor': 'creates the backup export workflow',
  'roles/backupdr.admin': 'creates the Backup and DR vault, plan and plan associations (production)',
  'roles/artifactregistry.admin': 'creates Artifact Registry repositories and their grants',
  'roles/datastore.owner': 'creates Firestore databases and backup schedules (Firestore engine)',
  'roles/serviceusage.serviceUsageAdmin': 'enables APIs (bootstrap only)',
  'roles/iam.workloadIdentityPoolAdmin': 'creates workload identity pools and providers (bootstrap only)',
};

/**
 * Terraform type (or prefix) → the API that serves it and the deployer's role for it. Data
 * sources are written `data.<type>`. `kubernetes_` types talk to the GKE cluster, not to a Google
 * API. Keep the table sorted by service; the longest matching prefix wins.
 */
const SERVICE_TABLE: readonly ServiceRow[] = [
  { prefix: 'google_cloud_run_v2_', apis: ['run.googleapis.com'], roles: ['roles/run.admin'] },
  { prefix: 'google_cloud_run_', apis: ['run.googleapis.com'], roles: ['roles/run.admin'] },
  { prefix: 'google_compute_', apis: ['compute.googleapis.com'], roles: ['roles/compute.loadBalancerAdmin'] },
  { prefix: 'google_compute_network', apis: ['compute.googleapis.com'], roles: ['roles/compute.networkAdmin'] },
  { prefix: 'google_compute_subnetwork', apis: ['compute.googleapis.com'], roles: ['roles/compute.networkAdmin'] },
  { prefix: 'google_compute_global_address', apis: ['compute.googleapis.com'], roles: ['roles/compute.networkAdmin'] },
  { prefix: 'google_compute_firewall', apis: ['compute.googleapis.com'], roles: ['roles/compute.securityAdmin'] },
  { prefix: 'google_compute_security_policy', apis: ['compute.googleapis.com'], roles: ['roles/compute.securityAdmin'] },
  { prefix: 'google_compute_ssl_policy', apis: ['compute.googleapis.com'], roles: ['roles/compute.securityAdmin'] },
  { prefix: 'google_service_networking_', apis: ['servicenetworking.googleapis.com'], roles: ['roles/servicenetworking.networksAdmin'] },
  { prefix: 'google_container_', apis: ['container.googleapis.com'], roles: ['roles/container.clusterAdmin'] },
  { prefix: 'kubernetes_', apis: [], roles: ['roles/container.developer'] },
  { prefix: 'google_memorystore_', apis: ['memorystore.googleapis.com'], roles: ['roles/memorystore.admin'] },
  {
    prefix: 'google_network_connectivity_',
    apis: ['networkconnectivity.googleapis.com'],
    roles: ['roles/networkconnectivity.consumerNetworkAdmin'],
  },
  { prefix: 'google_sql_', apis: ['sqladmin.googleapis.com'], roles: ['roles/cloudsql.admin'] },
  { prefix: 'google_kms_', apis: ['cloudkms.googleapis.com'], roles: ['roles/cloudkms.admin'] },
  { prefix: 'google_secret_manager_', apis: ['secretmanager.googleapis.com'], roles: ['roles/secretmanager.admin'] },
  { prefix: 'google_pubsub_', apis: ['pubsub.googleapis.com'], roles: ['roles/pubsub.admin'] },
  { prefix: 'google_storage_', apis: ['storage.googleapis.com'], roles: ['roles/storage.admin'] },
  { prefix: 'data.google_storage_project_service_account', apis: ['storage.googleapis.com'], roles: ['roles/storage.admin'] },
  { prefix: 'google_logging_', apis: ['logging.googleapis.com'], roles: ['roles/logging.configWriter'] },
  { prefix: 'data.google_logging_project_settings', apis: ['logging.googleapis.com'], roles: ['roles/logging.configWriter'] },
  { prefix: 'google_monitoring_', apis: ['monitoring.googleapis.com'], roles: ['roles/monitoring.editor'] },
  { prefix: 'google_project_iam_custom_role', apis: ['iam.googleapis.com'], roles: ['roles/iam.roleAdmin'] },
  { prefix: 'google_project_iam_', apis: ['cloudresourcemanager.googleapis.com'], roles: ['roles/resourcemanager.projectIamAdmin'] },
  { prefix: 'google_service_account_iam_', apis: ['iam.googleapis.com'], roles: ['roles/iam.serviceAccountAdmin'] },
  {
    prefix: 'google_service_account',
    apis: ['iam.googleapis.com'],
    roles: ['roles/iam.serviceAccountAdmin', 'roles/iam.serviceAccountUser'],
  },
  {
    prefix: 'google_iam_workload_identity_pool',
    apis: ['iam.googleapis.com', 'sts.googleapis.com'],
    roles: ['roles/iam.workloadIdentityPoolAdmin'],
  },
  { prefix: 'google_cloud_scheduler_', apis: ['cloudscheduler.googleapis.com'], roles: ['roles/cloudscheduler.admin'] },
  { prefix: 'google_workflows_', apis: ['workflows.googleapis.com'], roles: ['roles/workflows.editor'] },
  { prefix: 'google_backup_dr_', apis: ['backupdr.googleapis.com'], roles: ['roles/backupdr.admin'] },
  { prefix: 'google_artifact_registry_', apis: ['artifactregistry.googleapis.com'], roles: ['roles/artifactregistry.admin'] },
  { prefix: 'google_firestore_', apis: ['firestore.googleapis.com'], roles: ['roles/datastore.owner'] },
  { prefix: 'google_project_service', apis: ['serviceusage.googleapis.com'], roles: ['roles/serviceusage.serviceUsageAdmin'] },
  { prefix: 'data.google_project', apis: ['cloudresourcemanager.googleapis.com'], roles: ['roles/browser'] },
  // The caller's own token: no API call, no role.
  { prefix: 'data.google_client_config', apis: [], roles: [] },
];

/** APIs every project of the platform needs, whatever it deploys: Terraform itself calls them. */
const BASE_APIS: readonly string[] = ['serviceusage.googleapis.com', 'cloudresourcemanager.googleapis.com', 'iam.googleapis.com'];

/**
 * APIs the webhook runtime calls at run time (not Terraform): Natural Language enrichment,
 * Dialogflow (the agent and its webhook), Cloud Trace (OpenTelemetry export), IAM Credentials
 * (ID tokens, impersonation) and STS (Workload Identity Federation token exchange).
 */
const RUNTIME_APIS: readonly string[] = [
  'language.googleapis.com',
  'dialogflow.googleapis.com',
  'cloudtrace.googleapis.com',
  'iamcredentials.googleapis.com',
  'sts.googleapis.com',
];

/** Roles the deployer holds whatever the platform deploys. */
const BASE_ROLES: readonly string[] = ['roles/serviceusage.serviceUsageConsumer'];

/** Primitive roles: never granted to the deployer. */
const PRIMITIVE_ROLES: readonly string[] = ['roles/owner', 'roles/editor', 'roles/viewer'];

function rowFor(type: string): ServiceRow | undefined {
  return SERVICE_TABLE.filter((row) => type.startsWith(row.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
}

const sortedUnique = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

/**
 * Which Google APIs and deployer roles a platform needs, derived from the Terraform resource
 * types its stacks use. One table maps each type (or type prefix) to its API and role; a type
 * missing from the table is an error at bootstrap synth, so a new construct cannot ship a
 * resource whose API nobody enables.
 */
export class PlatformServices {
  /** APIs the runtime calls at run time (Natural Language, Dialogflow, Cloud Trace, IAM Credentials, STS). */
  public static runtimeApis(): string[] {
    return [...RUNTIME_APIS];
  }

  /** APIs every project needs whatever it deploys (Service Usage, Resource Manager, IAM). */
  public static baseApis(): string[] {
    return [...BASE_APIS];
  }

  /** Primitive roles (owner, editor, viewer): the deployer never holds them. */
  public static primitiveRoles(): string[] {
    return [...PRIMITIVE_ROLES];
  }

  /**
   * The APIs that serve `resourceTypes`, sorted and without duplicates, plus the base APIs.
   * @param resourceTypes Terraform types; data sources as `data.<type>`
   */
  public static apisFor(resourceTypes: string[]): string[] {
    return sortedUnique([...BASE_APIS, ...resourceTypes.flatMap((t) => rowFor(t)?.apis ?? [])]);
  }

  /**
   * The project-level roles the deployer needs to create `resourceTypes`, each with its reason,
   * sorted by role.
   * @param resourceTypes Terraform types; data sources as `data.<type>`
   */
  public static deployerRolesFor(resourceTypes: string[]): DeployerRole[] {
    const roles = sortedUnique([...BASE_ROLES, ...resourceTypes.flatMap((t) => rowFor(t)?.roles ?? [])]);
    return roles.map((role) => ({ role, reason: ROLE_REASONS[role] ?? '' }));
  }

  /** The types in `resourceTypes` that the table does not know: their API and role are unknown. */
  public static unmapped(resourceTypes: string[]): string[] {
    return sortedUnique(resourceTypes.filter((t) => rowFor(t) === undefined));
  }

  /** Every role the table can hand out, with its reason (for documentation and review). */
  public static allDeployerRoles(): DeployerRole[] {
    const roles = sortedUnique([...BASE_ROLES, ...SERVICE_TABLE.flatMap((row) => row.roles)]);
    return roles.map((role) => ({ role, reason: ROLE_REASONS[role] ?? '' }));
  }

  /**
   * The Terraform types of every resource and data source under `scope` (data sources as
   * `data.<type>`), sorted.
   */
  public static resourceTypesIn(scope: IConstruct): string[] {
    return sortedUnique(
      scope.node.findAll().flatMap((c) => {
        if (TerraformResource.isTerraformResource(c)) return [c.terraformResourceType];
        if (TerraformDataSource.isTerraformDataSource(c)) return [`data.${c.terraformResourceType}`];
        return [];
      }),
    );
  }

  /**
   * The roles granted at project level (`google_project_iam_member`) under `scope`: the roles the
   * deployer must be allowed to grant. Custom roles are named `projects/<project>/roles/<id>`.
   * @param scope a stack or construct
   * @param projectId the project of grants and custom roles that do not name one
   */
  public static projectRolesGrantedIn(scope: IConstruct, projectId: string): string[] {
    const all = scope.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
    const customRoles = all.filter((r) => r.terraformResourceType === 'google_project_iam_custom_role');
    const literal = (r: TerraformResource, key: string): string | undefined => {
      const value = (r as unknown as Record<string, unknown>)[key];
      return typeof value === 'string' && !Token.isUnresolved(value) ? value : undefined;
    };
    return sortedUnique(
      all
        .filter((r) => r.terraformResourceType === 'google_project_iam_member')
        .map((grant) => {
          const role = literal(grant, 'roleInput');
          if (role) return role;
          // A custom role referenced by token: name it from the custom role it points at.
          const raw = (grant as unknown as Record<string, unknown>).roleInput ?? '';
          const ref = String(Tokenization.resolve(raw, { scope: grant, resolver: new DefaultTokenResolver(new StringConcat()) }));
          const match = /\$\{google_project_iam_custom_role\.([^.}]+)\.(?:name|id)\}/.exec(ref);
          const target = match ? customRoles.find((c) => c.friendlyUniqueId === match[1]) : undefined;
          if (!target) return ref;
          return `projects/${literal(target, 'projectInput') ?? projectId}/roles/${literal(target, 'roleIdInput')}`;
        }),
    );
  }
}
