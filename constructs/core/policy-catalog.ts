/**
 * The project's own policy pack, as one catalog.
 *
 * Each rule has one id shared by two implementations:
 * - a checkov check under `policies/checks/` (YAML or Python), run by `npm run policy` over the
 *   synthesized JSON in CI;
 * - where the rule can be judged from one resource's synthesized block, a TypeScript evaluator
 *   here, run at synth time by `PolicyChecks` (an Aspect) so users see the problem before CI.
 *
 * `test/policies/catalog.test.ts` keeps the two sides in step: every id here has a checkov
 * check, and every checkov check in the pack is listed here.
 */

/** Labels every labelled resource must carry. Keep in step with `PlatformLabels`. */
export const REQUIRED_LABELS = ['env', 'team', 'cost-center', 'managed-by'] as const;

/** Label values of `env` that mean "production" for the rules below. */
export const PRODUCTION_ENVS = ['prod', 'production'] as const;

/**
 * Resource types that accept `labels` and that the library creates. The labels rule applies to
 * these; the aspect applies labels to any resource that accepts them.
 */
export const LABELLED_TYPES = [
  'google_cloud_run_v2_service',
  'google_compute_global_address',
  'google_compute_global_forwarding_rule',
  'google_secret_manager_secret',
  'google_storage_bucket',
  'google_pubsub_topic',
  'google_kms_crypto_key',
  // Issue 4 (DrBackup):
  'google_workflows_workflow',
  'google_backup_dr_backup_vault',
] as const;

/** A resolved resource block, as it appears under `resource.<type>.<name>` in cdk.tf.json. */
export type ResourceBlock = Record<string, any>;

export interface PolicyRule {
  /** Stable id; suppressions and reports use it. Never renumber. */
  readonly id: string;
  /** What must hold, in one line (as checkov prints it). */
  readonly title: string;
  /** How to fix a failure, in one line, for synth errors. */
  readonly fix: string;
  /** Resource types the rule looks at. */
  readonly resourceTypes: readonly string[];
  /**
   * Synth-time evaluator: undefined when it passes, else what is wrong. Absent when the rule
   * needs more than one resource (graph checks): those run only in checkov.
   */
  readonly evaluate?: (block: ResourceBlock, type: string) => string | undefined;
}

/** IAM members that mean "anyone": never granted invoker on a webhook. */
export const PUBLIC_MEMBERS: readonly string[] = ['allUsers', 'allAuthenticatedUsers'];
const DEFAULT_COMPUTE_SA = /-compute@developer\.gserviceaccount\.com$/;
const isUnresolved = (v: unknown): boolean => typeof v === 'string' && v.includes('${');
const IMAGE_DIGEST = /@sha256:[a-f0-9]{64}$/;
const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];
/** A Workflows call that creates a Cloud SQL instance (connector, any API version). */
const SQL_INSTANCE_INSERT = /googleapis\.sqladmin\.v1(beta4)?\.instances\.insert\b/;

/** `labels.env` says production. */
export function isProduction(block: ResourceBlock): boolean {
  const env = block.labels?.env;
  return typeof env === 'string' && (PRODUCTION_ENVS as readonly string[]).includes(env);
}

/** The first element of a cdktf nested block, which synthesizes as an object or a 1-element list. */
function first(value: unknown): Record<string, any> | undefined {
  if (Array.isArray(value)) return value[0];
  if (value && typeof value === 'object') return value as Record<string, any>;
  return undefined;
}

/** A repeated nested block (cdktf writes a list, or an object for one element). */
function asList(value: unknown): Record<string, any>[] {
  if (Array.isArray(value)) return value;
  return value && typeof value === 'object' ? [value as Record<string, any>] : [];
}

/** The scheme of an internet-facing backend service (unset means EXTERNAL), else undefined. */
function externalScheme(block: ResourceBlock): string | undefined {
  const scheme = block.load_balancing_scheme ?? 'EXTERNAL';
  return scheme === 'EXTERNAL' || scheme === 'EXTERNAL_MANAGED' ? scheme : undefined;
}

// --- issue 5 helpers ---
const isSet = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

