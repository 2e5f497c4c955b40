import { BackupDrBackupPlan } from '@cdktf/provider-google/lib/backup-dr-backup-plan';
import { BackupDrBackupPlanAssociation } from '@cdktf/provider-google/lib/backup-dr-backup-plan-association';
import { BackupDrBackupVault } from '@cdktf/provider-google/lib/backup-dr-backup-vault';
import { CloudSchedulerJob } from '@cdktf/provider-google/lib/cloud-scheduler-job';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { FirestoreBackupSchedule } from '@cdktf/provider-google/lib/firestore-backup-schedule';
import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { alertEnvironment, notificationChannels, routingLabel } from '../core/alert-routing';
import { KeyPurpose } from '../core/encryption-keys';
import { PlatformStack } from '../core/platform-stack';
import { PROJECT_GRANT_CONDITION_CHECK } from '../core/policy-check-ids';
import { PolicySuppressions } from '../core/policy-suppressions';
import { Runbooks } from '../core/runbooks';
import { terraformLiteral } from '../core/terraform-literal';
import { validateProps } from '../core/validation';
import { DrBackupProps } from './dr-backup-props';
import { DR_BACKUP_RULES, ResolvedDrBackupProps } from './dr-backup-rules';
import { DatabaseFailover } from './database-failover';
import { Duration } from '../core/duration';
import { quoteExpression } from './workflow-source';
import { RecoveryPlan, recoveryPlan } from './recovery-plan';
import { RESTORE_DRILL_RUNBOOK, RestoreDrill } from './restore-drill';
import { RESTORE_DRILL_FAILED_EVENT, RESTORE_DRILL_SUCCEEDED_EVENT } from './restore-drill-workflow';
import { FAILOVER_COMPLETED_EVENT, FAILOVER_FAILED_EVENT, FAILOVER_PLAN_EVENT, FAILOVER_STEP_EVENT } from './failover-workflow';

/** Runbook linked from the staleness alert: docs/monitoring/runbooks/backup-stale.md. */
export const BACKUP_STALE_RUNBOOK = 'backup-stale';
/** `jsonPayload.event` the export workflow logs after each successful export; the alert counts these. */
export const EXPORT_SUCCEEDED_EVENT = 'backup.export_succeeded';
/** Label that marks backup buckets for the policy pack (CKV_CONVAI_24: versioned with a retention policy). */
export const BACKUP_BUCKET_LABEL = { key: 'purpose', value: 'backup' } as const;

const DUAL_REGIONS: ReadonlyArray<{ prefix: RegExp; location: string; keyLocation: string }> = [
  { prefix: /^(us|northamerica)-/, location: 'NAM4', keyLocation: 'us' },
  { prefix: /^europe-/, location: 'EUR4', keyLocation: 'eu' },
  { prefix: /^asia-/, location: 'ASIA1', keyLocation: 'asia' },
];
const KEY_LOCATION_OF: Record<string, string> = { NAM4: 'us', EUR4: 'eu', ASIA1: 'asia' };
const DAY_SECONDS = 86400;
/** IAM resource type of a Cloud SQL instance, as IAM conditions see it. */
const SQL_INSTANCE_TYPE = 'sqladmin.googleapis.com/Instance';

/**
 * Backups you can restore from, sized by typed recovery objectives:
 *
 * - checks that the database (MultiRegionDb) can meet `rpo` and `rto` and fails synth when not
 *   (e.g. an RPO under 24 h without point-in-time recovery, an RTO under 1 h without a DR replica);
 * - a dual-region backup bucket (turbo replication when the RPO is under 12 h), versioned, with a
 *   retention policy (lockable), soft delete, lifecycle rules, uniform access, public access
 *   prevention, CMEK and access logs to a second bucket;
 * - scheduled logical exports (Cloud Scheduler → Workflows → SQL Admin / Firestore export) at an
 *   interval derived from the RPO, and Firestore backup schedules when Firestore is used;
 * - in production, a Backup and DR vault with enforced minimum retention and a daily backup plan
 *   for every Cloud SQL primary;
 * - an alert (runbook-linked, CRITICAL: it notifies `pageChannels`) when no export has succeeded
 *   within the RPO window;
 * - in production (Cloud SQL), a scheduled restore drill: the newest export restored into a scratch
 *   instance, verified and deleted, with an alert when a drill fails or is overdue (`RestoreDrill`);
 * - with a designated DR replica, the regional failover as one audited, dry-run-first workflow in
 *   the DR region (`DatabaseFailover`, plans from `failover-plan.ts`).
 */
