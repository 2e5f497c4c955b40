import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Duration } from '../../constructs/core/duration';
import { Grantee } from '../../constructs/core/grantee';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { PolicySuppressions } from '../../constructs/core/policy-suppressions';
import { DatabaseEngine, SqlEdition } from '../../constructs/multi-region-db/multi-region-db';
import { MultiRegionDb, POSTGRES_LOGGING_FLAGS } from '../../constructs/multi-region-db/multi-region-db';
import { MultiRegionDbProps } from '../../constructs/multi-region-db/multi-region-db';
import { ShardMap } from '../../constructs/multi-region-db/shard-map';
import { maxConnectionsForTier, tierCpus, tierMemoryMiB } from '../../constructs/multi-region-db/sql-tier';
import { FixedKeys } from '../helpers/fixed-keys';
import { DEV_PROPS, Json, PROD_PROPS, only, platformStack, resources, synth, synthWithMetadata } from '../helpers/synth';

const NETWORK = 'projects/acme-convai-prod/global/networks/convai';
const PROD_BASE: MultiRegionDbProps = { network: NETWORK, encryptionKeys: new FixedKeys() };

function build(props: MultiRegionDbProps, stackProps = PROD_PROPS): { json: Json; db: MultiRegionDb } {
  const stack = platformStack(stackProps);
  const db = new MultiRegionDb(stack, 'db', props);
  return { json: synth(stack), db };
}
const instances = (json: Json): Json[] => Object.values(resources(json, 'google_sql_database_instance'));
const byName = (json: Json, name: string): Json => instances(json).find((i) => i.name === name)!;
const flags = (i: Json): Record<string, string> => Object.fromEntries(i.settings.database_flags.map((f: Json) => [f.name, f.value]));

