import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Duration } from '../../constructs/core/duration';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { PlatformBootstrap } from '../../constructs/bootstrap/platform-bootstrap';
import { PlatformBootstrapProps } from '../../constructs/bootstrap/platform-bootstrap-props';
import { PlatformServices } from '../../constructs/bootstrap/platform-services';
import { IEncryptionKeys } from '../../constructs/core/encryption-keys';
import { BootstrapStack } from '../../stacks/bootstrap-stack';
import { DEFAULT_CONFIG, loadConfig } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { Json, only, platformStack, resources, synth, synthWithMetadata } from '../helpers/synth';

const TYPES = ['google_cloud_run_v2_service', 'google_sql_database_instance', 'google_storage_bucket', 'data.google_project'];

function bootstrapJson(props: Partial<PlatformBootstrapProps> = {}): Json {
  const stack = platformStack();
  new PlatformBootstrap(stack, 'bootstrap', { stateBucketName: 'acme-convai-tfstate', resourceTypes: TYPES, ...props });
  return synth(stack);
}

/** The reference app as `stacks/main.ts` builds it: every environment, then the bootstrap from them. */
function referenceApp(): { platforms: Json[]; bootstrap: Json; stack: BootstrapStack } {
  const app = Testing.app();
  const stacks = DEFAULT_CONFIG.environments.map((e) => new WebhookPlatformStack(app, e));
  const stack = new BootstrapStack(
    app,
    DEFAULT_CONFIG.bootstrap!,
    DEFAULT_CONFIG.environments,
    stacks.map((s, i) => ({ stack: s, projectId: DEFAULT_CONFIG.environments[i].projectId })),
  );
  return { platforms: stacks.map((s) => synth(s)), bootstrap: synthWithMetadata(stack), stack };
}

/** Every resource and data-source type in a synthesized stack (data sources as `data.<type>`). */
function typesIn(json: Json): string[] {
  return [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {}).map((t) => `data.${t}`)];
}

describe('PlatformBootstrap: the state bucket', () => {
  const json = bootstrapJson();
  const bucket = only(json, 'google_storage_bucket');

  test('is versioned, uniform, never public, labelled, and protected from destroy', () => {
    expect(bucket).toMatchObject({
      name: 'acme-convai-tfstate',
      location: 'US-CENTRAL1',
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
      labels: { env: 'dev', team: 'convai', 'cost-center': 'cc-42', 'managed-by': 'cdktf', purpose: 'terraform-state' },
    });
  });

  test('deletes noncurrent versions after 90 days by default, never the live state', () => {
    expect(bucket.lifecycle_rule).toEqual([
      { action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 90, with_state: 'ARCHIVED' } },
    ]);
    const custom = only(bootstrapJson({ noncurrentVersionRetention: Duration.days(30) }), 'google_storage_bucket');
    expect(custom.lifecycle_rule[0].condition.days_since_noncurrent_time).toBe(30);
  });

  test('is encrypted with its own rotated, destroy-protected key, which the Storage service agent may use', () => {
    const key = only(json, 'google_kms_crypto_key');
    expect(key).toMatchObject({ rotation_period: '7776000s', lifecycle: { prevent_destroy: true } });
    expect(only(json, 'google_kms_key_ring').location).toBe('us-central1');
    expect(bucket.encryption.default_kms_key_name).toMatch(/^\$\{google_kms_crypto_key\.bootstrap_state-key_[0-9A-F]+\.id\}$/);
    const grant = only(json, 'google_kms_crypto_key_iam_member');
    expect(grant.role).toBe('roles/cloudkms.cryptoKeyEncrypterDecrypter');
    expect(grant.crypto_key_id).toBe(bucket.encryption.default_kms_key_name);
    expect(grant.member).toMatch(/^\$\{data\.google_storage_project_service_account\.bootstrap_storage-agent_[0-9A-F]+\.member\}$/);
    // The bucket waits for the grant: Cloud Storage checks it when the bucket is created.
    expect(bucket.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_kms_crypto_key_iam_member\./)]));
  });

  test('takes keys from an IEncryptionKeys instead, in the bucket location', () => {
    const asked: string[] = [];
    const keys: IEncryptionKeys = {
      keyId: (region, purpose) => {
        asked.push(`${region}/${purpose}`);
        return `projects/sec/locations/${region}/keyRings/r/cryptoKeys/${purpose}`;
      },
    };
    const custom = bootstrapJson({ encryptionKeys: keys, location: 'us' });
    expect(asked).toEqual(['us/storage']);
    expect(resources(custom, 'google_kms_crypto_key')).toEqual({});
    expect(only(custom, 'google_storage_bucket').encryption.default_kms_key_name).toBe(
      'projects/sec/locations/us/keyRings/r/cryptoKeys/storage',
    );
    expect(only(custom, 'google_kms_crypto_key_iam_member').crypto_key_id).toBe('projects/sec/locations/us/keyRings/r/cryptoKeys/storage');
  });

  test('records every state read: Cloud Storage data-access audit logs', () => {
    expect(only(json, 'google_project_iam_audit_config')).toMatchObject({
      service: 'storage.googleapis.com',
      audit_log_config: [{ log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }],
    });
  });
});