export class DrBackup extends Construct {
  /** Runbook of the staleness alert (the module constant `BACKUP_STALE_RUNBOOK` holds the same, for JavaScript and TypeScript only) */
  public static readonly BACKUP_STALE_RUNBOOK = BACKUP_STALE_RUNBOOK;
  /** Log event of a successful export (the module constant `EXPORT_SUCCEEDED_EVENT` holds the same, for JavaScript and TypeScript only) */
  public static readonly EXPORT_SUCCEEDED_EVENT = EXPORT_SUCCEEDED_EVENT;
  /** Runbook of the restore drill's alert (the module constant `RESTORE_DRILL_RUNBOOK` holds the same, for JavaScript and TypeScript only) */
  public static readonly RESTORE_DRILL_RUNBOOK = RESTORE_DRILL_RUNBOOK;
  /** Log event of a verified restore drill (the module constant `RESTORE_DRILL_SUCCEEDED_EVENT` holds the same, for JavaScript and TypeScript only) */
  public static readonly RESTORE_DRILL_SUCCEEDED_EVENT = RESTORE_DRILL_SUCCEEDED_EVENT;
  /** Log event of a failed restore drill (the module constant `RESTORE_DRILL_FAILED_EVENT` holds the same, for JavaScript and TypeScript only) */
  public static readonly RESTORE_DRILL_FAILED_EVENT = RESTORE_DRILL_FAILED_EVENT;
  /** Log event of the failover workflow's plan (the module constant `FAILOVER_PLAN_EVENT` holds the same, for JavaScript and TypeScript only) */
  public static readonly FAILOVER_PLAN_EVENT = FAILOVER_PLAN_EVENT;
  /** Log event of each failover step (the module constant `FAILOVER_STEP_EVENT` holds the same, for JavaScript and TypeScript only) */
  public static readonly FAILOVER_STEP_EVENT = FAILOVER_STEP_EVENT;
  /** Log event of a completed failover (the module constant `FAILOVER_COMPLETED_EVENT` holds the same, for JavaScript and TypeScript only) */
  public static readonly FAILOVER_COMPLETED_EVENT = FAILOVER_COMPLETED_EVENT;
  /** Log event of a failed failover (the module constant `FAILOVER_FAILED_EVENT` holds the same, for JavaScript and TypeScript only) */
  public static readonly FAILOVER_FAILED_EVENT = FAILOVER_FAILED_EVENT;
  /** The recovery point objective. */
  public readonly rpo: Duration;
  /** The recovery time objective. */
  public readonly rto: Duration;
  /** Dual-region turbo replication on the bucket (RPO under 12 h). */
  public readonly turboReplication: boolean;
  /** Time between logical exports (whole hours). */
  public readonly exportInterval: Duration;
  /** Cron (UTC) of the logical exports. */
  public readonly exportSchedule: string;
  /** The alert fires when no export has succeeded for this long. */
  public readonly alertWindow: Duration;
  /** Escape hatch: the backup bucket. */
  public readonly bucket: StorageBucket;
  /** Escape hatch: the bucket receiving the backup bucket's access logs. */
  public readonly accessLogBucket: StorageBucket;
  /** Escape hatch: the identity that runs the exports. */
  public readonly serviceAccount: ServiceAccount;
  /** Escape hatch: the export workflow. */
  public readonly exportWorkflow: WorkflowsWorkflow;
  /** Escape hatch: the job that starts the export workflow. */
  public readonly exportJob: CloudSchedulerJob;
  /** Escape hatch: the log-based metric counting successful exports. */
  public readonly exportSucceededMetric: LoggingMetric;
  /** Escape hatch: the backup staleness alert. */
  public readonly stalenessAlert: MonitoringAlertPolicy;
  /** Escape hatch: the Backup and DR vault, when created. */
  public readonly backupVault?: BackupDrBackupVault;
  /** Escape hatch: the Backup and DR plan for the Cloud SQL primaries, when created. */
  public readonly backupPlan?: BackupDrBackupPlan;
  /** Escape hatch: the Firestore backup schedule, for the Firestore engine. */
  public readonly firestoreBackupSchedule?: FirestoreBackupSchedule;
  /** Escape hatch: the restore drill workflow, when `restoreDrill` is on. */
  public readonly restoreDrillWorkflow?: WorkflowsWorkflow;
  /** Escape hatch: the job that starts the restore drill. */
  public readonly restoreDrillJob?: CloudSchedulerJob;
  /** Escape hatch: the identity that runs the restore drill. */
  public readonly restoreDrillServiceAccount?: ServiceAccount;
  /** Escape hatch: the alert on a failed or overdue restore drill. */
  public readonly restoreDrillAlert?: MonitoringAlertPolicy;
  /** Time without a successful restore drill after which its alert fires (undefined without a drill). */
  public readonly restoreDrillOverdue?: Duration;
  /** Escape hatch: the regional failover workflow, when `failoverWorkflow` is on. */
  public readonly databaseFailoverWorkflow?: WorkflowsWorkflow;
  /** Escape hatch: the identity that runs the failover workflow. */
  public readonly databaseFailoverServiceAccount?: ServiceAccount;