/** IAM resources on data (secrets, keys, topics) that CKV_CONVAI_38 keeps private. */
export const DATA_IAM_TYPES: readonly string[] = [
  'google_secret_manager_secret_iam_member',
  'google_secret_manager_secret_iam_binding',
  'google_kms_crypto_key_iam_member',
  'google_kms_crypto_key_iam_binding',
  'google_kms_key_ring_iam_member',
  'google_kms_key_ring_iam_binding',
  'google_pubsub_topic_iam_member',
  'google_pubsub_topic_iam_binding',
];

/**
 * Project-level IAM grants (CKV_CONVAI_39): each must carry an IAM condition narrowing it to named
 * resources, or a `PolicySuppressions.add(grant, PROJECT_GRANT_CONDITION_CHECK, reason)` saying why
 * no condition can (e.g. telemetry writers: log entries and metrics carry no resource name).
 */
export const PROJECT_GRANT_CONDITION_CHECK = 'CKV_CONVAI_39';
/** Resource types CKV_CONVAI_39 judges. */
export const PROJECT_IAM_GRANT_TYPES: readonly string[] = ['google_project_iam_member', 'google_project_iam_binding'];

/** "<what> is encrypted with a customer-managed key": the key attribute at `path` must be set. */
function cmekRule(id: string, what: string, type: string, path: string[], purpose: string): PolicyRule {
  const attribute = path.join('.');
  return {
    id,
    title: `${what} is encrypted with a customer-managed key`,
    fix: `set ${attribute} to the SecureSecrets key for its region (keyId(region, ${purpose}))`,
    resourceTypes: [type],
    evaluate: (b) => {
      const parent = path.slice(0, -1).reduce<Record<string, any> | undefined>((block, key) => first(block?.[key]), b);
      return isSet(parent?.[path[path.length - 1]]) ? undefined : `${attribute} is unset, so Google-managed keys encrypt the data`;
    },
  };
}

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_1',
    title: 'Cloud Run service ingress is not open to all traffic',
    fix: 'set ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER (ScalableWebhook does this by default)',
    resourceTypes: ['google_cloud_run_v2_service'],
    evaluate: (b) => {
      const ingress = b.ingress ?? 'INGRESS_TRAFFIC_ALL';
      return ingress === 'INGRESS_TRAFFIC_ALL' ? `ingress is ${ingress}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_2',
    title: 'Production Cloud Run service keeps at least one instance warm',
    fix: 'set minInstances to 1 or more for production (a cold start can exceed the Dialogflow webhook timeout)',
    resourceTypes: ['google_cloud_run_v2_service'],
    evaluate: (b) => {
      if (!isProduction(b)) return undefined;
      const min = first(first(b.template)?.scaling)?.min_instance_count ?? first(b.scaling)?.min_instance_count;
      if (isUnresolved(min)) return undefined;
      return typeof min === 'number' && min >= 1 ? undefined : `min_instance_count is ${min ?? 'unset (0)'}`;
    },
  },
  {
    id: 'CKV_CONVAI_3',
    title: 'Cloud Run service runs as a dedicated service account',
    fix: 'give the service its own service account (ScalableWebhook creates one), never the default compute account',
    resourceTypes: ['google_cloud_run_v2_service'],
    evaluate: (b) => {
      const sa = first(b.template)?.service_account;
      if (!sa) return 'template.service_account is unset, so the default compute service account is used';
      return !isUnresolved(sa) && DEFAULT_COMPUTE_SA.test(sa) ? `service_account is the default compute account ${sa}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_4',
    title: 'Cloud Run service is not invokable by allUsers or allAuthenticatedUsers',
    fix: 'grant roles/run.invoker to the identities that must call the service (grantInvoke), never to the public',
    resourceTypes: [
      'google_cloud_run_v2_service_iam_member',
      'google_cloud_run_v2_service_iam_binding',
      'google_cloud_run_service_iam_member',
      'google_cloud_run_service_iam_binding',
    ],
    evaluate: (b) => {
      const members: unknown[] = b.members ?? (b.member !== undefined ? [b.member] : []);
      const bad = members.filter((m) => typeof m === 'string' && PUBLIC_MEMBERS.includes(m));
      return bad.length > 0 ? `member ${bad.join(', ')} makes the service public` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_5',
    title: 'External backend service has a Cloud Armor security policy',
    fix: 'attach a Cloud Armor policy (ScalableWebhook creates one unless you pass your own)',
    resourceTypes: ['google_compute_backend_service'],
    evaluate: (b) => {
      const scheme = externalScheme(b);
      if (!scheme) return undefined;
      return b.security_policy ? undefined : `${scheme} backend service has no security_policy`;
    },
  },
  {
    id: 'CKV_CONVAI_6',
    title: 'HTTPS proxy has an SSL policy',
    fix: 'attach an SSL policy with min_tls_version TLS_1_2 and profile MODERN or RESTRICTED',
    resourceTypes: ['google_compute_target_https_proxy'],
    evaluate: (b) => (b.ssl_policy ? undefined : 'ssl_policy is unset, so Google’s default (TLS 1.0) applies'),
  },
  {
    id: 'CKV_CONVAI_7',
    title: 'SSL policy requires TLS 1.2 or newer with the MODERN or RESTRICTED profile',
    fix: 'set min_tls_version to TLS_1_2 and profile to MODERN or RESTRICTED',
    resourceTypes: ['google_compute_ssl_policy'],
    evaluate: (b) => {
      const problems: string[] = [];
      const tls = b.min_tls_version ?? 'TLS_1_0';
      if (!['TLS_1_2', 'TLS_1_3'].includes(tls)) problems.push(`min_tls_version is ${tls}`);
      const profile = b.profile ?? 'COMPATIBLE';
      if (!['MODERN', 'RESTRICTED'].includes(profile)) problems.push(`profile is ${profile}`);
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_8',
    title: 'Plain-HTTP proxies only redirect to HTTPS',
    fix: 'point the HTTP proxy at a URL map whose default_url_redirect has https_redirect = true',
    resourceTypes: ['google_compute_target_http_proxy'],
    // A graph rule (proxy -> URL map): judged by checkov only.
  },
  {
    id: 'CKV_CONVAI_9',
    title: 'Resource carries the platform labels (env, team, cost-center, managed-by)',
    fix: 'create the resource inside a PlatformStack, or apply PlatformLabels to its scope',
    resourceTypes: LABELLED_TYPES,
    evaluate: (b) => {
      if (isUnresolved(b.labels)) return undefined;
      const missing = REQUIRED_LABELS.filter((k) => typeof b.labels?.[k] !== 'string' || b.labels[k] === '');
      return missing.length > 0 ? `missing labels: ${missing.join(', ')}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_10',
    title: 'Cloud Run service has deletion protection',
    fix: 'leave deletionProtection on (the default); turn it off only to tear a stack down',
    resourceTypes: ['google_cloud_run_v2_service'],
    evaluate: (b) => (b.deletion_protection === false ? 'deletion_protection is false' : undefined),
  },
  {
    id: 'CKV_CONVAI_11',
    title: 'Cloud Armor policy denies Log4j-style exploits (cve-canary) outside preview',
    fix: "add a deny rule matching evaluatePreconfiguredWaf('cve-canary') with preview off (EdgeSecurityPolicy does)",
    resourceTypes: ['google_compute_security_policy'],
    // checkov's own CKV_GCP_73 crashes on terraform_json (it needs the HCL graph), so we carry it.
    evaluate: (b) => {
      const rules: Record<string, any>[] = Array.isArray(b.rule) ? b.rule : b.rule ? [b.rule] : [];
      const blocks = rules.some((r) => {
        const expression = first(first(r.match)?.expr)?.expression;
        return (
          typeof expression === 'string' &&
          /evaluatePreconfigured(Waf|Expr)\(\s*'cve-canary'/.test(expression) &&
          String(r.action ?? '').startsWith('deny') &&
          r.preview !== true
        );
      });
      return blocks ? undefined : 'no enforced deny rule evaluates the cve-canary rule set';
    },
  },
  {
    id: 'CKV_CONVAI_12',
    title: 'Production Cloud Run containers run an image pinned by digest',
    fix: 'reference the image as <registry>/<path>@sha256:<digest> (see README: the image)',
    resourceTypes: ['google_cloud_run_v2_service'],
    evaluate: (b) => {
      if (!isProduction(b)) return undefined;
      const containers: Record<string, any>[] = first(b.template)?.containers ?? [];
      const images = containers.map((c) => c.image);
      if (images.length === 0) return 'no containers';
      const unpinned = images.filter((i) => !isUnresolved(i) && !(typeof i === 'string' && IMAGE_DIGEST.test(i)));
      return unpinned.length > 0 ? `image ${unpinned.join(', ')} is not pinned by digest` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_13',
    title: 'External backend service logs requests',
    fix: 'set log_config.enable = true (GlobalHttpsLoadBalancer does, with logSampleRate 1 by default)',
    resourceTypes: ['google_compute_backend_service'],
    evaluate: (b) => {
      const scheme = externalScheme(b);
      if (!scheme) return undefined;
      return first(b.log_config)?.enable === true ? undefined : `${scheme} backend service has request logging off`;
    },
  },
  // --- Issue 7 (GKE platform): CKV_CONVAI_50..59 ---
  {
    id: 'CKV_CONVAI_50',
    title: 'Kubernetes Deployment pods use the RuntimeDefault or Localhost seccomp profile',
    fix: 'set spec.template.spec.security_context.seccomp_profile.type = RuntimeDefault (ScalableWebhook on GKE does)',
    resourceTypes: ['kubernetes_deployment_v1', 'kubernetes_deployment'],
    // checkov's Terraform Kubernetes checks have no seccomp check; the restricted pod standard needs one.
    evaluate: (b) => {
      const pod = first(first(first(b.spec)?.template)?.spec);
      const containers = asList(pod?.container);
      if (containers.length === 0) return 'no containers';
      const profile = (spec: Record<string, any> | undefined): unknown => first(first(spec?.security_context)?.seccomp_profile)?.type;
      const podProfile = profile(pod);
      const bad = containers
        .map((c) => profile(c) ?? podProfile)
        .filter((t) => !isUnresolved(t) && !(typeof t === 'string' && SECCOMP_ALLOWED.includes(t)));
      return bad.length > 0 ? `seccomp profile is ${bad.map((t) => t ?? 'unset').join(', ')}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_51',
    title: 'PodDisruptionBudget allows at least one voluntary eviction',
    fix: 'use max_unavailable ≥ 1 or a min_available below the replica count (ScalableWebhook defaults to minReplicas - 1)',
    resourceTypes: ['kubernetes_pod_disruption_budget_v1', 'kubernetes_pod_disruption_budget'],
    evaluate: (b) => {
      const spec = first(b.spec);
      const maxUnavailable = spec?.max_unavailable;
      const minAvailable = spec?.min_available;
      if (maxUnavailable !== undefined && !isUnresolved(maxUnavailable) && ['0', '0%'].includes(String(maxUnavailable).trim())) {
        return `max_unavailable is ${maxUnavailable}, so no pod can ever be evicted`;
      }
      if (minAvailable !== undefined && !isUnresolved(minAvailable) && String(minAvailable).trim() === '100%') {
        return 'min_available is 100%, so no pod can ever be evicted';
      }
      return undefined;
    },
  },

  // ---- Issue 4: database tier and backups (CKV_CONVAI_20..29) --------------------------------
  {
    id: 'CKV_CONVAI_20',
    title: 'Cloud SQL primary is REGIONAL with point-in-time recovery',
    fix: 'set settings.availability_type = REGIONAL and backup_configuration.point_in_time_recovery_enabled = true (MultiRegionDb defaults)',
    resourceTypes: ['google_sql_database_instance'],
    evaluate: (b) => {
      if (b.master_instance_name) return undefined;
      const settings = first(b.settings);
      const backup = first(settings?.backup_configuration);
      const problems: string[] = [];
      const availability = settings?.availability_type ?? 'ZONAL';
      if (availability !== 'REGIONAL' && !isUnresolved(availability)) problems.push(`availability_type is ${availability}`);
      const pitr = backup?.point_in_time_recovery_enabled ?? backup?.binary_log_enabled;
      if (pitr !== true && !isUnresolved(pitr)) problems.push('point-in-time recovery is off');
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_21',
    title: "Cloud SQL replica is in a region other than its primary's",
    fix: 'put read replicas in other regions (MultiRegionDb readReplicaRegions) and label them settings.user_labels.primary-region (MultiRegionDb does)',
    resourceTypes: ['google_sql_database_instance'],
    evaluate: (b) => {
      if (!b.master_instance_name) return undefined;
      const primaryRegion = first(b.settings)?.user_labels?.['primary-region'];
      if (isUnresolved(b.region) || isUnresolved(primaryRegion)) return undefined;
      if (typeof primaryRegion !== 'string' || primaryRegion === '')
        return 'replica has no primary-region user label, so its placement cannot be judged';
      return primaryRegion === b.region ? `replica is in its primary's region ${b.region}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_22',
    title: 'Cloud SQL primary stores backups in a location other than its region',
    fix: 'set backup_configuration.location to another region or a multi-region (MultiRegionDb backupLocation)',
    resourceTypes: ['google_sql_database_instance'],
    evaluate: (b) => {
      if (b.master_instance_name) return undefined;
      const location = first(first(b.settings)?.backup_configuration)?.location;
      if (isUnresolved(location) || isUnresolved(b.region)) return undefined;
      if (typeof location !== 'string' || location === '') return 'backup_configuration.location is unset, so backups stay in the region';
      return location === b.region ? `backups are stored in the instance region ${location}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_23',
    title: 'Cloud SQL instance has no public IP',
    fix: 'set settings.ip_configuration.ipv4_enabled = false and use a private network (MultiRegionDb does)',
    resourceTypes: ['google_sql_database_instance'],
    evaluate: (b) =>
      first(first(b.settings)?.ip_configuration)?.ipv4_enabled === false
        ? undefined
        : 'ipv4_enabled is not false, so the instance gets a public IP',
  },
  {
    id: 'CKV_CONVAI_24',
    title: 'Backup bucket is versioned with a retention policy',
    fix: 'on buckets labelled purpose=backup, enable versioning and set retention_policy.retention_period (DrBackup does)',
    resourceTypes: ['google_storage_bucket'],
    evaluate: (b) => {
      if (b.labels?.purpose !== 'backup') return undefined;
      const problems: string[] = [];
      if (first(b.versioning)?.enabled !== true) problems.push('versioning is off');
      const period = first(b.retention_policy)?.retention_period;
      if (!isUnresolved(period) && !(typeof period === 'number' && period > 0)) problems.push('no retention policy');
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_25',
    title: 'Workflow that creates Cloud SQL instances makes them private and CMEK-encrypted',
    fix: 'in the instances.insert body set settings.ipConfiguration.ipv4Enabled: false and diskEncryptionConfiguration.kmsKeyName (DrBackup’s restore drill does)',
    resourceTypes: ['google_workflows_workflow'],
    // Instances a workflow creates (restore drills, clones) never pass through Terraform, so
    // CKV_CONVAI_23/35 cannot see them: the workflow's source is where they are decided. A text
    // check: the source either creates no instance, or says ipv4Enabled false (never true) and
    // names a kmsKeyName.
    evaluate: (b) => {
      const source = b.source_contents;
      if (typeof source !== 'string' || !SQL_INSTANCE_INSERT.test(source)) return undefined;
      const problems: string[] = [];
      if (!/\bipv4Enabled:\s*false\b/.test(source) || /\bipv4Enabled:\s*true\b/.test(source)) {
        problems.push('the instances it creates get a public IP (ipv4Enabled is not false)');
      }
      if (!/\bkmsKeyName:\s*\S/.test(source)) problems.push('the instances it creates use Google-managed keys (no kmsKeyName)');
      return problems.length > 0 ? problems.join('; ') : undefined;
    },
  },
  // --- issue 5: CMEK everywhere, secrets, least privilege (CKV_CONVAI_30..39) ---
  {
    id: 'CKV_CONVAI_30',
    title: 'Secret Manager secret encrypts every replica with a customer-managed key',
    fix: 'create secrets with SecureSecrets.addSecret (user-managed replicas, each with its region’s secrets key)',
    resourceTypes: ['google_secret_manager_secret'],
    evaluate: (b) => {
      const replication = first(b.replication);
      if (!replication) return 'replication is unset';
      const userManaged = first(replication.user_managed);
      if (!userManaged) {
        return isSet(first(first(replication.auto)?.customer_managed_encryption)?.kms_key_name)
          ? undefined
          : 'automatic replication without customer_managed_encryption';
      }
      if (isUnresolved(userManaged.replicas)) return undefined;
      const replicas: unknown[] = Array.isArray(userManaged.replicas) ? userManaged.replicas : [userManaged.replicas].filter(Boolean);
      const missing = replicas.filter((r) => !isSet(first(first(r)?.customer_managed_encryption)?.kms_key_name));
      if (replicas.length === 0) return 'no replicas';
      return missing.length > 0
        ? `replicas without a customer-managed key: ${missing.map((r) => first(r)?.location).join(', ')}`
        : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_31',
    title: 'Secret Manager secret has a rotation period and a notification topic',
    fix: 'set rotation.rotation_period and topics (SecureSecrets.addSecret does: 90 days, its rotation topic)',
    resourceTypes: ['google_secret_manager_secret'],
    evaluate: (b) => {
      const problems: string[] = [];
      if (!isSet(first(b.rotation)?.rotation_period)) problems.push('rotation.rotation_period is unset');
      if (!isUnresolved(b.topics)) {
        const topics: unknown[] = Array.isArray(b.topics) ? b.topics : b.topics ? [b.topics] : [];
        if (!topics.some((t) => isSet(first(t)?.name))) problems.push('no notification topic');
      }
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  },
  cmekRule('CKV_CONVAI_32', 'Pub/Sub topic', 'google_pubsub_topic', ['kms_key_name'], 'KeyPurpose.LOGS'),
  cmekRule('CKV_CONVAI_33', 'Storage bucket', 'google_storage_bucket', ['encryption', 'default_kms_key_name'], 'KeyPurpose.STORAGE'),
  cmekRule('CKV_CONVAI_34', 'Artifact Registry repository', 'google_artifact_registry_repository', ['kms_key_name'], 'KeyPurpose.STORAGE'),
  cmekRule('CKV_CONVAI_35', 'Cloud SQL instance', 'google_sql_database_instance', ['encryption_key_name'], 'KeyPurpose.DATABASE'),
  cmekRule('CKV_CONVAI_36', 'Log bucket', 'google_logging_project_bucket_config', ['cmek_settings', 'kms_key_name'], 'KeyPurpose.LOGS'),
  // Memorystore (shared state). Its only endpoints are Private Service Connect addresses in our VPC:
  // the API has no public endpoint to forbid, so the rules are who may connect and how.
  {
    id: 'CKV_CONVAI_60',
    title: 'Memorystore instance authenticates clients with IAM',
    fix: 'set authorization_mode = "IAM_AUTH" and grant roles/memorystore.dbConnectionUser (MemorystoreCache does)',
    resourceTypes: ['google_memorystore_instance'],
    evaluate: (b) =>
      b.authorization_mode === 'IAM_AUTH'
        ? undefined
        : `authorization_mode is ${b.authorization_mode ?? 'unset (AUTH_DISABLED)'}, so any client in the network gets in`,
  },
  {
    id: 'CKV_CONVAI_61',
    title: 'Memorystore instance encrypts traffic in transit',
    fix: 'set transit_encryption_mode = "SERVER_AUTHENTICATION" and give clients the managed server CA (MemorystoreCache does)',
    resourceTypes: ['google_memorystore_instance'],
    evaluate: (b) =>
      b.transit_encryption_mode === 'SERVER_AUTHENTICATION'
        ? undefined
        : `transit_encryption_mode is ${b.transit_encryption_mode ?? 'unset (TRANSIT_ENCRYPTION_DISABLED)'}, so tokens and cached data cross the network in clear`,
  },
  cmekRule('CKV_CONVAI_62', 'Memorystore instance', 'google_memorystore_instance', ['kms_key'], 'KeyPurpose.DATABASE'),
  {
    id: 'CKV_CONVAI_37',
    title: 'Service account has no service account keys',
    fix: 'remove the google_service_account_key: workloads use attached service accounts, CI Workload Identity Federation',
    resourceTypes: ['google_service_account'],
    // A graph rule (service account -> key): judged by checkov only.
  },
  {
    id: 'CKV_CONVAI_38',
    title: 'Secrets, keys and topics are not shared with allUsers or allAuthenticatedUsers',
    fix: 'grant named identities (PlatformSecret.grantAccess, SecureSecrets.grantEncryptDecrypt), never the public',
    resourceTypes: DATA_IAM_TYPES,
    evaluate: (b) => {
      const members: unknown[] = b.members ?? (b.member !== undefined ? [b.member] : []);
      const bad = members.filter((m) => typeof m === 'string' && PUBLIC_MEMBERS.includes(m));
      return bad.length > 0 ? `member ${bad.join(', ')} is public` : undefined;
    },
  },
  {
    id: PROJECT_GRANT_CONDITION_CHECK,
    title: 'Project-level IAM grants are conditioned to named resources',
    fix: 'grant on the resource (*_iam_member) or add a condition on resource.name; where IAM allows neither, record the reason with PolicySuppressions.add(grant, "CKV_CONVAI_39", reason)',
    resourceTypes: PROJECT_IAM_GRANT_TYPES,
    evaluate: (b) => {
      const expression = first(b.condition)?.expression;
      return typeof expression === 'string' && expression.trim() !== ''
        ? undefined
        : `role ${b.role} is granted on the whole project with no condition`;
    },
  },
  // --- issue 6 (SloAlerting): CKV_CONVAI_40..49 ---
  {
    id: 'CKV_CONVAI_40',
    title: 'Alert policy documentation links a runbook',
    fix: 'put a line "Runbook: <https URL>" in documentation.content (SloAlerting does, from Runbooks.url)',
    resourceTypes: ['google_monitoring_alert_policy'],
    evaluate: (b) => {
      const content = first(b.documentation)?.content;
      return typeof content === 'string' && /(^|\n)Runbook: https:\/\/\S+/.test(content)
        ? undefined
        : 'documentation.content has no "Runbook: https://..." line';
    },
  },
  {
    id: 'CKV_CONVAI_41',
    title: 'Alert policy is labelled with its environment and, in production, notifies at least one channel',
    fix: 'label the policy user_labels.env (PlatformStack does) and give it notification_channels (SloAlerting, DrBackup, SecurityMonitoring: pageChannels / ticketChannels)',
    resourceTypes: ['google_monitoring_alert_policy'],
    // Without `env` a policy could not be judged, and so once passed unheard: it fails instead.
    evaluate: (b) => {
      if (isUnresolved(b.user_labels)) return undefined;
      const env = b.user_labels?.env;
      if (isUnresolved(env)) return undefined;
      if (!(typeof env === 'string' && env !== '')) return 'user_labels.env is unset: the policy cannot be judged for production';
      if (!(PRODUCTION_ENVS as readonly string[]).includes(env)) return undefined;
      const channels = b.notification_channels;
      if (isUnresolved(channels)) return undefined;
      const list: unknown[] = Array.isArray(channels) ? channels : typeof channels === 'string' ? [channels] : [];
      return list.some((c) => typeof c === 'string' && c !== '') ? undefined : 'notification_channels is empty';
    },
  },
  {
    id: 'CKV_CONVAI_42',
    title: 'SLO has a paging burn-rate alert policy',
    fix: 'watch the SLO with a select_slo_burn_rate policy labelled severity=page (SloAlerting creates two per SLO)',
    resourceTypes: ['google_monitoring_slo'],
    // A graph rule (SLO <- alert policy): judged by checkov only.
  },
  {
    id: 'CKV_CONVAI_43',
    title: 'Monitoring service has a request-based availability SLO',
    fix: 'add a request-based good/total SLO to the service (SloAlerting creates one)',
    resourceTypes: ['google_monitoring_custom_service'],
    // A graph rule (service <- SLO): judged by checkov only.
  },
  {
    id: 'CKV_CONVAI_44',
    title: 'Monitoring service has a request-based latency SLO',
    fix: 'add a request-based distribution-cut SLO to the service (SloAlerting creates one)',
    resourceTypes: ['google_monitoring_custom_service'],
    // A graph rule (service <- SLO): judged by checkov only.
  },
  {
    id: 'CKV_CONVAI_45',
    title: 'Production Cloud Run service is watched by a Monitoring service with SLOs',
    fix: 'watch the service with SloAlerting (SloTarget.cloudRun({ services }))',
    resourceTypes: ['google_cloud_run_v2_service'],
    // A graph rule (Cloud Run service <- Monitoring service): judged by checkov only.
  },
];

export function ruleById(id: string): PolicyRule | undefined {
  return POLICY_RULES.find((r) => r.id === id);
}