describe('PlatformBootstrap: APIs', () => {
  test('enables the APIs of the given types, the base and runtime APIs, never disabling them on destroy', () => {
    const services = Object.values(resources(bootstrapJson(), 'google_project_service'));
    const enabled = services.map((s) => s.service);
    for (const api of [
      'run.googleapis.com',
      'sqladmin.googleapis.com',
      'storage.googleapis.com',
      'cloudresourcemanager.googleapis.com',
      'language.googleapis.com',
      'dialogflow.googleapis.com',
      'cloudtrace.googleapis.com',
      'iamcredentials.googleapis.com',
      'sts.googleapis.com',
    ]) {
      expect(enabled).toContain(api);
    }
    expect(enabled).not.toContain('container.googleapis.com');
    expect(services.every((s) => s.disable_on_destroy === false)).toBe(true);
    expect(new Set(enabled).size).toBe(enabled.length);
  });

  test('enables them in every platform project, and the bootstrap APIs in its own', () => {
    const json = bootstrapJson({ projectId: 'acme-convai-admin', projects: ['acme-convai-dev', 'acme-convai-prod'] });
    const services = Object.values(resources(json, 'google_project_service'));
    const inProject = (p: string): string[] => services.filter((s) => s.project === p).map((s) => s.service);
    expect(inProject('acme-convai-dev')).toContain('run.googleapis.com');
    expect(inProject('acme-convai-prod')).toEqual(inProject('acme-convai-dev'));
    expect(inProject('acme-convai-admin')).toEqual(
      expect.arrayContaining(['cloudkms.googleapis.com', 'storage.googleapis.com', 'sts.googleapis.com']),
    );
    expect(inProject('acme-convai-admin')).not.toContain('run.googleapis.com');
  });
});

describe('PlatformBootstrap: the deployer', () => {
  const types = [...TYPES, 'google_project_iam_member'];
  const json = bootstrapJson({
    resourceTypes: types,
    github: { repository: 'acme/convai-platform', branch: 'main' },
    cloudBuildServiceAccounts: ['ci@acme-convai-dev.iam.gserviceaccount.com'],
    grantableRoles: ['roles/cloudsql.client'],
  });
  const grants = Object.values(resources(json, 'google_project_iam_member'));

  test('holds the roles derived from the types, each a predefined role with a reason; never a primitive role', () => {
    const roles = grants.map((g) => g.role).sort();
    expect(roles).toEqual(PlatformServices.deployerRolesFor(types).map((r) => r.role));
    expect(roles).toEqual(expect.arrayContaining(['roles/run.admin', 'roles/cloudsql.admin', 'roles/storage.admin']));
    for (const role of roles) expect(PlatformServices.primitiveRoles()).not.toContain(role);
    for (const r of PlatformServices.allDeployerRoles()) {
      expect(r.reason.length).toBeGreaterThan(20);
      expect(PlatformServices.primitiveRoles()).not.toContain(r.role);
    }
    expect(grants.every((g) => g.member === 'serviceAccount:platform-deployer@acme-convai-dev.iam.gserviceaccount.com')).toBe(true);
  });

  test('may grant at project level only the roles the platform grants (IAM condition)', () => {
    const admin = grants.find((g) => g.role === 'roles/resourcemanager.projectIamAdmin');
    expect(admin?.condition.expression).toBe(
      "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/cloudsql.client'])",
    );
    const without = Object.values(
      resources(bootstrapJson({ resourceTypes: [...TYPES, 'google_project_iam_member'] }), 'google_project_iam_member'),
    );
    expect(without.map((g) => g.role)).not.toContain('roles/resourcemanager.projectIamAdmin');
  });

  test('reads and writes the state bucket only at bucket level', () => {
    expect(only(json, 'google_storage_bucket_iam_member')).toMatchObject({
      role: 'roles/storage.objectAdmin',
      member: 'serviceAccount:platform-deployer@acme-convai-dev.iam.gserviceaccount.com',
    });
  });

  test('GitHub Actions: OIDC provider restricted to the repository and branch, workloadIdentityUser for that repository', () => {
    const provider = only(json, 'google_iam_workload_identity_pool_provider');
    expect(provider.oidc.issuer_uri).toBe('https://token.actions.githubusercontent.com');
    expect(provider.attribute_mapping).toMatchObject({ 'google.subject': 'assertion.sub', 'attribute.repository': 'assertion.repository' });
    expect(provider.attribute_condition).toBe(
      'assertion.repository == "acme/convai-platform" && assertion.sub == "repo:acme/convai-platform:ref:refs/heads/main"',
    );
    const access = Object.values(resources(json, 'google_service_account_iam_member')).find(
      (g) => g.role === 'roles/iam.workloadIdentityUser',
    );
    expect(access?.member).toMatch(
      /^principalSet:\/\/iam\.googleapis\.com\/\$\{google_iam_workload_identity_pool\.bootstrap_ci-pool_[0-9A-F]+\.name\}\/attribute\.repository\/acme\/convai-platform$/,
    );
  });

  test('a GitHub environment narrows the subject to that environment (and the branch, when given)', () => {
    expect(PlatformBootstrap.githubCondition({ repository: 'acme/p', environment: 'production', branch: 'main' })).toBe(
      'assertion.repository == "acme/p" && assertion.sub == "repo:acme/p:environment:production" && assertion.ref == "refs/heads/main"',
    );
    const provider = only(
      bootstrapJson({ github: { repository: 'acme/p', environment: 'production' } }),
      'google_iam_workload_identity_pool_provider',
    );
    expect(provider.attribute_mapping['attribute.environment']).toBe('assertion.environment');
  });

  test('Cloud Build accounts may impersonate the deployer, on the deployer only', () => {
    const tokenCreator = Object.values(resources(json, 'google_service_account_iam_member')).find(
      (g) => g.role === 'roles/iam.serviceAccountTokenCreator',
    );
    expect(tokenCreator).toMatchObject({ member: 'serviceAccount:ci@acme-convai-dev.iam.gserviceaccount.com' });
    expect(tokenCreator?.service_account_id).toMatch(/^\$\{google_service_account\.bootstrap_deployer_[0-9A-F]+\.name\}$/);
  });

  test('no service-account keys, and no GitHub pool unless asked', () => {
    expect(resources(json, 'google_service_account_key')).toEqual({});
    expect(resources(bootstrapJson(), 'google_iam_workload_identity_pool')).toEqual({});
  });
});

