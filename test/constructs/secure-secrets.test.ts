import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Duration } from '../../constructs/core/duration';
import { Grantee } from '../../constructs/core/grantee';
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { KeyPurpose } from '../../constructs/core/encryption-keys';
import { KeyProtectionLevel } from '../../constructs/secure-secrets/key-protection';
import { SecureSecrets } from '../../constructs/secure-secrets/secure-secrets';
import { SecureSecretsProps } from '../../constructs/secure-secrets/secure-secrets-props';
import { PlatformSecretOptions } from '../../constructs/secure-secrets/platform-secret';
import { DEV_PROPS, Json, PROD_PROPS, only, platformStack, resources, synth } from '../helpers/synth';

function build(props: SecureSecretsProps = {}, stackProps = PROD_PROPS): { json: Json; secrets: SecureSecrets } {
  const stack = platformStack(stackProps);
  const secrets = new SecureSecrets(stack, 'secrets', props);
  return { json: synth(stack), secrets };
}

describe('SecureSecrets keys', () => {
  const { json, secrets } = build();
  const keys = Object.values(resources(json, 'google_kms_crypto_key'));

  test('one key ring per platform region, named after the construct and region', () => {
    const rings = Object.values(resources(json, 'google_kms_key_ring'));
    expect(rings.map((r) => [r.name, r.location]).sort()).toEqual([
      ['secrets-asia-northeast1', 'asia-northeast1'],
      ['secrets-europe-west1', 'europe-west1'],
      ['secrets-us-central1', 'us-central1'],
    ]);
  });

  test('one key per purpose per region: rotated every 90 days, prevent_destroy, software, 30-day destroy delay', () => {
    expect(keys).toHaveLength(3 * 4);
    expect([...new Set(keys.map((k) => k.name))].sort()).toEqual([
      'secrets-database',
      'secrets-logs',
      'secrets-secrets',
      'secrets-storage',
    ]);
    for (const k of keys) {
      expect(k.rotation_period).toBe('7776000s');
      expect(k.lifecycle).toEqual({ prevent_destroy: true });
      expect(k.purpose).toBe('ENCRYPT_DECRYPT');
      expect(k.version_template).toEqual({ algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protection_level: 'SOFTWARE' });
      expect(k.destroy_scheduled_duration).toBe('2592000s');
      expect(k.labels.env).toBe('prod');
    }
  });

  test('keyId covers every purpose in every region and points at that region’s key', () => {
    // Outputs resolve the ids the way a consuming construct would see them.
    const stack = platformStack(PROD_PROPS);
    const own = new SecureSecrets(stack, 'secrets');
    for (const region of PROD_PROPS.regions) {
      for (const purpose of Object.values(KeyPurpose))
        new TerraformOutput(stack, `${region}-${purpose}`, { value: own.keyId(region, purpose) });
    }
    const out = synth(stack);
    for (const region of PROD_PROPS.regions) {
      for (const purpose of Object.values(KeyPurpose)) {
        const ref = out.output[`${region}-${purpose}`].value as string;
        const key = out.resource.google_kms_crypto_key[/google_kms_crypto_key\.([^.]+)\.id/.exec(ref)![1]];
        expect(key.name).toBe(`secrets-${purpose}`);
        const ring = out.resource.google_kms_key_ring[/google_kms_key_ring\.([^.]+)\.id/.exec(key.key_ring)![1]];
        expect(ring.location).toBe(region);
      }
    }
  });

  test('keyId for a region without keys throws and says how to fix it', () => {
    expect(() => secrets.keyId('us-east1', KeyPurpose.DATABASE)).toThrow(
      /no database key in us-east1.*add "us-east1" to SecureSecrets regions/,
    );
  });

  test('each service agent gets encrypt/decrypt on the keys of its purpose only, in every region', () => {
    const grants = Object.values(resources(json, 'google_kms_crypto_key_iam_member'));
    expect(grants).toHaveLength(3 * 6);
    for (const g of grants) expect(g.role).toBe('roles/cloudkms.cryptoKeyEncrypterDecrypter');
    const keyNameOf = (g: Json): string => {
      const logical = /google_kms_crypto_key\.([^.]+)\.id/.exec(g.crypto_key_id)![1];
      return json.resource.google_kms_crypto_key[logical].name;
    };
    const byAgent = (pattern: RegExp): string[] => [...new Set(grants.filter((g) => pattern.test(g.member)).map(keyNameOf))];
    expect(byAgent(/@gcp-sa-cloud-sql\./)).toEqual(['secrets-database']);
    expect(byAgent(/@gs-project-accounts\./)).toEqual(['secrets-storage']);
    expect(byAgent(/@gcp-sa-artifactregistry\./)).toEqual(['secrets-storage']);
    expect(byAgent(/@gcp-sa-secretmanager\./)).toEqual(['secrets-secrets']);
    expect(byAgent(/@gcp-sa-pubsub\./)).toEqual(['secrets-logs']);
    expect(byAgent(/google_logging_project_settings/)).toEqual(['secrets-logs']);
    for (const g of grants) expect(g.member).toMatch(/^serviceAccount:/);
  });

  test('agent emails use the project number from a data source unless given', () => {
    const grants = Object.values(resources(json, 'google_kms_crypto_key_iam_member'));
    expect(grants.find((g) => /cloud-sql/.test(g.member))!.member).toMatch(
      /^serviceAccount:service-\$\{data\.google_project\.[^.]+\.number\}@/,
    );
    const given = build({ projectNumber: '123456789' }).json;
    const sql = Object.values(resources(given, 'google_kms_crypto_key_iam_member')).find((g) => /cloud-sql/.test(g.member))!;
    expect(sql.member).toBe('serviceAccount:service-123456789@gcp-sa-cloud-sql.iam.gserviceaccount.com');
  });
});

