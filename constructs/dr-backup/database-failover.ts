import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Construct } from 'constructs';
import { PROJECT_GRANT_CONDITION_CHECK } from '../core/policy-check-ids';
import { PolicySuppressions } from '../core/policy-suppressions';
import { terraformLiteral } from '../core/terraform-literal';
import { MultiRegionDb } from '../multi-region-db/multi-region-db';
import { FailoverPlan, FailoverTopology, allFailoverPlans } from './failover-plan';
import { FAILOVER_STEP_EVENT, failoverWorkflowSource } from './failover-workflow';

/** The pairs to fail over and the services to repoint, as the plans name them. */
export function failoverTopology(db: MultiRegionDb, services: CloudRunV2Service[]): FailoverTopology {
  return {
    // Literal names (MultiRegionDb names its instances): readable plans in the dry-run output.
    shards: db.primaries.map((primary, shard) => ({
      primary: primary.nameInput ?? primary.name,
      drReplica: db.drReplicas[shard].nameInput ?? db.drReplicas[shard].name,
    })),
    services: services.map((s) => s.id),
  };
}

export interface DatabaseFailoverProps {
  readonly name: string;
  readonly project: string;
  readonly database: MultiRegionDb;
  /** Cloud Run services whose DATABASE_URL (and, sharded, DATABASE_SHARD_URLS) is repointed (none: repointing stays manual). */
  readonly services: CloudRunV2Service[];
  /** The identity the services run as (a new revision is deployed as it: actAs). */
  readonly runtimeServiceAccountEmail?: string;
}

/**
 * Regional failover of the database as one audited operation: Workflows `<name>-db-failover`
 * interprets the plans of `failover-plan.ts` (promote the DR replica of every shard, repoint the
 * Cloud Run services' DATABASE_URL and, sharded, each shard's entry of DATABASE_SHARD_URLS, make
 * the new primaries REGIONAL, verify), dry run by default,
 * logging each step's time (FAILOVER_STEP_EVENT). Started by an operator
 * (`gcloud workflows run`), never on a schedule: promoting is a decision.
 *
 * Identity `<name>-failover`: a custom role (get, promote, switch over, update instances)
 * conditioned on this database's instances; get/update on each listed service (resource-level);
 * actAs on the runtime's service account (a revision is deployed as it); log writer.
 */
export class DatabaseFailover extends Construct {
  public readonly serviceAccount: ServiceAccount;
  public readonly workflow: WorkflowsWorkflow;
  /** The plans the workflow runs, keyed "<direction>/<mode>" (tokens for names Terraform knows). */
  public readonly plans: Record<string, FailoverPlan>;

  constructor(scope: Construct, id: string, props: DatabaseFailoverProps) {
    super(scope, id);
    const db = props.database;
    const workflowName = `${props.name}-db-failover`;
    this.plans = allFailoverPlans(failoverTopology(db, props.services));

    this.serviceAccount = new ServiceAccount(this, 'service-account', {
      accountId: `${props.name}-failover`,
      displayName: `Backups ${props.name} (database failover)`,
      description: 'Runs the regional database failover workflow; holds only the grants DrBackup adds.',
    });
    const member = this.serviceAccount.member;
    const role = new ProjectIamCustomRole(this, 'role', {
      project: props.project,
      roleId: `${props.name.replace(/-/g, '_')}_db_failover`,
      title: `${props.name}: database failover`,
      description: `Read, promote, switch over and patch the instances of ${db.name}; nothing else.`,
      permissions: [
        'cloudsql.instances.get',
        'cloudsql.instances.promoteReplica',
        'cloudsql.instances.failover',
        'cloudsql.instances.update',
      ],
    });
    new ProjectIamMember(this, 'database-instances', {
      project: props.project,
      role: role.name,
      member,
      condition: {
        title: `${props.name}: ${db.name} instances only`,
        // The type guard lets the operation polling through; the role's instance permissions work
        // on this database's primaries and replicas only (names start "<db>-s<shard>").
        expression: `resource.type != "sqladmin.googleapis.com/Instance" || resource.name.startsWith("projects/${props.project}/instances/${db.name}-s")`,
      },
    });
    const logWriter = new ProjectIamMember(this, 'log-writer', { project: props.project, role: 'roles/logging.logWriter', member });
    PolicySuppressions.add(
      logWriter,
      PROJECT_GRANT_CONDITION_CHECK,
      `Writing log entries is authorized on the project and the entries carry no resource name a condition could test; the failover workflow logs every step (${FAILOVER_STEP_EVENT}) as its audit trail.`,
    );
    if (props.services.length > 0) {
      const runRole = new ProjectIamCustomRole(this, 'repoint-role', {
        project: props.project,
        roleId: `${props.name.replace(/-/g, '_')}_runtime_repoint`,
        title: `${props.name}: repoint the runtime`,
        description: 'Read and update a Cloud Run service (its DATABASE_URL after a failover).',
        permissions: ['run.services.get', 'run.services.update'],
      });
      props.services.forEach(
        (service, i) =>
          new CloudRunV2ServiceIamMember(this, `repoint-s${i}`, {
            project: service.project,
            location: service.location,
            name: service.name,
            role: runRole.name,
            member,
          }),
      );
      new ServiceAccountIamMember(this, 'runtime-act-as', {
        serviceAccountId: `projects/${props.project}/serviceAccounts/${props.runtimeServiceAccountEmail}`,
        role: 'roles/iam.serviceAccountUser',
        member,
      });
    }
    this.workflow = new WorkflowsWorkflow(this, 'workflow', {
      name: workflowName,
      // In the DR region: the failover must run when the primary's region (and its Workflows) is down.
      region: db.drReplicaRegion!,
      description: `Regional failover of ${db.name} (dry run unless {"dryRun": false}); logs every step as ${FAILOVER_STEP_EVENT}.`,
      serviceAccount: this.serviceAccount.id,
      callLogLevel: 'LOG_ALL_CALLS',
      deletionProtection: true,
      sourceContents: terraformLiteral(failoverWorkflowSource(this.plans)),
    });
  }
}