describe('PlatformBootstrap: validation', () => {
  const make =
    (props: Partial<PlatformBootstrapProps>): (() => void) =>
    () =>
      new PlatformBootstrap(platformStack(), 'bootstrap', { stateBucketName: 'acme-convai-tfstate', resourceTypes: TYPES, ...props });

  test('names the prop, the value and the fix', () => {
    expect(make({ stateBucketName: 'Acme_State!' })).toThrow(/stateBucketName "Acme_State!" is not a bucket name/);
    expect(make({ resourceTypes: [...TYPES, 'google_made_up_thing'] })).toThrow(
      /resourceTypes has google_made_up_thing, whose API and deployer role are unknown: add them to SERVICE_TABLE/,
    );
    expect(make({ grantableRoles: ['roles/owner'] })).toThrow(/grantableRoles has roles\/owner/);
    expect(make({ github: { repository: 'convai-platform' } })).toThrow(/github.repository "convai-platform" is not "owner\/name"/);
    expect(make({ github: { repository: 'a/b', branch: 'refs/heads/main' } })).toThrow(
      /github.branch "refs\/heads\/main" is not a branch name/,
    );
    expect(make({ location: 'NAM4' })).toThrow(/location "NAM4" is not a region or multi-region/);
    expect(make({ noncurrentVersionRetention: Duration.days(0) })).toThrow(
      /noncurrentVersionRetention is 0 s: give a whole number of days/,
    );
    expect(make({ projects: ['acme-convai-dev', 'acme-convai-dev'] })).toThrow(/projects lists acme-convai-dev more than once/);
  });

  test('outside a PlatformStack it asks for projectId and location', () => {
    const stack = new TerraformStack(Testing.app(), 'plain');
    expect(() => new PlatformBootstrap(stack, 'b', { stateBucketName: 'acme-tfstate', resourceTypes: TYPES })).toThrow(
      /projectId is empty[\s\S]*location is empty/,
    );
  });
});

