import { TerraformStack } from 'cdktf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKUP_STALE_RUNBOOK, DrBackup } from '../../constructs/dr-backup/dr-backup';
import { DrBackupProps } from '../../constructs/dr-backup/dr-backup-props';
import { Duration } from '../../constructs/core/duration';
import { recoveryPlan, recoveryProblems } from '../../constructs/dr-backup/recovery-plan';
import { DEFAULT_RUNBOOK_BASE_URL, RUNBOOK_DIR } from '../../constructs/core/runbooks';
import { PlatformStackProps } from '../../constructs/core/platform-stack';
import { DatabaseEngine } from '../../constructs/multi-region-db/multi-region-db';
import { MultiRegionDb } from '../../constructs/multi-region-db/multi-region-db';
import { MultiRegionDbProps } from '../../constructs/multi-region-db/multi-region-db';
import { FixedKeys } from '../helpers/fixed-keys';
import { DEV_PROPS, Json, PROD_PROPS, only, platformStack, resources, synth, synthWithMetadata } from '../helpers/synth';

const NETWORK = 'projects/acme-convai-prod/global/networks/convai';
const KEYS = new FixedKeys();
const PAGE = 'projects/acme-convai-prod/notificationChannels/1';
type BackupOptions = Omit<DrBackupProps, 'database'>;

function build(
  backup: Partial<BackupOptions> = {},
  dbProps: MultiRegionDbProps = { network: NETWORK, encryptionKeys: KEYS },
  stackProps: PlatformStackProps = PROD_PROPS,
): { json: Json; backups: DrBackup; db: MultiRegionDb } {
  const stack = platformStack(stackProps);
  const db = new MultiRegionDb(stack, 'db', dbProps);
  const backups = new DrBackup(stack, 'backups', {
    database: db,
    rpo: Duration.minutes(15),
    rto: Duration.minutes(30),
    encryptionKeys: KEYS,
    pageChannels: [PAGE],
    ...backup,
  });
  return { json: synth(stack), backups, db };
}
const bucketNamed = (json: Json, name: string): Json =>
  Object.values(resources(json, 'google_storage_bucket')).find((b) => b.name === name)!;
