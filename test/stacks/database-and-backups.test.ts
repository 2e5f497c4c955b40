import { Testing } from 'cdktf';
import { KeyPurpose } from '../../constructs/core/encryption-keys';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { Json, resources } from '../helpers/synth';

/** The webhook's Cloud Run services: every service but the incident responder's (IncidentResponse). */
function webhookServices(json: Json): Record<string, Json> {
  return Object.fromEntries(Object.entries(resources(json, 'google_cloud_run_v2_service')).filter(([id]) => !id.startsWith('incidents_')));
}

function stackFor(name: string): { stack: WebhookPlatformStack; json: Json } {
  const config = DEFAULT_CONFIG.environments.find((e) => e.name === name)!;
  const stack = new WebhookPlatformStack(Testing.app(), config);
  return { stack, json: JSON.parse(Testing.synth(stack, true)) };
}
const kmsRef = /^\$\{google_kms_crypto_key\.secrets_key-[\w-]+\.id\}$/;

describe('reference prod stack: multi-region database and backups', () => {
  const { stack, json } = stackFor('prod');
  const instances = Object.values(resources(json, 'google_sql_database_instance'));

  test('a REGIONAL primary with replicas in the other two regions, the second one the DR replica', () => {
    const primary = instances.find((i) => !i.master_instance_name)!;
    expect(primary.region).toBe('us-central1');
    expect(primary.settings.availability_type).toBe('REGIONAL');
    expect(primary.replication_cluster.failover_dr_replica_name).toBe('convai-reference-prod:convai-db-s0-europe-west1');
    expect(
      instances
        .filter((i) => i.master_instance_name)
        .map((i) => i.region)
        .sort(),
    ).toEqual(['asia-northeast1', 'europe-west1']);
  });

  test('instances and the backup bucket use SecureSecrets keys', () => {
    for (const i of instances) expect(i.encryption_key_name).toMatch(kmsRef);
    const bucket = Object.values(resources(json, 'google_storage_bucket')).find((b) => b.labels?.purpose === 'backup')!;
    expect(bucket.encryption.default_kms_key_name).toMatch(kmsRef);
    expect(() => stack.secrets.keyId('us', KeyPurpose.STORAGE)).not.toThrow();
    expect(bucket.encryption.default_kms_key_name).toMatch(/secrets_key-us-storage/);
  });

  test('a restorable bucket: dual-region with turbo replication, versioned, retained', () => {
    const bucket = Object.values(resources(json, 'google_storage_bucket')).find((b) => b.labels?.purpose === 'backup')!;
    expect(bucket).toMatchObject({ location: 'NAM4', rpo: 'ASYNC_TURBO', versioning: { enabled: true } });
    expect(bucket.retention_policy.retention_period).toBeGreaterThan(0);
    expect(stack.backups.rpo.toMinutes()).toBe(15);
    expect(stack.backups.rto.toMinutes()).toBe(30);
  });

  test('the webhook reaches the database over Direct VPC egress with IAM auth', () => {
    for (const service of Object.values(webhookServices(json))) {
      const env = Object.fromEntries(service.template.containers[0].env.map((e: Json) => [e.name, e.value]));
      expect(env.PG_IAM_AUTH).toBe('true');
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/\$\{replace\(trimsuffix\(google_service_account\.webhook_service-account_\w+\.email/);
      expect(env.DATABASE_URL).toMatch(/private_ip_address\}:5432\/webhook\?sslmode=verify-full$/);
      // Verified TLS: every instance of the shard's server CA (a promoted replica keeps its own) and name.
      expect(env.DATABASE_TLS_CA).toMatch(
        /^\$\{join\("\\n", \[google_sql_database_instance\.database_shard0-primary_\w+\.server_ca_cert\[0\]\.cert, /,
      );
      expect(env.DATABASE_TLS_SERVER_NAME.split(',')[0]).toMatch(/^convai-reference-prod:convai-db-s0$/);
      expect(service.template.vpc_access.egress).toBe('PRIVATE_RANGES_ONLY');
      expect(service.template.vpc_access.network_interfaces[0].subnetwork).toMatch(/google_compute_subnetwork\.network_subnet-/);
    }
    const user = Object.values(resources(json, 'google_sql_user'))[0];
    expect(user.type).toBe('CLOUD_IAM_SERVICE_ACCOUNT');
  });
});

describe('reference dev stack', () => {
  const { stack } = stackFor('dev');

  test('one region: no replicas, a day of RPO and a restore from backup as RTO', () => {
    expect(stack.database.replicas).toEqual([]);
    expect(stack.backups.rpo.toHours()).toBe(24);
    expect(stack.backups.rto.toHours()).toBe(8);
    expect(stack.backups.backupVault).toBeUndefined();
  });
});