describe('MultiRegionDb production defaults (Cloud SQL)', () => {
  const { json, db } = build(PROD_BASE);
  const primary = byName(json, 'db-s0');
  const replicas = instances(json).filter((i) => i.master_instance_name);

  test('one REGIONAL primary in the first region, newest GA Postgres, Enterprise Plus', () => {
    expect(instances(json)).toHaveLength(3);
    expect(primary.region).toBe('us-central1');
    expect(primary.database_version).toBe('POSTGRES_17');
    expect(primary.settings.availability_type).toBe('REGIONAL');
    expect(primary.settings.edition).toBe('ENTERPRISE_PLUS');
    expect(primary.settings.tier).toBe('db-perf-optimized-N-2');
  });

  test('a cross-region read replica in every other region, labelled with the primary region', () => {
    expect(replicas.map((r) => r.region).sort()).toEqual(['asia-northeast1', 'europe-west1']);
    const [primaryId] = Object.entries(resources(json, 'google_sql_database_instance')).find(([, i]) => i.name === 'db-s0')!;
    for (const r of replicas) {
      expect(r.master_instance_name).toBe(`\${google_sql_database_instance.${primaryId}.name}`);
      expect(r.settings.availability_type).toBe('ZONAL');
      expect(r.settings.user_labels['primary-region']).toBe('us-central1');
      expect(r.settings.backup_configuration).toBeUndefined();
    }
  });

  test('the second region hosts the designated DR replica (replication cluster)', () => {
    expect(primary.replication_cluster).toEqual({ failover_dr_replica_name: 'acme-convai-prod:db-s0-europe-west1' });
    expect(db.drReplicaRegion).toBe('europe-west1');
    expect(db.drReplicas.map((r) => r.regionInput)).toEqual(['europe-west1']);
  });

  test('private IP only, TLS required, through private services access', () => {
    for (const i of instances(json)) {
      expect(i.settings.ip_configuration).toEqual({
        ipv4_enabled: false,
        private_network: NETWORK,
        ssl_mode: 'ENCRYPTED_ONLY',
        enable_private_path_for_google_cloud_services: true,
      });
    }
    const range = only(json, 'google_compute_global_address');
    expect(range).toMatchObject({ purpose: 'VPC_PEERING', address_type: 'INTERNAL', prefix_length: 20, network: NETWORK });
    const psa = only(json, 'google_service_networking_connection');
    expect(psa.service).toBe('servicenetworking.googleapis.com');
    const [psaId] = Object.keys(resources(json, 'google_service_networking_connection'));
    expect(primary.depends_on).toEqual([`google_service_networking_connection.${psaId}`]);
  });

  test('CMEK per region, deletion protection on both levels', () => {
    for (const i of instances(json)) {
      expect(i.encryption_key_name).toBe(`projects/kms-test/locations/${i.region}/keyRings/convai/cryptoKeys/database`);
      expect(i.deletion_protection).toBe(true);
      expect(i.settings.deletion_protection_enabled).toBe(true);
    }
  });

  test('IAM authentication, the logging flags checkov asks for, max_connections from the tier', () => {
    for (const i of instances(json)) {
      expect(flags(i)).toEqual({ ...POSTGRES_LOGGING_FLAGS, 'cloudsql.iam_authentication': 'on', max_connections: '500' });
    }
    expect(db.maxConnections).toBe(500);
  });

  test('Query Insights and a Sunday 03:00 UTC maintenance window', () => {
    expect(primary.settings.insights_config).toEqual({
      query_insights_enabled: true,
      query_string_length: 1024,
      record_application_tags: true,
      record_client_address: false,
    });
    expect(primary.settings.maintenance_window).toEqual({ day: 7, hour: 3, update_track: 'stable' });
  });

  test('backups outside the primary region, PITR with 7 days of logs, 30 kept, kept after delete', () => {
    expect(primary.settings.backup_configuration).toEqual({
      enabled: true,
      start_time: '02:00',
      location: 'europe-west1',
      point_in_time_recovery_enabled: true,
      transaction_log_retention_days: 7,
      backup_retention_settings: { retained_backups: 30, retention_unit: 'COUNT' },
    });
    expect(primary.settings.retain_backups_on_delete).toBe(true);
  });

  test('the application database, platform labels, outputs', () => {
    expect(only(json, 'google_sql_database').name).toBe('webhook');
    expect(primary.settings.user_labels).toMatchObject({ env: 'prod', team: 'convai', 'managed-by': 'cdktf' });
    const outputs = Object.keys(json.output);
    for (const o of ['connection-names', 'primary-private-ips', 'max-connections']) {
      expect(outputs.some((k) => k.startsWith(`db_${o}`))).toBe(true);
    }
  });

  test('no password anywhere in the synthesized JSON', () => {
    expect(JSON.stringify(json)).not.toMatch(/password/i);
  });

  test('checkov findings that cannot be fixed carry reasoned suppressions', () => {
    const stack = platformStack(PROD_PROPS);
    new MultiRegionDb(stack, 'db', PROD_BASE);
    const meta = synthWithMetadata(stack)['//'].policy_suppressions as Json[];
    const ids = new Set(meta.map((s) => s.check_id));
    expect(ids).toEqual(new Set(['CKV_GCP_6', 'CKV_GCP_79']));
    for (const s of meta) expect(s.resource).toMatch(/^google_sql_database_instance\./);
  });
});

describe('MultiRegionDb outside production', () => {
  const { json, db } = build({ network: NETWORK, encryptionKeys: new FixedKeys() }, DEV_PROPS);

  test('Enterprise, db-custom-2-7680, no replicas, backups in the continent multi-region, 7 kept', () => {
    const [primary] = instances(json);
    expect(instances(json)).toHaveLength(1);
    expect(primary.settings.edition).toBe('ENTERPRISE');
    expect(primary.settings.tier).toBe('db-custom-2-7680');
    expect(primary.settings.availability_type).toBe('REGIONAL');
    expect(primary.replication_cluster).toBeUndefined();
    expect(primary.encryption_key_name).toBe('projects/kms-test/locations/us-central1/keyRings/convai/cryptoKeys/database');
    expect(primary.settings.backup_configuration.location).toBe('us');
    expect(primary.settings.backup_configuration.backup_retention_settings.retained_backups).toBe(7);
    expect(flags(primary).max_connections).toBe('400');
    expect(db.drReplicaRegion).toBeUndefined();
  });

  test('keys are optional outside production, but the policy pack still refuses Google-managed keys', () => {
    expect(() => build({ network: NETWORK }, DEV_PROPS)).toThrow(/CKV_CONVAI_35 at test\/db\/shard0-primary/);
  });

  test('high availability and deletion protection can be turned off explicitly, with a reasoned suppression', () => {
    const stack = platformStack(DEV_PROPS);
    const weak = new MultiRegionDb(stack, 'db', {
      network: NETWORK,
      encryptionKeys: new FixedKeys(),
      highAvailability: false,
      deletionProtection: false,
    });
    PolicySuppressions.add(weak, 'CKV_CONVAI_20', 'A throwaway load-test database that is re-created from fixtures every run.');
    const [primary] = instances(synth(stack));
    expect(primary.settings.availability_type).toBe('ZONAL');
    expect(primary.deletion_protection).toBe(false);
    expect(primary.settings.deletion_protection_enabled).toBe(false);
  });

  test('a weakened primary is what the policy pack reports (CKV_CONVAI_20), not silently accepted', () => {
    const stack = platformStack(DEV_PROPS);
    new MultiRegionDb(stack, 'db', { network: NETWORK, encryptionKeys: new FixedKeys(), pointInTimeRecovery: false });
    expect(() => synth(stack)).toThrow(/CKV_CONVAI_20 at test\/db\/shard0-primary .*point-in-time recovery is off/);
  });

  test('an existing private services access connection can be reused', () => {
    const { json: j } = build({ network: NETWORK, createPrivateServicesAccess: false, encryptionKeys: new FixedKeys() }, DEV_PROPS);
    expect(resources(j, 'google_service_networking_connection')).toEqual({});
    expect(instances(j)[0].depends_on).toBeUndefined();
  });
});