  private readonly projectIdValue: string;
  private project?: DataGoogleProject;

  constructor(scope: Construct, id: string, props: DrBackupProps) {
    super(scope, id);
    const platform = PlatformStack.find(this);
    const db = props.database;
    const dual = DUAL_REGIONS.find((d) => d.prefix.test(db.primaryRegion ?? ''));
    const bucketLocation = props.bucketLocation ?? dual?.location;
    const p: ResolvedDrBackupProps = {
      ...props,
      name: props.name ?? id.toLowerCase(),
      production: props.production ?? platform?.production ?? false,
      bucketLocation,
      bucketKeyLocation: props.bucketKeyLocation ?? KEY_LOCATION_OF[(bucketLocation ?? '').toUpperCase()],
      retention: props.retention ?? Duration.days(30),
      softDeleteRetention: props.softDeleteRetention ?? Duration.days(30),
      deleteAfter: props.deleteAfter ?? Duration.days(365),
      vaultMinimumRetention: props.vaultMinimumRetention ?? Duration.days(30),
      capabilities: {
        // Cloud SQL instances to export, drill and fail over (none for Firestore).
        postgres: db.primaries.length > 0,
        pointInTimeRecovery: db.pointInTimeRecovery,
        replicaRegions: db.readReplicaRegions,
        drReplicaRegion: db.drReplicaRegion,
      },
      restoreDrill: props.restoreDrill ?? ((props.production ?? platform?.production ?? false) && db.primaries.length > 0),
      restoreDrillInterval: props.restoreDrillInterval ?? Duration.hours(12),
      failoverWorkflow: props.failoverWorkflow ?? !!db.drReplicaRegion,
    };
    validateProps(this.node.path, p, DR_BACKUP_RULES);
    const plan: RecoveryPlan = recoveryPlan(p.rpo);
    this.rpo = p.rpo;
    this.rto = p.rto;
    this.turboReplication = plan.turboReplication;
    this.exportInterval = Duration.hours(plan.exportIntervalHours);
    this.exportSchedule = plan.exportSchedule;
    this.alertWindow = Duration.seconds(plan.alertWindowSeconds);
    this.projectIdValue = platform?.projectId ?? '';

    const bucketName = p.bucketName ?? `${this.projectId()}-${p.name}`;
    const kmsKey = p.encryptionKeys?.keyId(p.bucketKeyLocation!, KeyPurpose.STORAGE);

    this.accessLogBucket = new StorageBucket(this, 'access-log-bucket', {
      name: `${bucketName}-logs`,
      location: p.bucketLocation!,
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      encryption: kmsKey ? { defaultKmsKeyName: kmsKey } : undefined,
      softDeletePolicy: { retentionDurationSeconds: p.softDeleteRetention.toSeconds() },
      lifecycleRule: [{ action: { type: 'Delete' }, condition: { age: p.deleteAfter.toDays() } }],
      forceDestroy: false,
    });
    // Cloud Storage writes usage and storage logs as this Google group (legacy access logs).
    new StorageBucketIamMember(this, 'access-log-writer', {
      bucket: this.accessLogBucket.name,
      role: 'roles/storage.objectCreator',
      member: 'group:cloud-storage-analytics@google.com',
    });
    PolicySuppressions.add(
      this.accessLogBucket,
      'CKV_GCP_62',
      'This bucket holds the access logs of the backup bucket; logging the log bucket would need a third bucket with the same finding.',
    );

    this.bucket = new StorageBucket(this, 'bucket', {
      name: bucketName,
      location: p.bucketLocation!,
      storageClass: 'STANDARD',
      // Turbo replication copies new objects to the second region within 15 minutes (default: 12 h).
      rpo: this.turboReplication ? 'ASYNC_TURBO' : 'DEFAULT',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      retentionPolicy: { retentionPeriod: p.retention.toSeconds(), isLocked: p.lockRetentionPolicy ?? false },
      softDeletePolicy: { retentionDurationSeconds: p.softDeleteRetention.toSeconds() },
      encryption: kmsKey ? { defaultKmsKeyName: kmsKey } : undefined,
      logging: { logBucket: this.accessLogBucket.name, logObjectPrefix: 'backups/' },
      labels: { [BACKUP_BUCKET_LABEL.key]: BACKUP_BUCKET_LABEL.value },
      lifecycleRule: [
        { action: { type: 'SetStorageClass', storageClass: 'NEARLINE' }, condition: { age: 30, matchesStorageClass: ['STANDARD'] } },
        { action: { type: 'SetStorageClass', storageClass: 'COLDLINE' }, condition: { age: 90, matchesStorageClass: ['NEARLINE'] } },
        { action: { type: 'Delete' }, condition: { age: p.deleteAfter.toDays() } },
        // Old versions only exist after an overwrite; keep them as long as the retention period.
        { action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: p.retention.toDays(), withState: 'ARCHIVED' } },
      ],
      forceDestroy: false,
    });