describe('SecureSecrets options', () => {
  test('HSM protection, shorter rotation and destroy delay, explicit regions and name', () => {
    const { json } = build({
      name: 'vault',
      regions: ['us', 'europe-west1'],
      protectionLevel: KeyProtectionLevel.HSM,
      rotationPeriod: Duration.days(30),
      destroyScheduledDuration: Duration.days(7),
    });
    const rings = Object.values(resources(json, 'google_kms_key_ring')).map((r) => r.name);
    expect(rings.sort()).toEqual(['vault-europe-west1', 'vault-us']);
    for (const k of Object.values(resources(json, 'google_kms_crypto_key'))) {
      expect(k.version_template.protection_level).toBe('HSM');
      expect(k.rotation_period).toBe('2592000s');
      expect(k.destroy_scheduled_duration).toBe('604800s');
    }
  });

  test('grantServiceAgents: false creates no key grants and does not read the logging settings', () => {
    const { json } = build({ grantServiceAgents: false }, DEV_PROPS);
    expect(resources(json, 'google_kms_crypto_key_iam_member')).toEqual({});
    expect(json.data.google_logging_project_settings).toBeUndefined();
  });

  test('grantEncryptDecrypt is additive on one key', () => {
    const stack = platformStack(DEV_PROPS);
    const secrets = new SecureSecrets(stack, 'secrets', { grantServiceAgents: false });
    secrets.grantEncryptDecrypt(
      'ci',
      'us-central1',
      KeyPurpose.STORAGE,
      Grantee.fromServiceAccountEmail('ci@acme.iam.gserviceaccount.com'),
    );
    const grants = Object.values(resources(synth(stack), 'google_kms_crypto_key_iam_member'));
    expect(grants).toHaveLength(1);
    expect(grants[0].member).toBe('serviceAccount:ci@acme.iam.gserviceaccount.com');
  });

  test('outside a PlatformStack it needs regions', () => {
    const stack = new TerraformStack(Testing.app(), 'plain');
    new GoogleProvider(stack, 'google', { project: 'p' });
    expect(() => new SecureSecrets(stack, 'secrets')).toThrow(/regions is empty/);
    const ok = new SecureSecrets(new TerraformStack(Testing.app(), 'plain2'), 'secrets', {
      regions: ['us-east1'],
      grantServiceAgents: false,
    });
    expect(ok.regions).toEqual(['us-east1']);
  });
});

