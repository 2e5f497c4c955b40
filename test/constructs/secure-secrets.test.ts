import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { KeyPurpose } from '../../constructs/core/encryption-keys';
import { KeyProtectionLevel } from '../../constructs/secure-secrets/key-protection';
import { SecureSecrets } from '../../constructs/secure-secrets/secure-secrets';
import { SecureSecretsProps } from '../../constructs/secure-secrets/secure-secrets-props';
import { DEV_PROPS, Json, PROD_PROPS, platformStack, resources, synth } from '../helpers/synth';

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
      rotationDays: 30,
      destroyScheduledDays: 7,
    });
    const rings = Object.values(resources(json, 'google_kms_key_ring')).map((r) => r.name);
    expect(rings.sort()).toEqual(['vault-europe-west1', 'vault-us']);
    for (const k of Object.values(resources(json, 'google_kms_crypto_key'))) {
      expect(k.version_template.protection_level).toBe('HSM');
      expect(k.rotation_period).toBe('2592000s');
      expect(k.destroy_scheduled_duration).toBe('604800s');
    }
  });

  test('grantServiceAgents: false creates no grants and no data sources', () => {
    const { json } = build({ grantServiceAgents: false }, DEV_PROPS);
    expect(resources(json, 'google_kms_crypto_key_iam_member')).toEqual({});
    expect(json.data ?? {}).toEqual({});
  });

  test('grantEncryptDecrypt is additive on one key, and refuses public members', () => {
    const stack = platformStack(DEV_PROPS);
    const secrets = new SecureSecrets(stack, 'secrets', { grantServiceAgents: false });
    secrets.grantEncryptDecrypt('ci', 'us-central1', KeyPurpose.STORAGE, 'serviceAccount:ci@acme.iam.gserviceaccount.com');
    const grants = Object.values(resources(synth(stack), 'google_kms_crypto_key_iam_member'));
    expect(grants).toHaveLength(1);
    expect(grants[0].member).toBe('serviceAccount:ci@acme.iam.gserviceaccount.com');
    expect(() => secrets.grantEncryptDecrypt('x', 'us-central1', KeyPurpose.STORAGE, 'allUsers')).toThrow(/would open the key to anyone/);
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
    ['rotation above 90 days', { rotationDays: 365 }, /rotationDays is 365: give a whole number of days from 1 to 90/],
    ['rotation below 1 day', { rotationDays: 0 }, /rotationDays is 0/],
    ['fractional rotation', { rotationDays: 1.5 }, /rotationDays is 1.5/],
    ['destroy delay too long', { destroyScheduledDays: 121 }, /destroyScheduledDays is 121: give a whole number of days from 1 to 120/],
  ])('%s', (_name, props, message) => {
    expect(() => new SecureSecrets(platformStack(DEV_PROPS), 'secrets', props)).toThrow(message);
  });

  test('all broken rules are reported at once', () => {
    expect(() => new SecureSecrets(platformStack(DEV_PROPS), 'secrets', { name: 'X', rotationDays: 400 })).toThrow(
      /name "X"[\s\S]*rotationDays is 400/,
    );
  });

  test('unresolved tokens are not judged', () => {
    const stack = platformStack(DEV_PROPS);
    const days = new TerraformVariable(stack, 'days', { type: 'number' });
    expect(() => new SecureSecrets(stack, 'secrets', { rotationDays: days.numberValue, grantServiceAgents: false })).not.toThrow();
  });
});