    this.serviceAccount = new ServiceAccount(this, 'service-account', {
      accountId: `${p.name}-backup`,
      displayName: `Backups ${p.name} (exports)`,
      description: 'Runs the scheduled logical exports; holds only the grants DrBackup adds.',
    });
    this.grantExportRights(p);

    this.exportWorkflow = new WorkflowsWorkflow(this, 'export-workflow', {
      name: `${p.name}-export`,
      region: db.primaryRegion,
      description: `Logical export of ${db.name} to gs://${bucketName}; logs ${EXPORT_SUCCEEDED_EVENT} per export.`,
      serviceAccount: this.serviceAccount.id,
      callLogLevel: 'LOG_ERRORS_ONLY',
      deletionProtection: true,
      sourceContents: terraformLiteral(this.exportWorkflowSource(!!db.firestore)),
      userEnvVars: this.exportWorkflowEnv(db),
    });
    this.exportJob = new CloudSchedulerJob(this, 'export-schedule', {
      name: `${p.name}-export`,
      region: db.primaryRegion,
      description: `Starts ${p.name}-export every ${this.exportInterval.toHours()} h (derived from rpo ${p.rpo}).`,
      schedule: this.exportSchedule,
      timeZone: 'Etc/UTC',
      attemptDeadline: '320s',
      retryConfig: { retryCount: 3, minBackoffDuration: '60s' },
      httpTarget: {
        httpMethod: 'POST',
        uri: `https://workflowexecutions.googleapis.com/v1/${this.exportWorkflow.id}/executions`,
        body: Fn.base64encode('{}'),
        headers: { 'Content-Type': 'application/json' },
        oauthToken: { serviceAccountEmail: this.serviceAccount.email, scope: 'https://www.googleapis.com/auth/cloud-platform' },
      },
    });

    if (db.firestore) {
      this.firestoreBackupSchedule = new FirestoreBackupSchedule(this, 'firestore-backup-schedule', {
        database: db.firestore.name,
        // Firestore keeps scheduled backups at most 14 weeks.
        retention: `${Math.min(p.retention.toDays(), 98) * DAY_SECONDS}s`,
        dailyRecurrence: {},
      });
    }

    if (p.backupVault ?? p.production) {
      const protection = this.vault(p);
      this.backupVault = protection.vault;
      this.backupPlan = protection.plan;
    }

    const alerting = this.stalenessAlerting(p);
    this.exportSucceededMetric = alerting.metric;
    this.stalenessAlert = alerting.alert;