describe('SecureSecrets validation', () => {
  test.each<[string, SecureSecretsProps, RegExp]>([
    ['bad name', { name: 'Vault_1' }, /name "Vault_1" is not a valid base name/],
    ['empty regions', { regions: [] }, /regions is empty/],
    ['duplicate regions', { regions: ['us-east1', 'us-east1'] }, /regions lists us-east1 more than once/],
    ['not a location', { regions: ['US Central'] }, /regions has US Central, which are not locations/],
    ['only multi-regions', { regions: ['us', 'eu'] }, /regions has only multi-regions \(us, eu\): add at least one region/],
    ['rotation above 90 days', { rotationPeriod: Duration.days(365) }, /rotationPeriod is 365 d: give a whole number of days from 1 to 90/],
    ['rotation below 1 day', { rotationPeriod: Duration.days(0) }, /rotationPeriod is 0 s/],
    ['fractional rotation', { rotationPeriod: Duration.hours(36) }, /rotationPeriod is 36 h/],
    [
      'destroy delay too long',
      { destroyScheduledDuration: Duration.days(121) },
      /destroyScheduledDuration is 121 d: give a whole number of days from 1 to 120/,
    ],
    [
      'audit retention too long',
      { auditLogRetention: Duration.days(4000) },
      /auditLogRetention is 4000 d: give Duration.days\(0\) \(no bucket\) or a whole number/,
    ],
  ])('%s', (_name, props, message) => {
    expect(() => new SecureSecrets(platformStack(DEV_PROPS), 'secrets', props)).toThrow(message);
  });

  test('all broken rules are reported at once', () => {
    expect(() => new SecureSecrets(platformStack(DEV_PROPS), 'secrets', { name: 'X', rotationPeriod: Duration.days(400) })).toThrow(
      /name "X"[\s\S]*rotationPeriod is 400 d/,
    );
  });

  test('unresolved tokens are not judged', () => {
    const stack = platformStack(DEV_PROPS);
    const days = new TerraformVariable(stack, 'days', { type: 'number' });
    expect(
      () => new SecureSecrets(stack, 'secrets', { rotationPeriod: Duration.days(days.numberValue), grantServiceAgents: false }),
    ).not.toThrow();
  });
});