describe('MultiRegionDb shards', () => {
  const tenants = ['agent-a', 'agent-b', 'agent-c', 'agent-d', 'agent-e'];
  const { json, db } = build({ ...PROD_BASE, shards: 3, tenants });

  test('each shard is a primary with its own replicas and DR replica', () => {
    expect(db.primaries).toHaveLength(3);
    expect(db.replicas).toHaveLength(6);
    for (const s of [0, 1, 2]) {
      expect(byName(json, `db-s${s}`).replication_cluster.failover_dr_replica_name).toBe(`acme-convai-prod:db-s${s}-europe-west1`);
      expect(byName(json, `db-s${s}-asia-northeast1`).master_instance_name).toMatch(/shard\d-primary/);
    }
  });

  test('the tenant-shard map output is ShardMap.assign', () => {
    const [key] = Object.keys(json.output).filter((k) => k.startsWith('db_tenant-shard-map'));
    expect(json.output[key].value).toEqual(ShardMap.assign(tenants, 3));
  });
});

describe('MultiRegionDb on Firestore', () => {
  const { json, db } = build({ engine: DatabaseEngine.firestore(), encryptionKeys: new FixedKeys() });

  test('a multi-region database with PITR, delete protection and CMEK, no Cloud SQL', () => {
    const fs = only(json, 'google_firestore_database');
    expect(fs).toMatchObject({
      name: 'db',
      location_id: 'nam5',
      type: 'FIRESTORE_NATIVE',
      point_in_time_recovery_enablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
      delete_protection_state: 'DELETE_PROTECTION_ENABLED',
      deletion_policy: 'ABANDON',
      cmek_config: { kms_key_name: 'projects/kms-test/locations/us/keyRings/convai/cryptoKeys/database' },
    });
    expect(instances(json)).toEqual([]);
    expect(db.shardCount).toBe(0);
  });

  test('eur3 for a European primary, with the eu key', () => {
    const { json: j } = build(
      { engine: DatabaseEngine.firestore(), encryptionKeys: new FixedKeys() },
      { ...PROD_PROPS, regions: ['europe-west1', 'europe-west4'] },
    );
    expect(only(j, 'google_firestore_database')).toMatchObject({
      location_id: 'eur3',
      cmek_config: { kms_key_name: expect.stringContaining('/eu/') },
    });
  });

  test('without deletion protection Firestore may be deleted by Terraform', () => {
    const { json: j } = build({
      engine: DatabaseEngine.firestore(),
      encryptionKeys: new FixedKeys(),
      deletionProtection: false,
      pointInTimeRecovery: false,
    });
    expect(only(j, 'google_firestore_database')).toMatchObject({
      delete_protection_state: 'DELETE_PROTECTION_DISABLED',
      deletion_policy: 'DELETE',
      point_in_time_recovery_enablement: 'POINT_IN_TIME_RECOVERY_DISABLED',
    });
  });

  test('grantConnect gives datastore.user on this database only', () => {
    const stack = platformStack(PROD_PROPS);
    const fsDb = new MultiRegionDb(stack, 'db', { engine: DatabaseEngine.firestore(), encryptionKeys: new FixedKeys() });
    fsDb.grantConnect('runtime', Grantee.fromServiceAccountEmail('run@acme.iam.gserviceaccount.com'));
    const grant = only(synth(stack), 'google_project_iam_member');
    expect(grant.role).toBe('roles/datastore.user');
    expect(grant.condition.expression).toMatch(/^resource.name == "projects\/acme-convai-prod\/databases\/\$\{google_firestore_database\./);
  });
});

describe('MultiRegionDb grants and connection URL', () => {
  const stack = platformStack(PROD_PROPS);
  const db = new MultiRegionDb(stack, 'db', { ...PROD_BASE, shards: 2 });
  const grants = db.grantConnect('runtime', Grantee.fromMember('serviceAccount:webhook-run@acme.iam.gserviceaccount.com'));
  const url = db.databaseUrl('webhook-run@acme.iam.gserviceaccount.com', 1);
  const json = synth(stack);

  test('cloudsql.client and instanceUser, conditioned on this construct’s instances, additive', () => {
    expect(grants).toHaveLength(2);
    const members = Object.values(resources(json, 'google_project_iam_member'));
    expect(members.map((m) => m.role).sort()).toEqual(['roles/cloudsql.client', 'roles/cloudsql.instanceUser']);
    for (const m of members) {
      expect(m.member).toBe('serviceAccount:webhook-run@acme.iam.gserviceaccount.com');
      expect(m.condition.expression).toBe('resource.name.startsWith("projects/acme-convai-prod/instances/db-s")');
    }
    expect(resources(json, 'google_project_iam_binding')).toEqual({});
  });

  test('an IAM database user on every shard primary, never a password user', () => {
    const users = Object.values(resources(json, 'google_sql_user'));
    expect(users).toHaveLength(2);
    for (const u of users) {
      expect(u.type).toBe('CLOUD_IAM_SERVICE_ACCOUNT');
      expect(u.name).toBe('${trimsuffix("webhook-run@acme.iam.gserviceaccount.com", ".gserviceaccount.com")}');
      expect(u.password).toBeUndefined();
    }
  });

  test('databaseUrl points at the shard primary’s private IP with TLS and no password', () => {
    expect(url).toMatch(/^postgres:\/\/.+@.+:5432\/webhook\?sslmode=verify-full$/);
    new TerraformOutput(stack, 'url', { value: url });
    expect(synth(stack).output.url.value).toMatch(/google_sql_database_instance\.db_shard1-primary_\w+\.private_ip_address/);
    expect(() => db.databaseUrl('x@y.iam.gserviceaccount.com', 5)).toThrow(/no shard 5 \(there are 2\)/);
  });

  test('refuses grantees that are not service accounts (an IAM database user is one)', () => {
    expect(() => db.grantConnect('group', Grantee.fromMember('group:dba@acme.dev'))).toThrow(
      /test\/db.grantConnect\("group"\): group:dba@acme.dev is not a service account/,
    );
  });

  test('cloudSqlDatabaseIds: <project>:<instance> of every shard primary, by shard', () => {
    expect(db.cloudSqlDatabaseIds).toEqual(['acme-convai-prod:db-s0', 'acme-convai-prod:db-s1']);
  });
});

describe('MultiRegionDb.runtimeDatabaseEnv', () => {
  const email = 'webhook-run@acme.iam.gserviceaccount.com';

  test('one shard: exactly databaseUrl, PG_IAM_AUTH and databaseTlsEnv(), no DATABASE_SHARD_URLS', () => {
    const stack = platformStack(PROD_PROPS);
    const db = new MultiRegionDb(stack, 'db', PROD_BASE);
    const env = db.runtimeDatabaseEnv(email);
    expect(Object.keys(env)).toEqual(['DATABASE_URL', 'PG_IAM_AUTH', 'DATABASE_TLS_CA', 'DATABASE_TLS_SERVER_NAME']);
    new TerraformOutput(stack, 'env', { value: env });
    new TerraformOutput(stack, 'before', { value: { DATABASE_URL: db.databaseUrl(email), PG_IAM_AUTH: 'true', ...db.databaseTlsEnv() } });
    const out = synth(stack).output;
    expect(out.env.value).toEqual(out.before.value);
  });

  test('three shards: every shard URL in shard order, TLS names and CAs of every instance, shard-major', () => {
    const stack = platformStack(PROD_PROPS);
    const db = new MultiRegionDb(stack, 'db', { ...PROD_BASE, shards: 3 });
    expect(Object.keys(db.runtimeDatabaseEnv(email))).toEqual([
      'DATABASE_URL',
      'DATABASE_SHARD_URLS',
      'PG_IAM_AUTH',
      'DATABASE_TLS_CA',
      'DATABASE_TLS_SERVER_NAME',
    ]);
    new TerraformOutput(stack, 'env', { value: db.runtimeDatabaseEnv(email) });
    const env = synth(stack).output.env.value;
    expect(env.DATABASE_SHARD_URLS).toMatch(/^\$\{jsonencode\(\["postgres:\/\//);
    const primaries = [...env.DATABASE_SHARD_URLS.matchAll(/db_shard(\d)-primary_\w+\.private_ip_address/g)].map((m) => m[1]);
    expect(primaries).toEqual(['0', '1', '2']);
    expect(env.DATABASE_URL).toMatch(/db_shard0-primary_\w+\.private_ip_address/);
    expect(env.DATABASE_TLS_SERVER_NAME.split(',')).toEqual(
      [0, 1, 2].flatMap((s) => [`db-s${s}`, `db-s${s}-europe-west1`, `db-s${s}-asia-northeast1`]).map((n) => `acme-convai-prod:${n}`),
    );
    expect(env.DATABASE_TLS_CA.match(/server_ca_cert\[0\]\.cert/g)).toHaveLength(9);
  });

  test('a warning when the CA bundle outgrows one Cloud Run variable (32 KiB): 7 shards × 3 regions, not 6', () => {
    const warnings = (shards: number) => {
      const db = new MultiRegionDb(platformStack(PROD_PROPS), 'db', { ...PROD_BASE, shards });
      db.runtimeDatabaseEnv(email);
      return db.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    };
    expect(warnings(6)).toEqual([]);
    expect(warnings(7)).toEqual([
      'runtimeDatabaseEnv: DATABASE_TLS_CA holds the server CAs of 21 instances (about 1.4 KB each), more than Cloud Run accepts in one variable (32 KiB): use fewer shards or read replica regions',
    ]);
  });

  test('Firestore has no Postgres shard to connect to', () => {
    const stack = platformStack(PROD_PROPS);
    const db = new MultiRegionDb(stack, 'db', { engine: DatabaseEngine.firestore(), encryptionKeys: new FixedKeys() });
    expect(() => db.runtimeDatabaseEnv(email)).toThrow(/runtimeDatabaseEnv: the engine has no Postgres shard/);
  });
});

describe('sql tier sizing', () => {
  test.each([
    ['db-f1-micro', 25],
    ['db-g1-small', 50],
    ['db-custom-1-3840', 100],
    ['db-custom-2-7680', 400],
    ['db-custom-4-15360', 500],
    ['db-custom-8-30720', 600],
    ['db-perf-optimized-N-8', 800],
    ['db-perf-optimized-N-16', 1000],
    ['db-n1-standard-2', undefined],
  ])('%s → max_connections %p', (tier, expected) => {
    expect(maxConnectionsForTier(tier)).toBe(expected);
  });

  test('memory and vCPUs of a tier', () => {
    expect(tierMemoryMiB('db-perf-optimized-N-2')).toBe(16384);
    expect(tierCpus('db-custom-4-15360')).toBe(4);
    expect(tierCpus('db-perf-optimized-N-8')).toBe(8);
    expect(tierCpus('db-g1-small')).toBe(0);
  });
});

describe('MultiRegionDb validation', () => {
  const invalid =
    (props: MultiRegionDbProps, stackProps = PROD_PROPS) =>
    () =>
      build({ ...PROD_BASE, ...props }, stackProps);

  test.each<[string, MultiRegionDbProps, RegExp]>([
    ['name', { name: 'Bad_Name' }, /name "Bad_Name" is not a valid base name/],
    ['unknown region', { regions: ['us-central', 'europe-west1'] }, /unknown region\(s\) us-central: use Cloud SQL regions/],
    ['network', { network: undefined }, /network is missing: Cloud SQL gets a private IP only/],
    ['encryptionKeys', { encryptionKeys: undefined }, /encryptionKeys is missing: production data must be encrypted/],
    ['version', { engine: DatabaseEngine.postgres('PG17') }, /engine version "PG17" is not a Cloud SQL PostgreSQL version/],
    ['tier unknown', { tier: 'db-n1-standard-2' }, /tier "db-n1-standard-2" is not a tier this library can size/],
    ['tier/edition', { tier: 'db-custom-2-7680' }, /tier "db-custom-2-7680" does not fit edition ENTERPRISE_PLUS/],
    ['shards 0', { shards: 0 }, /shards is 0: use a whole number from 1 to 16/],
    ['shards 17', { shards: 17 }, /shards is 17/],
    [
      'replica in primary region',
      { readReplicaRegions: ['us-central1'], drReplicaRegion: undefined },
      /readReplicaRegions includes the primary region us-central1/,
    ],
    ['dr region without replica', { drReplicaRegion: 'us-east1' }, /drReplicaRegion us-east1 has no replica: add it to readReplicaRegions/],
    [
      'dr replica needs E+',
      { edition: SqlEdition.ENTERPRISE, tier: 'db-custom-2-7680' },
      /drReplicaRegion is set with edition ENTERPRISE: .* needs SqlEdition.ENTERPRISE_PLUS/,
    ],
    [
      'log retention',
      { transactionLogRetention: Duration.days(36) },
      /transactionLogRetention is 36 d: ENTERPRISE_PLUS keeps 1..35 whole days/,
    ],
    [
      'log retention in hours',
      { transactionLogRetention: Duration.hours(12) },
      /transactionLogRetention is 12 h: ENTERPRISE_PLUS keeps 1..35 whole days/,
    ],
    ['retainedBackups', { retainedBackups: 0 }, /retainedBackups is 0: use 1..365/],
    [
      'backup in primary region',
      { backupLocation: 'us-central1' },
      /backupLocation is the primary region us-central1: a regional outage would take the backups too/,
    ],
    ['backupStartTime', { backupStartTime: '25:00' }, /backupStartTime is "25:00": use "HH:MM"/],
    ['maintenanceDay', { maintenanceDay: 0 }, /maintenanceDay is 0: use 1 \(Monday\) .. 7 \(Sunday\)/],
    ['maintenanceHour', { maintenanceHour: 24 }, /maintenanceHour is 24: use 0..23/],
    ['psa prefix', { privateServicesAccessPrefixLength: 28 }, /privateServicesAccessPrefixLength is 28: use 8..24/],
    [
      'firestore location',
      { engine: DatabaseEngine.firestore({ locationId: 'us-central1' }) },
      /Firestore location "us-central1" is not a multi-region: use "nam5" or "eur3"/,
    ],
  ])('%s', (_, props, message) => {
    expect(invalid(props)).toThrow(message);
  });

  test('Enterprise keeps at most 7 days of transaction logs', () => {
    expect(invalid({ transactionLogRetention: Duration.days(8) }, DEV_PROPS)).toThrow(
      /transactionLogRetention is 8 d: ENTERPRISE keeps 1..7 whole days/,
    );
  });

  test('no derivable backup location for a lone region outside us/eu/asia', () => {
    expect(invalid({}, { ...DEV_PROPS, regions: ['me-central1'] })).toThrow(
      /backupLocation is missing and none can be derived for me-central1/,
    );
  });

  test('no regions outside a PlatformStack', () => {
    const stack = new TerraformStack(Testing.app(), 'plain');
    new GoogleProvider(stack, 'google', { project: 'p' });
    expect(() => new MultiRegionDb(stack, 'db', { network: NETWORK })).toThrow(/regions is empty/);
  });

  test('every broken rule is listed in one error', () => {
    expect(invalid({ shards: 0, maintenanceHour: 30, network: undefined })).toThrow(
      /shards is 0[\s\S]*maintenanceHour is 30[\s\S]*network is missing/,
    );
  });

  test('unresolved tokens are not judged', () => {
    const stack = platformStack(PROD_PROPS);
    const tier = new TerraformVariable(stack, 'tier', { type: 'string' }).stringValue;
    const db = new MultiRegionDb(stack, 'db', { ...PROD_BASE, tier });
    const json = synth(stack);
    expect(db.maxConnections).toBe(0);
    expect(flags(byName(json, 'db-s0')).max_connections).toBeUndefined();
  });
});