    if (p.restoreDrill) {
      const drill = new RestoreDrill(this, 'restore-drill', {
        name: p.name,
        project: this.projectId(),
        database: db,
        bucket: this.bucket,
        intervalHours: p.restoreDrillInterval.toHours(),
        tier: p.restoreDrillTier ?? 'db-custom-1-3840',
        kmsKey: p.encryptionKeys!.keyId(db.primaryRegion, KeyPurpose.DATABASE),
        production: p.production,
        pageChannels: p.pageChannels,
        ticketChannels: p.ticketChannels,
      });
      this.restoreDrillWorkflow = drill.workflow;
      this.restoreDrillJob = drill.job;
      this.restoreDrillServiceAccount = drill.serviceAccount;
      this.restoreDrillAlert = drill.alert;
      this.restoreDrillOverdue = Duration.hours(drill.overdueHours);
    }
    if (p.failoverWorkflow) {
      const failover = new DatabaseFailover(this, 'failover', {
        name: p.name,
        project: this.projectId(),
        database: db,
        services: p.failoverServices ?? [],
        runtimeServiceAccountEmail: p.runtimeServiceAccountEmail,
      });
      this.databaseFailoverWorkflow = failover.workflow;
      this.databaseFailoverServiceAccount = failover.serviceAccount;
    }
  }

  private grantExportRights(p: ResolvedDrBackupProps): void {
    const db = p.database;
    const project = this.projectId();
    const member = this.serviceAccount.member;
    const grant = (id: string, role: string, condition?: { title: string; expression: string }): ProjectIamMember =>
      new ProjectIamMember(this, id, { project, role, member, condition });
    // Cloud SQL, Firestore and Workflows have no per-resource IAM: project grants, each narrowed by
    // a condition on this construct's resources (PROJECT_GRANT_CONDITION_CHECK).
    grant('workflow-invoker', 'roles/workflows.invoker', {
      title: `${p.name} export workflow only`,
      expression: `resource.name.endsWith("/workflows/${p.name}-export")`,
    });
    const logWriter = grant('log-writer', 'roles/logging.logWriter');
    PolicySuppressions.add(
      logWriter,
      PROJECT_GRANT_CONDITION_CHECK,
      'Writing log entries is authorized on the project and the entries carry no resource name a condition could test; the export workflow needs it to log each export for the staleness alert.',
    );
    if (db.firestore) {
      grant('firestore-export', 'roles/datastore.importExportAdmin', {
        title: `${p.name}: export ${db.firestore.name} only`,
        // The type guard lets the operation polling and the project read of the role through; every
        // database-level permission (export, import) is limited to this database.
        expression: `resource.type != "firestore.googleapis.com/Database" || resource.name == "projects/${project}/databases/${db.firestore.name}"`,
      });
      // The Firestore service agent writes the export files.
      new StorageBucketIamMember(this, 'firestore-agent-writer', {
        bucket: this.bucket.name,
        role: 'roles/storage.objectAdmin',
        member: `serviceAccount:service-${this.projectNumber()}@gcp-sa-firestore.iam.gserviceaccount.com`,
      });
      return;
    }
    // No predefined role holds export without also holding update/delete (cloudsql.editor): a
    // custom role with the two permissions the export workflow uses (start the export, and read
    // the instance's operations while it waits).
    const exportRole = new ProjectIamCustomRole(this, 'sql-export-role', {
      project,
      roleId: `${p.name.replace(/-/g, '_')}_sql_export`,
      title: `${p.name}: Cloud SQL export`,
      description: `Start and follow SQL exports of ${db.name}; nothing else.`,
      permissions: ['cloudsql.instances.export', 'cloudsql.instances.get'],
    });
    // Cloud SQL has no per-instance IAM policy, so the grant is on the project, conditioned on the
    // instances this construct exports (Cloud SQL evaluates resource.name on instances as
    // projects/<p>/instances/<name>). The type guard keeps the connector's polling of the export's
    // long-running operation working: operations are not instances, and the role holds no other
    // permission than export and get, so nothing but that polling passes through the guard.
    const instances = db.primaries.map((i) => `resource.name == "projects/${project}/instances/${i.name}"`);
    grant('sql-export', exportRole.name, {
      title: `${p.name}: export ${db.name} only`,
      expression: [`resource.type != "${SQL_INSTANCE_TYPE}"`, ...instances].join(' || '),
    });
    // Each instance's own service account writes its export file: objectCreator, no read or delete.
    db.primaries.forEach(
      (instance, shard) =>
        new StorageBucketIamMember(this, `sql-writer-s${shard}`, {
          bucket: this.bucket.name,
          role: 'roles/storage.objectCreator',
          member: `serviceAccount:${instance.serviceAccountEmailAddress}`,
        }),
    );
  }

  /**
   * The export workflow (Workflows YAML), written as Workflows reads it: `${...}` are Workflows
   * expressions, escaped from Terraform by `terraformLiteral` at the call site. What Terraform knows (bucket, instances, database) reaches it as environment
   * variables, because cdktf cannot nest a Terraform reference inside an escaped expression.
   */
  private exportWorkflowSource(firestore: boolean): string {
    const env = (name: string): string => `sys.get_env("${name}")`;
    const logSuccess = (indent: string, target: string): string[] =>
      [
        '- logSuccess:',
        '    call: sys.log',
        '    args:',
        '      severity: INFO',
        '      json:',
        `        event: ${EXPORT_SUCCEEDED_EVENT}`,
        `        target: \${${target}}`,
        '        uri: ${uri}',
      ].map((l) => indent + l);
    const header = [
      'main:',
      '  steps:',
      '    - init:',
      '        assign:',
      `          - project: \${${env('GOOGLE_CLOUD_PROJECT_ID')}}`,
      `          - bucket: \${${env('BACKUP_BUCKET')}}`,
      '          - stamp: ${text.replace_all(time.format(sys.now()), ":", "-")}',
    ];
    if (firestore) {
      return [
        ...header,
        `          - database: \${${env('FIRESTORE_DATABASE')}}`,
        '          - uri: ${"gs://" + bucket + "/exports/firestore/" + stamp}',
        '    - exportDocuments:',
        '        call: googleapis.firestore.v1.projects.databases.exportDocuments',
        '        args:',
        '          name: ${"projects/" + project + "/databases/" + database}',
        '          body:',
        '            outputUriPrefix: ${uri}',
        ...logSuccess('    ', 'database'),
      ]
        .map(quoteExpression)
        .join('\n');
    }
    return [
      ...header,
      `          - database: \${${env('SQL_DATABASE')}}`,
      `          - instances: \${text.split(${env('SQL_INSTANCES')}, ",")}`,
      '    - exportShards:',
      '        for:',
      '          value: instance',
      '          in: ${instances}',
      '          steps:',
      '            - start:',
      '                assign:',
      '                  - uri: ${"gs://" + bucket + "/exports/" + instance + "/" + stamp + ".sql.gz"}',
      // The connector waits for the long-running export, so reaching logSuccess means a complete file.
      '            - exportSql:',
      '                call: googleapis.sqladmin.v1.instances.export',
      '                args:',
      '                  project: ${project}',
      '                  instance: ${instance}',
      '                  body:',
      '                    exportContext:',
      '                      fileType: SQL',
      '                      databases:',
      '                        - ${database}',
      '                      offload: true',
      '                      uri: ${uri}',
      ...logSuccess('            ', 'instance'),
    ]
      .map(quoteExpression)
      .join('\n');
  }

  private exportWorkflowEnv(db: ResolvedDrBackupProps['database']): { [name: string]: string } {
    const env: { [name: string]: string } = { BACKUP_BUCKET: this.bucket.name };
    if (db.firestore) return { ...env, FIRESTORE_DATABASE: db.firestore.name };
    return {
      ...env,
      SQL_DATABASE: db.databaseName,
      SQL_INSTANCES: Fn.join(
        ',',
        db.primaries.map((i) => i.name),
      ),
    };
  }

  private vault(p: ResolvedDrBackupProps): { vault: BackupDrBackupVault; plan?: BackupDrBackupPlan } {
    const db = p.database;
    // Backup and DR protects Cloud SQL from a vault in the instance's region; cross-region copies
    // are the automated backups (backupLocation) and this construct's dual-region bucket.
    const location = db.primaryRegion;
    const vault = new BackupDrBackupVault(this, 'backup-vault', {
      backupVaultId: `${p.name}-vault`,
      location,
      description: `Immutable backups of ${db.name}: nobody, not even an owner, can delete them before the minimum retention.`,
      backupMinimumEnforcedRetentionDuration: `${p.vaultMinimumRetention.toSeconds()}s`,
      accessRestriction: 'WITHIN_ORGANIZATION',
      // Deleting the vault with data sources still attached is refused. (force_delete said the
      // same and is deprecated in provider 6.50: Terraform warns on it.)
      ignoreInactiveDatasources: false,
    });
    // A daily plan for every Cloud SQL primary; Firestore has its own managed backups.
    if (db.primaries.length === 0) return { vault };
    const plan = new BackupDrBackupPlan(this, 'backup-plan', {
      backupPlanId: `${p.name}-sql-daily`,
      location,
      resourceType: 'sqladmin.googleapis.com/Instance',
      backupVault: vault.id,
      backupRules: [
        {
          ruleId: 'daily',
          backupRetentionDays: p.vaultMinimumRetention.toDays(),
          standardSchedule: {
            recurrenceType: 'DAILY',
            timeZone: 'UTC',
            backupWindow: { startHourOfDay: 1, endHourOfDay: 7 },
          },
        },
      ],
    });
    db.primaries.forEach(
      (instance, shard) =>
        new BackupDrBackupPlanAssociation(this, `backup-plan-s${shard}`, {
          backupPlanAssociationId: `${p.name}-s${shard}`,
          location,
          resourceType: 'sqladmin.googleapis.com/Instance',
          resource: `projects/${this.projectId()}/instances/${instance.name}`,
          backupPlan: plan.id,
        }),
    );
    return { vault, plan };
  }

  private stalenessAlerting(p: ResolvedDrBackupProps): { metric: LoggingMetric; alert: MonitoringAlertPolicy } {
    const metric = new LoggingMetric(this, 'export-succeeded-metric', {
      name: `${p.name}-export-succeeded`,
      description: `Successful logical exports of ${p.database.name} (one per export, logged by ${p.name}-export).`,
      filter: [
        'resource.type="workflows.googleapis.com/Workflow"',
        `resource.labels.workflow_id="${p.name}-export"`,
        `jsonPayload.event="${EXPORT_SUCCEEDED_EVENT}"`,
      ].join(' AND '),
      metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', unit: '1' },
    });
    const window = this.alertWindow.toSeconds();
    const alert = new MonitoringAlertPolicy(this, 'staleness-alert', {
      displayName: `${p.name}: no successful backup export within ${this.alertWindow}`,
      combiner: 'OR',
      severity: 'CRITICAL',
      notificationChannels: notificationChannels('CRITICAL', p),
      conditions: [
        {
          displayName: `No ${EXPORT_SUCCEEDED_EVENT} for ${this.alertWindow}`,
          conditionAbsent: {
            filter: `metric.type="logging.googleapis.com/user/${metric.name}" AND resource.type="workflows.googleapis.com/Workflow"`,
            duration: `${window}s`,
            aggregations: [{ alignmentPeriod: '600s', perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM' }],
            trigger: { count: 1 },
          },
        },
      ],
      alertStrategy: { autoClose: '86400s' },
      documentation: {
        mimeType: 'text/markdown',
        subject: terraformLiteral(`Backups of ${p.database.name} are older than ${this.alertWindow}`),
        content: terraformLiteral(
          [
            `No logical export of **${p.database.name}** to \`gs://${this.bucket.name}\` has succeeded for ${this.alertWindow} `,
            `(RPO ${p.rpo}, exports every ${this.exportInterval.toHours()} h by workflow \`${p.name}-export\`).`,
            '',
            `Runbook: ${Runbooks.url(this, BACKUP_STALE_RUNBOOK)}`,
          ].join('\n'),
        ),
      },
      // `env` lets the policy checks judge production; PlatformLabels adds the other platform labels.
      userLabels: { env: alertEnvironment(this, p.production), backup: p.name, severity: routingLabel('CRITICAL') },
    });
    return { metric, alert };
  }

  private projectId(): string {
    if (this.projectIdValue) return this.projectIdValue;
    this.project ??= new DataGoogleProject(this, 'project');
    return this.project.projectId;
  }

  private projectNumber(): string {
    this.project ??= new DataGoogleProject(this, 'project');
    return this.project.number;
  }
}