describe('the reference app’s bootstrap stack', () => {
  const { platforms, bootstrap } = referenceApp();
  const enabledIn = (project: string): string[] =>
    Object.values(resources(bootstrap, 'google_project_service'))
      .filter((s) => s.project === project)
      .map((s) => s.service);

  test('every resource type the platform stacks use has a known API: a new type fails here, by name', () => {
    const used = [...new Set(platforms.flatMap(typesIn))];
    expect(used.length).toBeGreaterThan(40);
    expect(PlatformServices.unmapped(used)).toEqual([]);
  });

  test('each platform project gets every API its stack’s types map to, plus the runtime APIs', () => {
    DEFAULT_CONFIG.environments.forEach((env, i) => {
      const enabled = enabledIn(env.projectId);
      const missing = [...PlatformServices.apisFor(typesIn(platforms[i])), ...PlatformServices.runtimeApis()].filter(
        (a) => !enabled.includes(a),
      );
      expect({ project: env.projectId, missing }).toEqual({ project: env.projectId, missing: [] });
    });
  });

  test('the bootstrap project gets the APIs of the bootstrap’s own resources', () => {
    const enabled = enabledIn(DEFAULT_CONFIG.bootstrap!.projectId);
    const missing = PlatformServices.apisFor(typesIn(bootstrap).filter((t) => t !== 'google_project_service')).filter(
      (a) => !enabled.includes(a),
    );
    expect(missing).toEqual([]);
  });

  test('the deployer may grant exactly the roles the platform stacks grant, custom roles by full name', () => {
    const admin = Object.values(resources(bootstrap, 'google_project_iam_member')).find(
      (g) => g.role === 'roles/resourcemanager.projectIamAdmin' && g.project === 'convai-reference-prod',
    );
    const granted = [
      ...new Set(platforms.flatMap((p) => Object.values(resources(p, 'google_project_iam_member')).map((g) => g.role as string))),
    ].filter((r) => !r.startsWith('${'));
    for (const role of granted) expect(admin?.condition.expression).toContain(`'${role}'`);
    expect(admin?.condition.expression).toContain("'projects/convai-reference-prod/roles/convai_backups_sql_export'");
    expect(admin?.condition.expression).not.toContain('${');
  });

  test('records a reason for each policy finding it accepts on the deployer, and nothing else', () => {
    const suppressions: Array<{ check_id: string; resource: string; reason: string }> = bootstrap['//'].policy_suppressions;
    expect(new Set(suppressions.map((s) => s.check_id))).toEqual(
      new Set(['CKV_CONVAI_39', 'CKV_GCP_41', 'CKV_GCP_42', 'CKV_GCP_49', 'CKV_GCP_62']),
    );
    // Every unconditioned project grant says why; the conditioned project IAM admin grant needs no reason.
    const unconditioned = Object.entries(resources(bootstrap, 'google_project_iam_member'))
      .filter(([, grant]) => !grant.condition)
      .map(([name]) => `google_project_iam_member.${name}`);
    expect(unconditioned.length).toBeGreaterThan(0);
    expect(
      suppressions
        .filter((s) => s.check_id === 'CKV_CONVAI_39')
        .map((s) => s.resource)
        .sort(),
    ).toEqual(unconditioned.sort());
    for (const s of suppressions.filter((x) => x.check_id !== 'CKV_GCP_62')) {
      expect(s.resource).toMatch(/^google_project_iam_member\.bootstrap_deployer-/);
    }
  });

  test('starts with local state; remoteState moves it into the bucket it made', () => {
    expect(bootstrap.terraform.backend.local.path).toBe('terraform.bootstrap.tfstate');
    const app = Testing.app();
    const stack = new BootstrapStack(app, { ...DEFAULT_CONFIG.bootstrap!, remoteState: true }, DEFAULT_CONFIG.environments, [
      { stack: new WebhookPlatformStack(app, DEFAULT_CONFIG.environments[0]), projectId: DEFAULT_CONFIG.environments[0].projectId },
    ]);
    expect(synth(stack).terraform.backend.gcs).toEqual({ bucket: 'convai-reference-tfstate', prefix: 'convai/bootstrap' });
  });

  test('labels as the platform does, and runs in the bootstrap project', () => {
    expect(bootstrap.provider.google[0].project).toBe('convai-reference-admin');
    expect(only(bootstrap, 'google_storage_bucket').labels).toMatchObject({ env: 'shared', component: 'bootstrap' });
  });
});

describe('the example config', () => {
  test('has a bootstrap whose bucket every environment uses', () => {
    const config = loadConfig('stacks/platform.config.example.json');
    expect(config.bootstrap?.stateBucket).toBeDefined();
    for (const env of config.environments) expect(env.stateBucket).toBe(config.bootstrap!.stateBucket);
  });

  test('refuses an environment whose state lives in a bucket the deployer cannot reach', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convai-bootstrap-config-'));
    try {
      const file = join(dir, 'config.json');
      const example = JSON.parse(readFileSync('stacks/platform.config.example.json', 'utf8'));
      example.environments[0].stateBucket = 'somewhere-else';
      writeFileSync(file, JSON.stringify(example));
      expect(() => loadConfig(file)).toThrow(
        /environment "prod" keeps its state in "somewhere-else" but bootstrap creates "acme-convai-tfstate"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
