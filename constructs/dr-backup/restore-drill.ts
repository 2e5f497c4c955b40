import { CloudSchedulerJob } from '@cdktf/provider-google/lib/cloud-scheduler-job';
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
import { AlertChannelProps, alertEnvironment, notificationChannels, routingLabel } from '../core/alert-routing';
import { PlatformStack } from '../core/platform-stack';
import { PROJECT_GRANT_CONDITION_CHECK } from '../core/policy-check-ids';
import { PolicySuppressions } from '../core/policy-suppressions';
import { Runbooks } from '../core/runbooks';
import { terraformLiteral } from '../core/terraform-literal';
import { MultiRegionDb } from '../multi-region-db/multi-region-db';
import {
  RESTORE_DRILL_FAILED_EVENT,
  RESTORE_DRILL_SUCCEEDED_EVENT,
  RESTORE_VERIFY_QUERY,
  restoreDrillWorkflowSource,
} from './restore-drill-workflow';

/** Runbook linked from the restore drill alert: docs/monitoring/runbooks/restore-drill-failed.md. */
export const RESTORE_DRILL_RUNBOOK = 'restore-drill-failed';
/** Hours a drill may take (instance create + import + verify + delete) before it counts as overdue. */
export const RESTORE_DRILL_GRACE_HOURS = 4;
/** Intervals whose overdue window (interval + grace) stays under Monitoring's 23.5 h absence limit. */
export const RESTORE_DRILL_INTERVALS = [4, 6, 8, 12] as const;
/** Label on every scratch instance, so a leftover one is easy to find (and to alert on). */
export const SCRATCH_INSTANCE_LABEL = { key: 'purpose', value: 'restore-drill' } as const;

export interface RestoreDrillProps extends AlertChannelProps {
  readonly name: string;
  readonly project: string;
  readonly database: MultiRegionDb;
  readonly bucket: StorageBucket;
  readonly intervalHours: number;
  readonly tier: string;
  /** CMEK (KeyPurpose.DATABASE) in the primary region for the scratch instance. */
  readonly kmsKey: string;
}

/**
 * The scheduled restore drill of DrBackup (Cloud SQL): Cloud Scheduler → Workflows
 * `<name>-restore-drill`, which restores the newest export of every shard into a scratch instance
 * named `<name>-drill-s<shard>-<epoch>`, verifies it and deletes it; two log-based metrics count
 * successes and failures, and one ERROR alert (ticket) fires on a failure or when no drill succeeded
 * for interval + 4 h.
 *
 * Identity `<name>-drill`: a custom role (create, get, import, export, delete instances; create
 * databases) conditioned on the scratch instances' name prefix, so it can never import into,
 * export from or delete a production instance; read on the backup bucket; invoker of its own
 * workflow; log writer.
 */
export class RestoreDrill extends Construct {
  public readonly serviceAccount: ServiceAccount;
  public readonly workflow: WorkflowsWorkflow;
  public readonly job: CloudSchedulerJob;
  public readonly succeededMetric: LoggingMetric;
  public readonly failedMetric: LoggingMetric;
  public readonly alert: MonitoringAlertPolicy;
  /** Cron (UTC) of the drill: half an hour after an export (at :15) has had time to finish. */
  public readonly schedule: string;
  /** The alert fires when no drill succeeded for this many hours. */
  public readonly overdueHours: number;

  constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, id);
    const db = props.database;
    const name = props.name;
    const workflowName = `${name}-restore-drill`;
    const scratchPrefix = `${name}-drill`;
    this.schedule = `45 */${props.intervalHours} * * *`;
    this.overdueHours = props.intervalHours + RESTORE_DRILL_GRACE_HOURS;

    this.serviceAccount = new ServiceAccount(this, 'service-account', {
      accountId: `${name}-drill`,
      displayName: `Backups ${name} (restore drill)`,
      description: 'Restores the newest export into scratch instances, verifies and deletes them; holds only the grants DrBackup adds.',
    });
    const member = this.serviceAccount.member;
    const role = new ProjectIamCustomRole(this, 'role', {
      project: props.project,
      roleId: `${name.replace(/-/g, '_')}_restore_drill`,
      title: `${name}: restore drill`,
      description: `Create, import into, query and delete ${scratchPrefix}-* scratch instances; nothing else.`,
      permissions: [
        'cloudsql.instances.create',
        'cloudsql.instances.get',
        'cloudsql.instances.import',
        'cloudsql.instances.export',
        'cloudsql.instances.delete',
        'cloudsql.databases.create',
      ],
    });
    // Cloud SQL has no per-instance IAM: a project grant conditioned on the scratch name prefix.
    // The type guard lets through the connector's polling of operations (not instances); every
    // instance-level permission of the role only works on scratch instances.
    new ProjectIamMember(this, 'scratch-instances', {
      project: props.project,
      role: role.name,
      member,
      condition: {
        title: `${name}: scratch instances only`,
        expression: `resource.type != "sqladmin.googleapis.com/Instance" || resource.name.startsWith("projects/${props.project}/instances/${scratchPrefix}-")`,
      },
    });
    new ProjectIamMember(this, 'workflow-invoker', {
      project: props.project,
      role: 'roles/workflows.invoker',
      member,
      condition: { title: `${workflowName} only`, expression: `resource.name.endsWith("/workflows/${workflowName}")` },
    });
    const logWriter = new ProjectIamMember(this, 'log-writer', { project: props.project, role: 'roles/logging.logWriter', member });
    PolicySuppressions.add(
      logWriter,
      PROJECT_GRANT_CONDITION_CHECK,
      'Writing log entries is authorized on the project and the entries carry no resource name a condition could test; the drill logs each result for its metrics and alert.',
    );
    // Find the newest export and read the verification result.
    new StorageBucketIamMember(this, 'bucket-reader', { bucket: props.bucket.name, role: 'roles/storage.objectViewer', member });
    // The import reads the export as the scratch instance's service account. Cloud SQL runs the
    // instances of a project as one service account, the primaries' (which already writes the
    // exports and the drill's CSV): reading is the one thing it gains. The workflow checks the
    // scratch instance runs as it before importing.
    const readers = db.primaries.slice(0, 1).map(
      (instance) =>
        new StorageBucketIamMember(this, 'instance-reader', {
          bucket: props.bucket.name,
          role: 'roles/storage.objectViewer',
          member: `serviceAccount:${instance.serviceAccountEmailAddress}`,
        }),
    );

    const labels = { ...PlatformStack.find(this)?.labels, [SCRATCH_INSTANCE_LABEL.key]: SCRATCH_INSTANCE_LABEL.value, backup: name };
    this.workflow = new WorkflowsWorkflow(this, 'workflow', {
      name: workflowName,
      region: db.primaryRegion,
      description: `Restores the newest export of ${db.name} into ${scratchPrefix}-* scratch instances, verifies and deletes them; logs ${RESTORE_DRILL_SUCCEEDED_EVENT} / ${RESTORE_DRILL_FAILED_EVENT}.`,
      serviceAccount: this.serviceAccount.id,
      callLogLevel: 'LOG_ERRORS_ONLY',
      deletionProtection: true,
      sourceContents: terraformLiteral(restoreDrillWorkflowSource()),
      userEnvVars: {
        BACKUP_BUCKET: props.bucket.name,
        SQL_DATABASE: db.databaseName,
        SQL_INSTANCES: Fn.join(
          ',',
          db.primaries.map((i) => i.name),
        ),
        BUCKET_READERS: Fn.join(
          ',',
          db.primaries.slice(0, 1).map((i) => i.serviceAccountEmailAddress),
        ),
        DRILL_PREFIX: scratchPrefix,
        DRILL_REGION: db.primaryRegion,
        DRILL_TIER: props.tier,
        DRILL_KMS_KEY: props.kmsKey,
        DRILL_NETWORK: db.network!,
        DRILL_LABELS: JSON.stringify(labels),
        DATABASE_VERSION: db.engine.version!,
        VERIFY_QUERY: RESTORE_VERIFY_QUERY,
      },
      dependsOn: readers,
    });
    this.job = new CloudSchedulerJob(this, 'schedule', {
      name: workflowName,
      region: db.primaryRegion,
      description: `Starts ${workflowName} every ${props.intervalHours} h.`,
      schedule: this.schedule,
      timeZone: 'Etc/UTC',
      attemptDeadline: '320s',
      retryConfig: { retryCount: 3, minBackoffDuration: '60s' },
      httpTarget: {
        httpMethod: 'POST',
        uri: `https://workflowexecutions.googleapis.com/v1/${this.workflow.id}/executions`,
        body: Fn.base64encode('{}'),
        headers: { 'Content-Type': 'application/json' },
        oauthToken: { serviceAccountEmail: this.serviceAccount.email, scope: 'https://www.googleapis.com/auth/cloud-platform' },
      },
    });

    const metric = (metricId: string, event: string, what: string, labelExtractors?: Record<string, string>): LoggingMetric =>
      new LoggingMetric(this, metricId, {
        name: `${name}-${metricId}`,
        description: `${what} of ${db.name} (one per shard and drill, logged by ${workflowName}).`,
        filter: [
          'resource.type="workflows.googleapis.com/Workflow"',
          `resource.labels.workflow_id="${workflowName}"`,
          `jsonPayload.event="${event}"`,
        ].join(' AND '),
        metricDescriptor: {
          metricKind: 'DELTA',
          valueType: 'INT64',
          unit: '1',
          labels: labelExtractors ? Object.keys(labelExtractors).map((key) => ({ key, valueType: 'STRING' })) : undefined,
        },
        labelExtractors,
      });
    this.succeededMetric = metric('restore-drill-succeeded', RESTORE_DRILL_SUCCEEDED_EVENT, 'Successful restore drills');
    this.failedMetric = metric('restore-drill-failed', RESTORE_DRILL_FAILED_EVENT, 'Failed restore drills', {
      step: 'EXTRACT(jsonPayload.step)',
    });
    this.alert = this.drillAlert(props, workflowName);
  }

  private drillAlert(props: RestoreDrillProps, workflowName: string): MonitoringAlertPolicy {
    const filterOf = (m: LoggingMetric): string =>
      `metric.type="logging.googleapis.com/user/${m.name}" AND resource.type="workflows.googleapis.com/Workflow"`;
    const aggregations = [{ alignmentPeriod: '600s', perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM' }];
    const db = props.database;
    return new MonitoringAlertPolicy(this, 'alert', {
      displayName: `${props.name}: restore drill failed or overdue`,
      combiner: 'OR',
      severity: 'ERROR',
      notificationChannels: notificationChannels('ERROR', props),
      conditions: [
        {
          displayName: 'A restore drill failed',
          conditionThreshold: {
            filter: filterOf(this.failedMetric),
            comparison: 'COMPARISON_GT',
            thresholdValue: 0,
            duration: '0s',
            aggregations,
            trigger: { count: 1 },
          },
        },
        {
          displayName: `No successful restore drill for ${this.overdueHours} h`,
          conditionAbsent: {
            filter: filterOf(this.succeededMetric),
            duration: `${this.overdueHours * 3600}s`,
            aggregations,
            trigger: { count: 1 },
          },
        },
      ],
      alertStrategy: { autoClose: '86400s' },
      documentation: {
        mimeType: 'text/markdown',
        subject: terraformLiteral(`Restore drill of ${db.name} failed or is overdue`),
        content: terraformLiteral(
          [
            `The scheduled restore of the newest export of **${db.name}** into a scratch instance failed, or none succeeded for ${this.overdueHours} h `,
            `(workflow \`${workflowName}\`, every ${props.intervalHours} h). Until a drill passes, treat the exports as unproven.`,
            '',
            `Runbook: ${Runbooks.url(this, RESTORE_DRILL_RUNBOOK)}`,
          ].join('\n'),
        ),
      },
      userLabels: { env: alertEnvironment(this, props.production), backup: props.name, severity: routingLabel('ERROR') },
    });
  }
}