/** The one resource of `type` whose `name` is `name` (the export's, beside the restore drill's). */
const named = (json: Json, type: string, name: string): Json => {
  const all = Object.values(resources(json, type)).filter((r) => r.name === name);
  if (all.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${all.length}`);
  return all[0];
};
/** Resources of `type` that DrBackup's export part made (not its restore drill or failover children). */
const exportPart = (json: Json, type: string): Array<[string, Json]> =>
  Object.entries(resources(json, type)).filter(([id]) => !/^backups_(restore-drill|failover)_/.test(id));

describe('DrBackup production defaults (Cloud SQL, rpo 15 min, rto 30 min)', () => {
  const { json, backups } = build();
  const bucket = bucketNamed(json, 'acme-convai-prod-backups');
  const logs = bucketNamed(json, 'acme-convai-prod-backups-logs');

  test('a dual-region bucket with turbo replication (rpo under 12 h)', () => {
    expect(bucket).toMatchObject({ location: 'NAM4', rpo: 'ASYNC_TURBO', storage_class: 'STANDARD', force_destroy: false });
    expect(backups.turboReplication).toBe(true);
  });

  test('versioned, 30-day retention policy (unlocked), 30-day soft delete, labelled as a backup bucket', () => {
    expect(bucket.versioning).toEqual({ enabled: true });
    expect(bucket.retention_policy).toEqual({ retention_period: 30 * 86400, is_locked: false });
    expect(bucket.soft_delete_policy).toEqual({ retention_duration_seconds: 30 * 86400 });
    expect(bucket.labels.purpose).toBe('backup');
  });

  test('uniform access, public access prevention, CMEK in the us multi-region, access logs', () => {
    expect(bucket.uniform_bucket_level_access).toBe(true);
    expect(bucket.public_access_prevention).toBe('enforced');
    expect(bucket.encryption).toEqual({ default_kms_key_name: 'projects/kms-test/locations/us/keyRings/convai/cryptoKeys/storage' });
    expect(bucket.logging.log_bucket).toMatch(/^\$\{google_storage_bucket\.backups_access-log-bucket_\w+\.name\}$/);
    expect(logs).toMatchObject({ uniform_bucket_level_access: true, public_access_prevention: 'enforced', versioning: { enabled: true } });
    expect(logs.encryption).toEqual(bucket.encryption);
    const writers = Object.values(resources(json, 'google_storage_bucket_iam_member')).filter((m) => m.member.startsWith('group:'));
    expect(writers).toEqual([
      expect.objectContaining({ member: 'group:cloud-storage-analytics@google.com', role: 'roles/storage.objectCreator' }),
    ]);
  });

  test('lifecycle: Nearline at 30 days, Coldline at 90, deleted at 365, old versions after the retention period', () => {
    expect(bucket.lifecycle_rule).toEqual([
      { action: { type: 'SetStorageClass', storage_class: 'NEARLINE' }, condition: { age: 30, matches_storage_class: ['STANDARD'] } },
      { action: { type: 'SetStorageClass', storage_class: 'COLDLINE' }, condition: { age: 90, matches_storage_class: ['NEARLINE'] } },
      { action: { type: 'Delete' }, condition: { age: 365 } },
      { action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 30, with_state: 'ARCHIVED' } },
    ]);
  });

  test('hourly logical exports: Cloud Scheduler starts a Workflows export of every shard primary', () => {
    expect(backups.exportInterval.toHours()).toBe(1);
    const job = named(json, 'google_cloud_scheduler_job', 'backups-export');
    expect(job.schedule).toBe('15 */1 * * *');
    expect(job.time_zone).toBe('Etc/UTC');
    expect(job.region).toBe('us-central1');
    expect(job.http_target.uri).toMatch(
      /^https:\/\/workflowexecutions\.googleapis\.com\/v1\/\$\{google_workflows_workflow\.\S+\.id\}\/executions$/,
    );
    expect(job.http_target.oauth_token.service_account_email).toMatch(/google_service_account\.backups_service-account_\w+\.email/);
    const wf = named(json, 'google_workflows_workflow', 'backups-export');
    expect(wf.region).toBe('us-central1');
    expect(wf.source_contents).toContain('call: googleapis.sqladmin.v1.instances.export');
    expect(wf.source_contents).toContain('offload: true');
    expect(wf.source_contents).toContain('event: backup.export_succeeded');
    expect(wf.user_env_vars.SQL_DATABASE).toBe('webhook');
    expect(wf.user_env_vars.SQL_INSTANCES).toMatch(/^\$\{join\(",", \[google_sql_database_instance\.db_shard0-primary_\w+\.name\]\)\}$/);
    expect(wf.user_env_vars.BACKUP_BUCKET).toMatch(/google_storage_bucket\.backups_bucket_\w+\.name/);
  });

  test('each instance’s service account may only create objects in the bucket; the runner may only export', () => {
    const sqlWriters = exportPart(json, 'google_storage_bucket_iam_member')
      .map(([, m]) => m)
      .filter((m) => m.member.includes('service_account_email_address'));
    expect(sqlWriters).toHaveLength(1);
    expect(sqlWriters[0].role).toBe('roles/storage.objectCreator');
    const grants = exportPart(json, 'google_project_iam_member').map(([, g]) => g);
    expect(grants.map((g) => g.role).sort()).toEqual([
      expect.stringMatching(/^\$\{google_project_iam_custom_role\.backups_sql-export-role_\w+\.name\}$/),
      'roles/logging.logWriter',
      'roles/workflows.invoker',
    ]);
    expect(exportPart(json, 'google_project_iam_custom_role').map(([, r]) => r)).toEqual([
      expect.objectContaining({ role_id: 'backups_sql_export', permissions: ['cloudsql.instances.export', 'cloudsql.instances.get'] }),
    ]);
    expect(grants.find((g) => g.role === 'roles/workflows.invoker')!.condition.expression).toBe(
      'resource.name.endsWith("/workflows/backups-export")',
    );
  });

  test('the export role only works on the instances it backs up (condition on resource.name)', () => {
    const exportGrant = Object.values(resources(json, 'google_project_iam_member')).find((g) => g.role.includes('sql-export-role'))!;
    const instances = Object.keys(resources(json, 'google_sql_database_instance')).filter((n) => !n.includes('replica'));
    expect(instances).toHaveLength(1);
    expect(exportGrant.condition.expression).toBe(
      `resource.type != "sqladmin.googleapis.com/Instance" || resource.name == "projects/acme-convai-prod/instances/\${google_sql_database_instance.${instances[0]}.name}"`,
    );
    expect(exportGrant.condition.title).toBe('backups: export db only');
  });

  test('the only unconditioned project grants (log writers of the export, the drill and the failover) carry a stated reason', () => {
    const grants = Object.entries(resources(json, 'google_project_iam_member'));
    const unconditioned = grants.filter(([, g]) => !g.condition).map(([name, g]) => ({ name, role: g.role }));
    expect(unconditioned).toEqual(
      ['backups_failover_log-writer_', 'backups_log-writer_', 'backups_restore-drill_log-writer_'].map((prefix) => ({
        name: expect.stringMatching(new RegExp(`^${prefix}`)),
        role: 'roles/logging.logWriter',
      })),
    );
    const reasons = (synthWithMetadata(TerraformStack.of(backups))['//'].policy_suppressions as Json[])
      .filter((s) => s.check_id === 'CKV_CONVAI_39')
      .sort((a, b) => a.resource.localeCompare(b.resource));
    expect(reasons).toEqual(
      unconditioned.map((u) =>
        expect.objectContaining({
          resource: `google_project_iam_member.${u.name}`,
          reason: expect.stringMatching(/no resource name a condition could test/),
        }),
      ),
    );
  });

  test('a Backup and DR vault with 30 days enforced retention and a daily plan for each primary', () => {
    expect(only(json, 'google_backup_dr_backup_vault')).toMatchObject({
      backup_vault_id: 'backups-vault',
      location: 'us-central1',
      backup_minimum_enforced_retention_duration: `${30 * 86400}s`,
      ignore_inactive_datasources: false,
    });
    // Deprecated in provider 6.50 (terraform validate warns): never emitted.
    expect(only(json, 'google_backup_dr_backup_vault').force_delete).toBeUndefined();
    const plan = only(json, 'google_backup_dr_backup_plan');
    expect(plan.resource_type).toBe('sqladmin.googleapis.com/Instance');
    expect(plan.backup_rules[0]).toMatchObject({ backup_retention_days: 30, standard_schedule: { recurrence_type: 'DAILY' } });
    expect(only(json, 'google_backup_dr_backup_plan_association').resource).toMatch(
      /^projects\/acme-convai-prod\/instances\/\$\{google_sql_database_instance\./,
    );
  });

  test('the staleness alert: no successful export within the window, with a runbook link', () => {
    expect(backups.alertWindow.toSeconds()).toBe(7200);
    const metric = named(json, 'google_logging_metric', 'backups-export-succeeded');
    expect(metric.filter).toBe(
      'resource.type="workflows.googleapis.com/Workflow" AND resource.labels.workflow_id="backups-export" AND jsonPayload.event="backup.export_succeeded"',
    );
    const alert = exportPart(json, 'google_monitoring_alert_policy').map(([, a]) => a)[0];
    expect(exportPart(json, 'google_monitoring_alert_policy')).toHaveLength(1);
    const condition = alert.conditions[0].condition_absent;
    expect(condition.duration).toBe('7200s');
    expect(metric.name).toBe('backups-export-succeeded');
    expect(condition.filter).toMatch(
      /^metric\.type="logging\.googleapis\.com\/user\/\$\{google_logging_metric\.backups_export-succeeded-metric_\w+\.name\}" AND resource\.type="workflows\.googleapis\.com\/Workflow"$/,
    );
    expect(alert.documentation.content).toContain(`${DEFAULT_RUNBOOK_BASE_URL}/backup-stale.md`);
    expect(alert.severity).toBe('CRITICAL');
    // CRITICAL pages: the on-call hears it (it notified nobody in the reference stacks before).
    expect(alert.notification_channels).toEqual([PAGE]);
    expect(alert.user_labels).toEqual({
      env: 'prod',
      team: 'convai',
      'cost-center': 'cc-42',
      'managed-by': 'cdktf',
      backup: 'backups',
      severity: 'page',
    });
  });

  test('the linked runbook exists with the required sections', () => {
    const text = readFileSync(join(__dirname, '..', '..', RUNBOOK_DIR, `${BACKUP_STALE_RUNBOOK}.md`), 'utf8');
    for (const section of ['## What fired', '## User impact', '## First checks', '## Mitigations', '## Escalation']) {
      expect(text).toContain(section);
    }
  });

  test('only the log bucket’s own access logging is suppressed, with a reason', () => {
    const stack = platformStack(PROD_PROPS);
    const db = new MultiRegionDb(stack, 'db', { network: NETWORK, encryptionKeys: KEYS });
    new DrBackup(stack, 'backups', {
      database: db,
      rpo: Duration.hours(1),
      rto: Duration.hours(1),
      encryptionKeys: KEYS,
      pageChannels: [PAGE],
    });
    const gcp62 = (synthWithMetadata(stack)['//'].policy_suppressions as Json[]).filter((s) => s.check_id === 'CKV_GCP_62');
    expect(gcp62).toEqual([
      expect.objectContaining({ resource: expect.stringMatching(/^google_storage_bucket\.backups_access-log-bucket_/) }),
    ]);
  });
});

describe('DrBackup derived settings', () => {
  test.each<[string, Duration, boolean, number, string, number]>([
    ['15 min', Duration.minutes(15), true, 1, '15 */1 * * *', 7200],
    ['4 h', Duration.hours(4), true, 3, '15 */3 * * *', 4 * 3600],
    ['12 h', Duration.hours(12), false, 8, '15 */8 * * *', 12 * 3600],
    ['24 h', Duration.hours(24), false, 12, '15 */12 * * *', 84600],
    ['7 d', Duration.days(7), false, 12, '15 */12 * * *', 84600],
  ])('rpo %s', (_, rpo, turbo, interval, schedule, window) => {
    expect(recoveryPlan(rpo)).toEqual({
      turboReplication: turbo,
      exportIntervalHours: interval,
      exportSchedule: schedule,
      alertWindowSeconds: window,
    });
  });

  test('rpo of a day uses default dual-region replication and a 12-hourly export in the bucket', () => {
    const { json } = build({ rpo: Duration.days(1), rto: Duration.hours(4) });
    expect(bucketNamed(json, 'acme-convai-prod-backups').rpo).toBe('DEFAULT');
    expect(named(json, 'google_cloud_scheduler_job', 'backups-export').schedule).toBe('15 */12 * * *');
  });

  test('outside production: no vault, and a European primary gets EUR4 with the eu key', () => {
    const { json } = build(
      { rpo: Duration.days(1), rto: Duration.hours(8) },
      { network: NETWORK, encryptionKeys: KEYS },
      { ...DEV_PROPS, regions: ['europe-west1'] },
    );
    expect(resources(json, 'google_backup_dr_backup_vault')).toEqual({});
    expect(bucketNamed(json, 'acme-convai-dev-backups')).toMatchObject({
      location: 'EUR4',
      encryption: { default_kms_key_name: 'projects/kms-test/locations/eu/keyRings/convai/cryptoKeys/storage' },
    });
  });

  test('a locked retention policy is opt-in', () => {
    const { json } = build({ lockRetentionPolicy: true, retention: Duration.days(90) });
    expect(bucketNamed(json, 'acme-convai-prod-backups').retention_policy).toEqual({ retention_period: 90 * 86400, is_locked: true });
  });
});

describe('DrBackup with Firestore', () => {
  const { json } = build(
    { rpo: Duration.hours(4), rto: Duration.minutes(2) },
    { engine: DatabaseEngine.firestore(), encryptionKeys: KEYS },
  );

  test('a daily Firestore backup schedule and a Firestore export workflow', () => {
    const schedule = only(json, 'google_firestore_backup_schedule');
    expect(schedule.retention).toBe(`${30 * 86400}s`);
    expect(schedule.daily_recurrence).toEqual({});
    const wf = only(json, 'google_workflows_workflow');
    expect(wf.source_contents).toContain('call: googleapis.firestore.v1.projects.databases.exportDocuments');
    // Workflows expressions reach Workflows as `${...}`: escaped from Terraform, quoted for YAML.
    expect(wf.source_contents).toContain(`name: '$\${"projects/" + project + "/databases/" + database}'`);
    expect(wf.source_contents).toContain('- database: \'$${sys.get_env("FIRESTORE_DATABASE")}\'');
    expect(wf.user_env_vars.FIRESTORE_DATABASE).toMatch(/google_firestore_database\./);
  });

  test('the Firestore export grant is conditioned on this database', () => {
    const grant = Object.values(resources(json, 'google_project_iam_member')).find((g) => g.role === 'roles/datastore.importExportAdmin')!;
    expect(grant.condition.expression).toMatch(
      /^resource\.type != "firestore\.googleapis\.com\/Database" \|\| resource\.name == "projects\/acme-convai-prod\/databases\/\$\{google_firestore_database\.\w+\.name\}"$/,
    );
  });

  test('the Firestore service agent writes the exports; no Cloud SQL plan in the vault', () => {
    const agent = Object.values(resources(json, 'google_storage_bucket_iam_member')).find((m) => m.member.includes('gcp-sa-firestore'));
    expect(agent!.role).toBe('roles/storage.objectAdmin');
    expect(resources(json, 'google_backup_dr_backup_plan')).toEqual({});
    expect(only(json, 'google_backup_dr_backup_vault').backup_vault_id).toBe('backups-vault');
  });
});

describe('DrBackup refuses objectives the database cannot meet', () => {
  const postgres = { postgres: true, pointInTimeRecovery: true, replicaRegions: ['europe-west1'], drReplicaRegion: 'europe-west1' };

  test.each<[string, Partial<BackupOptions>, MultiRegionDbProps, PlatformStackProps, RegExp]>([
    [
      'rpo under a minute',
      { rpo: Duration.seconds(30) },
      { network: NETWORK, encryptionKeys: KEYS },
      PROD_PROPS,
      /rpo 30 s cannot be met: cross-region replication is asynchronous/,
    ],
    [
      'rpo of 5 min without PITR',
      { rpo: Duration.minutes(5) },
      { network: NETWORK, encryptionKeys: KEYS, pointInTimeRecovery: false },
      PROD_PROPS,
      /rpo 5 min needs point-in-time recovery: .* turn pointInTimeRecovery on in MultiRegionDb/,
    ],
    [
      'rpo of 1 h without a cross-region replica',
      { rpo: Duration.hours(1), rto: Duration.hours(8) },
      { network: NETWORK },
      DEV_PROPS,
      /rpo 1 h needs a cross-region replica: .* give MultiRegionDb a second region/,
    ],
    [
      'rto under 5 min on Cloud SQL',
      { rto: Duration.minutes(2) },
      { network: NETWORK, encryptionKeys: KEYS },
      PROD_PROPS,
      /rto 2 min cannot be met by Cloud SQL/,
    ],
    [
      'rto of 30 min without a DR replica',
      { rto: Duration.minutes(30) },
      { network: NETWORK, encryptionKeys: KEYS, drReplicaRegion: undefined, production: false },
      PROD_PROPS,
      /rto 30 min needs a designated DR replica .*: set drReplicaRegion on MultiRegionDb/,
    ],
    [
      'rto of 2 h without any replica',
      { rpo: Duration.days(1), rto: Duration.hours(2) },
      { network: NETWORK },
      DEV_PROPS,
      /rto 2 h needs a cross-region replica to promote/,
    ],
  ])('%s', (_, backup, dbProps, stackProps, message) => {
    expect(() => build(backup, dbProps, stackProps)).toThrow(message);
  });

  test('all unmet objectives are listed together', () => {
    const problems = recoveryProblems(Duration.minutes(5), Duration.minutes(30), {
      postgres: true,
      pointInTimeRecovery: false,
      replicaRegions: [],
    });
    expect(problems).toHaveLength(3);
  });

  test('objectives the database meets pass', () => {
    expect(recoveryProblems(Duration.minutes(5), Duration.minutes(5), postgres)).toEqual([]);
    expect(
      recoveryProblems(Duration.days(1), Duration.hours(4), { postgres: true, pointInTimeRecovery: false, replicaRegions: [] }),
    ).toEqual([]);
    // Firestore multi-region: no failover to wait for.
    expect(
      recoveryProblems(Duration.minutes(1), Duration.seconds(30), { postgres: false, pointInTimeRecovery: true, replicaRegions: [] }),
    ).toEqual([]);
  });
});

describe('DrBackup validation', () => {
  test.each<[string, Partial<BackupOptions>, RegExp]>([
    ['name', { name: 'Backups!' }, /name "Backups!" is not a valid base name/],
    ['bucketName', { bucketName: 'UPPER' }, /bucketName "UPPER" is not a bucket name/],
    ['encryptionKeys', { encryptionKeys: undefined }, /encryptionKeys is missing: production backups must be encrypted/],
    ['retention', { retention: Duration.days(0) }, /retention is 0 s: use 1..3650 whole days/],
    ['retention in hours', { retention: Duration.hours(36) }, /retention is 36 h: use 1..3650 whole days/],
    [
      'softDeleteRetention',
      { softDeleteRetention: Duration.days(3) },
      /softDeleteRetention is 3 d: Cloud Storage keeps soft-deleted objects 7..90 whole days/,
    ],
    ['deleteAfter', { deleteAfter: Duration.days(60) }, /deleteAfter is 60 d: use whole days, at least 91 d/],
    [
      'deleteAfter under retention',
      { retention: Duration.days(400), deleteAfter: Duration.days(365) },
      /deleteAfter is 365 d: use whole days, at least 400 d/,
    ],
    ['vaultMinimumRetention', { vaultMinimumRetention: Duration.days(0) }, /vaultMinimumRetention is 0 s: use 1..36159 whole days/],
    ['rpo missing', { rpo: undefined }, /rpo and rto are required/],
    ['pageChannels', { pageChannels: [] }, /pageChannels is empty in production: .* so stale backups reach the on-call/],
  ])('%s', (_, backup, message) => {
    expect(() => build(backup)).toThrow(message);
  });

  test('no derivable bucket location outside us/eu/asia', () => {
    expect(() =>
      build(
        { rpo: Duration.days(1), rto: Duration.hours(8) },
        { network: NETWORK, backupLocation: 'me-central2' },
        { ...DEV_PROPS, regions: ['me-central1'] },
      ),
    ).toThrow(/bucketLocation \(and bucketKeyLocation\) cannot be derived/);
  });

  test('Duration refuses negative amounts and prints the largest whole unit', () => {
    expect(() => Duration.minutes(-1)).toThrow(/-1 min is not a duration/);
    expect([Duration.seconds(90), Duration.minutes(5), Duration.hours(4), Duration.days(2)].map(String)).toEqual([
      '90 s',
      '5 min',
      '4 h',
      '2 d',
    ]);
  });
});