describe('SecureSecrets secrets', () => {
  const stack = platformStack(PROD_PROPS);
  const secrets = new SecureSecrets(stack, 'secrets', { name: 'convai' });
  const apiKey = secrets.addSecret('api-key', { annotations: { owner: 'nlp-team' } });
  apiKey.grantAccess('webhook', Grantee.fromMember('serviceAccount:webhook@acme.iam.gserviceaccount.com'));
  secrets.addSecret('db-password', { secretId: 'db_password', rotationPeriod: Duration.days(30), versionDestroyTtl: Duration.days(14) });
  const json = synth(stack);
  const byName = (name: string): Json => Object.values(resources(json, 'google_secret_manager_secret')).find((s) => s.secret_id === name)!;
  const keyName = (ref: string): [string, string] => {
    const key = json.resource.google_kms_crypto_key[/google_kms_crypto_key\.([^.]+)\.id/.exec(ref)![1]];
    const ring = json.resource.google_kms_key_ring[/google_kms_key_ring\.([^.]+)\.id/.exec(key.key_ring)![1]];
    return [ring.location, key.name];
  };

  test('one replica per region, each encrypted with that region’s secrets key', () => {
    const s = byName('convai-api-key');
    const replicas: Json[] = s.replication.user_managed.replicas;
    expect(replicas.map((r) => r.location)).toEqual(PROD_PROPS.regions);
    for (const r of replicas) expect(keyName(r.customer_managed_encryption.kms_key_name)).toEqual([r.location, 'convai-secrets']);
  });

  test('defaults: 90-day rotation notifying the rotation topic, 7-day version destroy TTL, out-of-band annotation', () => {
    const s = byName('convai-api-key');
    expect(s.rotation.rotation_period).toBe('7776000s');
    expect(s.rotation.next_rotation_time).toBe('${timeadd(plantimestamp(), "2160h")}');
    expect(s.lifecycle.ignore_changes).toEqual(['rotation[0].next_rotation_time']);
    expect(s.topics).toEqual([{ name: expect.stringMatching(/^\$\{google_pubsub_topic\.[^.]+\.id\}$/) }]);
    expect(s.version_destroy_ttl).toBe('604800s');
    expect(s.annotations).toEqual({ 'value-source': 'out-of-band', owner: 'nlp-team' });
    expect(s.labels.env).toBe('prod');
  });

  test('options: secret id, rotation, destroy TTL', () => {
    const s = byName('db_password');
    expect(s.rotation.rotation_period).toBe('2592000s');
    expect(s.version_destroy_ttl).toBe('1209600s');
  });

  test('no secret value anywhere: no secret versions are created', () => {
    expect(resources(json, 'google_secret_manager_secret_version')).toEqual({});
  });

  test('the rotation topic is CMEK-encrypted with the primary logs key, kept in the platform regions, and only Secret Manager publishes', () => {
    const topic = only(json, 'google_pubsub_topic');
    expect(topic.name).toBe('convai-secret-rotation');
    expect(keyName(topic.kms_key_name)).toEqual(['us-central1', 'convai-logs']);
    expect(topic.message_storage_policy.allowed_persistence_regions).toEqual(PROD_PROPS.regions);
    expect(topic.depends_on.filter((d: string) => d.startsWith('google_kms_crypto_key_iam_member.secrets_agent-pubsub-'))).toHaveLength(3);
    const publisher = only(json, 'google_pubsub_topic_iam_member');
    expect(publisher.role).toBe('roles/pubsub.publisher');
    expect(publisher.member).toMatch(/^serviceAccount:service-.*@gcp-sa-secretmanager\.iam\.gserviceaccount\.com$/);
  });

  test('secrets wait for the Secret Manager key grants and the publisher grant', () => {
    const s = byName('convai-api-key');
    expect(s.depends_on.filter((d: string) => d.startsWith('google_kms_crypto_key_iam_member.secrets_agent-secret-manager-'))).toHaveLength(
      3,
    );
    expect(
      s.depends_on.filter((d: string) => d.startsWith('google_pubsub_topic_iam_member.secrets_rotation-topic-publisher')),
    ).toHaveLength(1);
  });

  test('grantAccess is secretAccessor on that one secret, additive', () => {
    const grant = only(json, 'google_secret_manager_secret_iam_member');
    expect(grant.role).toBe('roles/secretmanager.secretAccessor');
    expect(grant.member).toBe('serviceAccount:webhook@acme.iam.gserviceaccount.com');
    const apiKeyLogical = Object.entries(resources(json, 'google_secret_manager_secret')).find(
      ([, s]) => s.secret_id === 'convai-api-key',
    )![0];
    expect(grant.secret_id).toBe(`\${google_secret_manager_secret.${apiKeyLogical}.id}`);
    expect(resources(json, 'google_project_iam_member')).toEqual({});
  });

  test('no grantee for allUsers or allAuthenticatedUsers can even be made', () => {
    expect(() => apiKey.grantAccess('public', Grantee.fromMember('allUsers'))).toThrow(/Grantee.fromMember: allUsers is public/);
    expect(() => apiKey.grantAccess('public2', Grantee.fromMember('allAuthenticatedUsers'))).toThrow(
      /Grantee.fromMember: allAuthenticatedUsers is public/,
    );
  });

  test('data-access audit logs for KMS, Secret Manager and Cloud SQL', () => {
    const configs = Object.values(resources(json, 'google_project_iam_audit_config'));
    expect(configs.map((c) => c.service).sort()).toEqual([
      'cloudkms.googleapis.com',
      'secretmanager.googleapis.com',
      'sqladmin.googleapis.com',
    ]);
    for (const c of configs) expect(c.audit_log_config.map((l: Json) => l.log_type)).toEqual(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE']);
    const off = platformStack(DEV_PROPS);
    new SecureSecrets(off, 'secrets', { dataAccessAuditLogs: false });
    expect(resources(synth(off), 'google_project_iam_audit_config')).toEqual({});
  });

  test('audit logs are copied to a CMEK log bucket in the primary region for 400 days', () => {
    const bucket = only(json, 'google_logging_project_bucket_config');
    expect(bucket.location).toBe('us-central1');
    expect(bucket.bucket_id).toBe('convai-audit');
    expect(bucket.retention_days).toBe(400);
    expect(keyName(bucket.cmek_settings.kms_key_name)).toEqual(['us-central1', 'convai-logs']);
    expect(bucket.depends_on.filter((d: string) => d.startsWith('google_kms_crypto_key_iam_member.secrets_agent-logging-'))).toHaveLength(
      3,
    );
    const sink = only(json, 'google_logging_project_sink');
    expect(sink.filter).toBe('logName:"cloudaudit.googleapis.com"');
    expect(sink.destination).toMatch(
      /^logging\.googleapis\.com\/projects\/\$\{data\.google_project\.[^.]+\.project_id\}\/locations\/us-central1\/buckets\/convai-audit$/,
    );
    expect(sink.unique_writer_identity).toBe(true);
  });

  test('auditLogRetention sets the retention; 0 creates no bucket or sink', () => {
    const s1 = platformStack(DEV_PROPS);
    new SecureSecrets(s1, 'secrets', { auditLogRetention: Duration.days(30) });
    expect(only(synth(s1), 'google_logging_project_bucket_config').retention_days).toBe(30);
    const s2 = platformStack(DEV_PROPS);
    new SecureSecrets(s2, 'secrets', { auditLogRetention: Duration.days(0) });
    const out = synth(s2);
    expect(resources(out, 'google_logging_project_bucket_config')).toEqual({});
    expect(resources(out, 'google_logging_project_sink')).toEqual({});
  });

  test('multi-region locations get keys but no secret replicas or Pub/Sub storage (those need regions)', () => {
    const s2 = platformStack(DEV_PROPS);
    const mixed = new SecureSecrets(s2, 'secrets', { regions: ['us-central1', 'us'] });
    mixed.addSecret('x');
    const out = synth(s2);
    expect(only(out, 'google_secret_manager_secret').replication.user_managed.replicas.map((r: Json) => r.location)).toEqual([
      'us-central1',
    ]);
    expect(only(out, 'google_pubsub_topic').message_storage_policy.allowed_persistence_regions).toEqual(['us-central1']);
  });

  test.each<[string, PlatformSecretOptions, RegExp]>([
    ['bad secret id', { secretId: 'has space' }, /secretId "has space" is not a Secret Manager id/],
    ['rotation too long', { rotationPeriod: Duration.days(400) }, /rotationPeriod is 400 d: give a whole number of days from 1 to 365/],
    [
      'destroy TTL too long',
      { versionDestroyTtl: Duration.days(31) },
      /versionDestroyTtl is 31 d: give a whole number of days from 1 to 30/,
    ],
    ['destroy TTL in hours', { versionDestroyTtl: Duration.hours(12) }, /versionDestroyTtl is 12 h: give a whole number of days/],
  ])('validation: %s', (_n, options, message) => {
    const s3 = new SecureSecrets(platformStack(DEV_PROPS), 'secrets');
    expect(() => s3.addSecret('x', options)).toThrow(message);
  });
});
