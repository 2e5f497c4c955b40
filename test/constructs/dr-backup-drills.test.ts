/**
 * DrBackup's restore drill (scheduled restore of the newest export into a scratch instance) and
 * its regional failover workflow: synthesized shape, the safety properties of the workflow
 * sources, the failover plans and their dry-run verdicts, and the props' validation.
 */
import { DrBackup } from '../../constructs/dr-backup/dr-backup';
import { DrBackupProps } from '../../constructs/dr-backup/dr-backup-props';
import { Duration } from '../../constructs/core/duration';
import { evaluatePreconditions, failoverPlan } from '../../constructs/dr-backup/failover-plan';
import { RESTORE_DRILL_GRACE_HOURS, RESTORE_DRILL_INTERVALS, RESTORE_DRILL_RUNBOOK } from '../../constructs/dr-backup/restore-drill';
import { MAX_ABSENCE_SECONDS } from '../../constructs/dr-backup/recovery-plan';
import { RESTORE_VERIFY_QUERY } from '../../constructs/dr-backup/restore-drill-workflow';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../constructs/core/runbooks';
import { DatabaseEngine } from '../../constructs/multi-region-db/multi-region-db';
import { MultiRegionDb } from '../../constructs/multi-region-db/multi-region-db';
import { MultiRegionDbProps } from '../../constructs/multi-region-db/multi-region-db';
import { ScalableWebhook } from '../../constructs/scalable-webhook/scalable-webhook';
import { PlatformStackProps } from '../../constructs/core/platform-stack';
import { FixedKeys } from '../helpers/fixed-keys';
import { WorkflowInterpreter, WorkflowRaised } from '../helpers/workflows-interpreter';
import { DEV_PROPS, IMAGE, Json, PROD_PROPS, platformStack, resources, synth } from '../helpers/synth';

const NETWORK = 'projects/acme-convai-prod/global/networks/convai';
const KEYS = new FixedKeys();
const PAGE = 'projects/acme-convai-prod/notificationChannels/1';
const TICKET = 'projects/acme-convai-prod/notificationChannels/2';
type Options = Omit<DrBackupProps, 'database'>;

function build(
  backup: Partial<Options> = {},
  dbProps: MultiRegionDbProps = { network: NETWORK, encryptionKeys: KEYS },
  stackProps: PlatformStackProps = PROD_PROPS,
  withWebhook = false,
): { json: Json; backups: DrBackup } {
  const stack = platformStack(stackProps);
  const db = new MultiRegionDb(stack, 'db', dbProps);
  const webhook = withWebhook
    ? new ScalableWebhook(stack, 'webhook', { image: IMAGE, domains: ['hook.acme.dev'], projectNumber: '42' })
    : undefined;
  const backups = new DrBackup(stack, 'backups', {
    database: db,
    rpo: Duration.minutes(15),
    rto: Duration.minutes(30),
    encryptionKeys: KEYS,
    pageChannels: [PAGE],
    ticketChannels: [TICKET],
    failoverServices: webhook?.services,
    runtimeServiceAccountEmail: webhook?.serviceAccount.email,
    ...backup,
  });
  return { json: synth(stack), backups };
}

const named = (json: Json, type: string, name: string): Json => {
  const all = Object.values(resources(json, type)).filter((r) => r.name === name || r.display_name === name);
  if (all.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${all.length}`);
  return all[0];
};

// js-yaml (a pinned devDependency) has no bundled types; only load() is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load } = require('js-yaml') as { load: (text: string) => unknown };

/** The workflow source as Workflows reads it (a YAML parse must succeed): Terraform turns `$${` back into `${`. */
const workflowYaml = (source: string): Json => load(source.replace(/\$\$\{/g, '${')) as Json;

/** Every step of a Workflows definition, depth first, with the subworkflow it is in. */
function stepsOf(node: unknown, out: Array<{ name: string; step: Json }> = []): Array<{ name: string; step: Json }> {
  if (Array.isArray(node)) {
    for (const item of node) {
      if (item && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 1) {
        const [name, step] = Object.entries(item)[0];
        if (step && typeof step === 'object') {
          // A `try:` holding a single call is that call.
          const body = (step as Json).try && (step as Json).try.call ? (step as Json).try : step;
          out.push({ name, step: body as Json });
        }
      }
      stepsOf(item, out);
    }
  } else if (node && typeof node === 'object') {
    for (const value of Object.values(node)) stepsOf(value, out);
  }
  return out;
}

describe('restore drill, production defaults', () => {
  const { json, backups } = build();
  const wf = named(json, 'google_workflows_workflow', 'backups-restore-drill');
  const source = workflowYaml(wf.source_contents);
  const steps = stepsOf(source);
  const callsTo = (prefix: string) => steps.filter((s) => typeof s.step.call === 'string' && s.step.call.startsWith(prefix));

  test('Cloud Scheduler starts the drill every 12 h, half an hour after an export', () => {
    const job = named(json, 'google_cloud_scheduler_job', 'backups-restore-drill');
    expect(job.schedule).toBe('45 */12 * * *');
    expect(job.http_target.uri).toMatch(
      /^https:\/\/workflowexecutions\.googleapis\.com\/v1\/\$\{google_workflows_workflow\.backups_restore-drill_workflow_\w+\.id\}\/executions$/,
    );
    expect(job.http_target.oauth_token.service_account_email).toMatch(
      /google_service_account\.backups_restore-drill_service-account_\w+\.email/,
    );
    expect(backups.restoreDrillOverdue?.toHours()).toBe(16);
  });

  test('the scratch instance: CMEK, private IP only, zonal, no backups, deletion protection off, labelled', () => {
    const insert = callsTo('googleapis.sqladmin.v1.instances.insert');
    expect(insert).toHaveLength(1);
    const body = insert[0].step.args.body;
    expect(body.diskEncryptionConfiguration.kmsKeyName).toBe('${sys.get_env("DRILL_KMS_KEY")}');
    expect(body.settings).toMatchObject({
      edition: 'ENTERPRISE',
      availabilityType: 'ZONAL',
      deletionProtectionEnabled: false,
      backupConfiguration: { enabled: false },
      ipConfiguration: { ipv4Enabled: false, privateNetwork: '${sys.get_env("DRILL_NETWORK")}', sslMode: 'ENCRYPTED_ONLY' },
    });
    expect(wf.user_env_vars).toMatchObject({
      DRILL_KMS_KEY: 'projects/kms-test/locations/us-central1/keyRings/convai/cryptoKeys/database',
      DRILL_NETWORK: NETWORK,
      DRILL_REGION: 'us-central1',
      DRILL_TIER: 'db-custom-1-3840',
      DRILL_PREFIX: 'backups-drill',
      SQL_DATABASE: 'webhook',
      VERIFY_QUERY: RESTORE_VERIFY_QUERY,
    });
    expect(JSON.parse(wf.user_env_vars.DRILL_LABELS)).toEqual({
      env: 'prod',
      team: 'convai',
      'cost-center': 'cc-42',
      'managed-by': 'cdktf',
      purpose: 'restore-drill',
      backup: 'backups',
    });
  });

  test('every call that changes or reads an instance names the scratch instance, never a production one', () => {
    const sqlCalls = callsTo('googleapis.sqladmin.v1.');
    expect(sqlCalls.map((s) => s.step.call).sort()).toEqual([
      'googleapis.sqladmin.v1.databases.insert',
      'googleapis.sqladmin.v1.instances.delete',
      'googleapis.sqladmin.v1.instances.delete',
      'googleapis.sqladmin.v1.instances.export',
      'googleapis.sqladmin.v1.instances.get',
      'googleapis.sqladmin.v1.instances.import',
      'googleapis.sqladmin.v1.instances.insert',
    ]);
    for (const s of sqlCalls.filter((c) => !c.step.call.endsWith('.insert') || c.step.call.includes('databases'))) {
      expect({ call: s.name, instance: s.step.args.instance }).toEqual({ call: s.name, instance: '${scratch}' });
    }
    expect(callsTo('googleapis.sqladmin.v1.instances.insert')[0].step.args.body.name).toBe('${scratch}');
  });

  test('the import reads the newest export, and the drill verifies with the shared query', () => {
    const imported = callsTo('googleapis.sqladmin.v1.instances.import')[0].step.args.body.importContext;
    expect(imported).toMatchObject({ fileType: 'SQL', uri: '${"gs://" + bucket + "/" + exportName}' });
    const verify = callsTo('googleapis.sqladmin.v1.instances.export')[0].step.args.body.exportContext;
    expect(verify).toMatchObject({ fileType: 'CSV', csvExportOptions: { selectQuery: '${sys.get_env("VERIFY_QUERY")}' } });
    expect(Object.keys(source)).toEqual(['main', 'drill', 'latest_export']);
  });

  test('the identity may create, import, query and delete scratch instances only; read the bucket; run its workflow', () => {
    const role = Object.values(resources(json, 'google_project_iam_custom_role')).find((r) => r.role_id === 'backups_restore_drill')!;
    expect(role.permissions).toEqual([
      'cloudsql.instances.create',
      'cloudsql.instances.get',
      'cloudsql.instances.import',
      'cloudsql.instances.export',
      'cloudsql.instances.delete',
      'cloudsql.databases.create',
    ]);
    const grants = Object.entries(resources(json, 'google_project_iam_member')).filter(([id]) => id.startsWith('backups_restore-drill_'));
    const scratch = grants.find(([id]) => id.includes('scratch-instances'))![1];
    expect(scratch.condition.expression).toBe(
      'resource.type != "sqladmin.googleapis.com/Instance" || resource.name.startsWith("projects/acme-convai-prod/instances/backups-drill-")',
    );
    expect(grants.find(([id]) => id.includes('workflow-invoker'))![1].condition.expression).toBe(
      'resource.name.endsWith("/workflows/backups-restore-drill")',
    );
    const readers = Object.entries(resources(json, 'google_storage_bucket_iam_member')).filter(([id]) =>
      id.startsWith('backups_restore-drill_'),
    );
    expect(readers.map(([, m]) => [m.role, m.member])).toEqual([
      ['roles/storage.objectViewer', expect.stringMatching(/google_service_account\.backups_restore-drill_service-account_\w+\.member/)],
      [
        'roles/storage.objectViewer',
        expect.stringMatching(/^serviceAccount:\$\{google_sql_database_instance\.db_shard0-primary_\w+\.service_account_email_address\}$/),
      ],
    ]);
    expect(wf.user_env_vars.BUCKET_READERS).toMatch(/service_account_email_address/);
  });

  test('metrics count successes and failures (by step); one ERROR alert, to the ticket channels, on a failure or 16 h without success', () => {
    const ok = named(json, 'google_logging_metric', 'backups-restore-drill-succeeded');
    const failed = named(json, 'google_logging_metric', 'backups-restore-drill-failed');
    expect(ok.filter).toBe(
      'resource.type="workflows.googleapis.com/Workflow" AND resource.labels.workflow_id="backups-restore-drill" AND jsonPayload.event="backup.restore_drill_succeeded"',
    );
    expect(failed.filter).toContain('jsonPayload.event="backup.restore_drill_failed"');
    expect(failed.label_extractors).toEqual({ step: 'EXTRACT(jsonPayload.step)' });
    const alert = named(json, 'google_monitoring_alert_policy', 'backups: restore drill failed or overdue');
    expect(alert.severity).toBe('ERROR');
    expect(alert.notification_channels).toEqual([TICKET]);
    expect(alert.conditions[0].condition_threshold).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: 0 });
    expect(alert.conditions[0].condition_threshold.filter).toMatch(/backups_restore-drill_restore-drill-failed_\w+\.name/);
    expect(alert.conditions[1].condition_absent.duration).toBe(`${16 * 3600}s`);
    expect(alert.documentation.content).toContain(`Runbook: ${DEFAULT_RUNBOOK_BASE_URL}/${RESTORE_DRILL_RUNBOOK}.md`);
    expect(alert.user_labels).toMatchObject({ env: 'prod', backup: 'backups', severity: 'ticket' });
  });

  test('the interval is a prop: 6 h drills are overdue after 10 h', () => {
    const six = build({ restoreDrillInterval: Duration.hours(6) });
    expect(named(six.json, 'google_cloud_scheduler_job', 'backups-restore-drill').schedule).toBe('45 */6 * * *');
    expect(
      named(six.json, 'google_monitoring_alert_policy', 'backups: restore drill failed or overdue').conditions[1].condition_absent.duration,
    ).toBe(`${10 * 3600}s`);
  });
});

test('every allowed interval keeps the overdue window inside Monitoring’s absence limit', () => {
  for (const hours of RESTORE_DRILL_INTERVALS) expect((hours + RESTORE_DRILL_GRACE_HOURS) * 3600).toBeLessThanOrEqual(MAX_ABSENCE_SECONDS);
});

describe('defaults outside production and for Firestore', () => {
  test('dev (one region, no DR replica): no restore drill, no failover workflow', () => {
    const { json, backups } = build(
      { rpo: Duration.days(1), rto: Duration.hours(8) },
      { network: NETWORK, encryptionKeys: KEYS },
      DEV_PROPS,
    );
    expect(backups.restoreDrillWorkflow).toBeUndefined();
    expect(backups.databaseFailoverWorkflow).toBeUndefined();
    expect(Object.values(resources(json, 'google_workflows_workflow')).map((w) => w.name)).toEqual(['backups-export']);
  });

  test('Firestore: no drill by default', () => {
    const { backups } = build({}, { engine: DatabaseEngine.firestore(), encryptionKeys: KEYS });
    expect(backups.restoreDrillWorkflow).toBeUndefined();
    expect(backups.databaseFailoverWorkflow).toBeUndefined();
  });

  test('restoreDrill: false turns it off in production', () => {
    expect(build({ restoreDrill: false }).backups.restoreDrillWorkflow).toBeUndefined();
  });
});

describe('failover workflow', () => {
  const { json, backups } = build({}, undefined, PROD_PROPS, true);
  const wf = named(json, 'google_workflows_workflow', 'backups-db-failover');
  const source = workflowYaml(wf.source_contents);
  const init = (source.main.steps.find((s: Json) => s.init).init.assign as Json[]).reduce((m, a) => ({ ...m, ...a }), {} as Json);

  test('lives in the DR region (the primary’s may be down), logs all calls, is never scheduled', () => {
    expect(wf.region).toBe('europe-west1');
    expect(wf.call_log_level).toBe('LOG_ALL_CALLS');
    const jobs = Object.values(resources(json, 'google_cloud_scheduler_job')).map((j) => j.name);
    expect(jobs).not.toContain('backups-db-failover');
  });

  test('a dry run unless told otherwise; the plans are the synthesized ones', () => {
    expect(init.dryRun).toBe('${default(map.get(input, "dryRun"), true)}');
    expect(Object.keys(init.plans)).toEqual(['failover/switchover', 'failover/promote', 'failback/switchover']);
    const plan = init.plans['failover/promote'];
    expect(plan.actions.map((a: Json) => `${a.kind} ${a.instance}${a.field ? ` ${a.field}=${a.equals}` : ''}`)).toEqual([
      'check db-s0-europe-west1 state=RUNNABLE',
      'check db-s0-europe-west1 instanceType=READ_REPLICA_INSTANCE',
      'promote db-s0-europe-west1',
      'repoint db-s0-europe-west1',
      'repoint db-s0-europe-west1',
      'repoint db-s0-europe-west1',
      'make-regional db-s0-europe-west1',
      'verify-primary db-s0-europe-west1',
    ]);
    expect(
      plan.actions
        .filter((a: Json) => a.kind === 'repoint')
        .map((a: Json) => a.service)
        .sort(),
    ).toEqual(
      Object.keys(resources(json, 'google_cloud_run_v2_service'))
        .map((id) => `\${google_cloud_run_v2_service.${id}.id}`)
        .sort(),
    );
  });

  test('identity: promote/patch this database’s instances, update the listed services, act as the runtime', () => {
    const role = Object.values(resources(json, 'google_project_iam_custom_role')).find((r) => r.role_id === 'backups_db_failover')!;
    expect(role.permissions).toEqual([
      'cloudsql.instances.get',
      'cloudsql.instances.promoteReplica',
      'cloudsql.instances.failover',
      'cloudsql.instances.update',
    ]);
    const grant = Object.entries(resources(json, 'google_project_iam_member')).find(([id]) =>
      id.startsWith('backups_failover_database-instances'),
    )![1];
    expect(grant.condition.expression).toBe(
      'resource.type != "sqladmin.googleapis.com/Instance" || resource.name.startsWith("projects/acme-convai-prod/instances/db-s")',
    );
    const perService = Object.values(resources(json, 'google_cloud_run_v2_service_iam_member')).filter((m) =>
      String(m.member).includes('backups_failover_service-account'),
    );
    expect(perService).toHaveLength(3);
    expect(
      Object.values(resources(json, 'google_service_account_iam_member')).filter((m) => m.role === 'roles/iam.serviceAccountUser'),
    ).toEqual([expect.objectContaining({ member: expect.stringMatching(/backups_failover_service-account/) })]);
    expect(init.plans['failback/switchover'].actions[0]).toMatchObject({ instance: 'db-s0' });
    expect(backups.databaseFailoverServiceAccount).toBeDefined();
  });

  test('repointing rewrites only the host of DATABASE_URL and patches the whole service (a partial PATCH would reset ingress)', () => {
    const steps = stepsOf(source.repoint);
    const rewrite = steps.find((s) => s.name === 'rewrite')!.step.assign[0];
    expect(Object.values(rewrite)[0]).toBe('${text.replace_all_regex(variable.value, "@[^:/@]+:", "@" + ip + ":")}');
    expect(steps.find((s) => s.name === 'update')!.step.args.body).toBe('${service}');
  });
});

describe('repointing, run: the workflow’s own repoint subworkflow against a fake Cloud Run and SQL Admin', () => {
  const url = (ip: string) => `postgres://webhook-run%40acme.iam@${ip}:5432/webhook?sslmode=verify-full`;
  const OLD = ['10.20.0.3', '10.20.0.4', '10.20.0.5'];
  /** Private IPs of the DR replicas (and the primaries, for failback). */
  const IPS: Record<string, string> = {
    'db-s0': OLD[0],
    'db-s1': OLD[1],
    'db-s2': OLD[2],
    'db-s0-europe-west1': '10.30.0.7',
    'db-s1-europe-west1': '10.30.0.8',
    'db-s2-europe-west1': '10.30.0.9',
  };
  const SERVICE = 'projects/acme-convai-prod/locations/us-central1/services/webhook';
  const service = (env: Array<Record<string, unknown>>) => ({
    name: SERVICE,
    ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
    template: {
      serviceAccount: 'webhook-run@acme.iam.gserviceaccount.com',
      containers: [{ image: IMAGE, env }],
    },
  });
  const shardedEnv = (urls = OLD.map(url)) => [
    { name: 'NODE_ENV', value: 'production' },
    { name: 'DATABASE_URL', value: urls[0] },
    { name: 'DATABASE_SHARD_URLS', value: JSON.stringify(urls) },
    { name: 'PG_IAM_AUTH', value: 'true' },
    { name: 'WEBHOOK_SHARED_SECRET', valueSource: { secretKeyRef: { secret: 'webhook-shared-secret', version: 'latest' } } },
  ];

  /** The repoint subworkflow of a synthesized failover workflow, with Cloud Run and SQL Admin faked. */
  function harness(source: Json, initial: Json) {
    const services: Record<string, Json> = { [`https://run.googleapis.com/v2/${SERVICE}`]: initial };
    const patches: Json[] = [];
    const interpreter = new WorkflowInterpreter(source, {
      read_instance: ({ name }) => ({
        name,
        ipAddresses: [
          { type: 'OUTGOING', ipAddress: '34.1.1.1' },
          { type: 'PRIVATE', ipAddress: IPS[name] },
        ],
      }),
      'http.get': ({ url: u }) => ({ body: { ...structuredClone(services[u]), reconciling: false, latestReadyRevision: 'rev-2' } }),
      'http.patch': ({ url: u, body }) => {
        patches.push(body);
        services[u] = body;
        return { body: {} };
      },
      'sys.sleep': () => null,
    });
    const repoint = async (action: Json) =>
      interpreter.run('repoint', { project: 'acme-convai-prod', action: { ...action, service: SERVICE } });
    const env = () =>
      Object.fromEntries(
        services[`https://run.googleapis.com/v2/${SERVICE}`].template.containers[0].env.map((e: Json) => [
          e.name,
          e.value ?? e.valueSource,
        ]),
      );
    return { repoint, env, patches, services };
  }

  const sharded = build({}, { network: NETWORK, encryptionKeys: KEYS, shards: 3 }, PROD_PROPS, true).json;
  const shardedSource = workflowYaml(named(sharded, 'google_workflows_workflow', 'backups-db-failover').source_contents);
  const shardedPlans = (shardedSource.main.steps.find((s: Json) => s.init).init.assign as Json[]).reduce(
    (m, a) => ({ ...m, ...a }),
    {} as Json,
  ).plans;
  const repoints = (key: string) => shardedPlans[key].actions.filter((a: Json) => a.kind === 'repoint');

  test('a sharded plan names the shard of every repoint', () => {
    const services = Object.keys(resources(sharded, 'google_cloud_run_v2_service')).length;
    expect(repoints('failover/promote').map((a: Json) => [a.instance, a.shard])).toEqual(
      [0, 1, 2].flatMap((s) => Array.from({ length: services }, () => [`db-s${s}-europe-west1`, s])),
    );
    expect(repoints('failover/promote')[0].what).toMatch(
      /^set DATABASE_URL and DATABASE_SHARD_URLS\[0\] of .* to db-s0-europe-west1's private IP$/,
    );
    expect(repoints('failover/promote').at(-1).what).toMatch(/^set DATABASE_SHARD_URLS\[2\] of .* to db-s2-europe-west1's private IP$/);
  });

  test('failing over shard 1 rewrites only entry 1 of DATABASE_SHARD_URLS; DATABASE_URL (shard 0) and the rest are kept', async () => {
    const h = harness(shardedSource, service(shardedEnv()));
    await expect(h.repoint(repoints('failover/promote').find((a: Json) => a.shard === 1))).resolves.toBe('rev-2');
    expect(JSON.parse(h.env().DATABASE_SHARD_URLS)).toEqual([url(OLD[0]), url('10.30.0.8'), url(OLD[2])]);
    expect(h.env().DATABASE_URL).toBe(url(OLD[0]));
    expect(h.env().PG_IAM_AUTH).toBe('true');
    expect(h.env().WEBHOOK_SHARED_SECRET).toEqual({ secretKeyRef: { secret: 'webhook-shared-secret', version: 'latest' } });
    // The whole service is patched: a partial PATCH would reset ingress.
    expect(h.patches).toHaveLength(1);
    expect(h.patches[0].ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
  });

  test('the whole failover plan’s repoints, in order: every shard on its DR replica, DATABASE_URL still the first entry', async () => {
    const h = harness(shardedSource, service(shardedEnv()));
    // One fake service stands for each of the plan's services (they are patched alike).
    for (const action of repoints('failover/promote')) await h.repoint(action);
    const now = ['10.30.0.7', '10.30.0.8', '10.30.0.9'].map(url);
    expect(JSON.parse(h.env().DATABASE_SHARD_URLS)).toEqual(now);
    expect(h.env().DATABASE_URL).toBe(now[0]);
    // And back: failback puts every shard on its original primary.
    for (const action of repoints('failback/switchover')) await h.repoint(action);
    expect(JSON.parse(h.env().DATABASE_SHARD_URLS)).toEqual(OLD.map(url));
    expect(h.env().DATABASE_URL).toBe(url(OLD[0]));
  });

  test('a service that does not name the shard is refused before it is patched', async () => {
    const unshardedService = harness(shardedSource, service([{ name: 'DATABASE_URL', value: url(OLD[0]) }]));
    await expect(unshardedService.repoint(repoints('failover/promote').find((a: Json) => a.shard === 1))).rejects.toThrow(
      new WorkflowRaised(`${SERVICE} has no literal DATABASE_SHARD_URLS (or DATABASE_URL for shard 0) naming shard 1 to repoint`),
    );
    expect(unshardedService.patches).toEqual([]);
    const short = harness(shardedSource, service(shardedEnv(OLD.slice(0, 2).map(url))));
    await expect(short.repoint(repoints('failover/promote').find((a: Json) => a.shard === 2))).rejects.toThrow(
      `${SERVICE} lists 2 shards in DATABASE_SHARD_URLS, not shard 2`,
    );
    expect(short.patches).toEqual([]);
  });

  test('unsharded: the source is the one it always was, and rewrites DATABASE_URL’s host', async () => {
    const { json } = build({}, undefined, PROD_PROPS, true);
    const source = workflowYaml(named(json, 'google_workflows_workflow', 'backups-db-failover').source_contents);
    expect(JSON.stringify(source.repoint)).not.toContain('DATABASE_SHARD_URLS');
    const plans = (source.main.steps.find((s: Json) => s.init).init.assign as Json[]).reduce((m, a) => ({ ...m, ...a }), {} as Json).plans;
    const action = plans['failover/promote'].actions.find((a: Json) => a.kind === 'repoint');
    expect(action.shard).toBeUndefined();
    const h = harness(
      source,
      service([
        { name: 'DATABASE_URL', value: url(OLD[0]) },
        { name: 'PG_IAM_AUTH', value: 'true' },
      ]),
    );
    await h.repoint(action);
    expect(h.env()).toEqual({ DATABASE_URL: url('10.30.0.7'), PG_IAM_AUTH: 'true' });
  });
});

describe('failover plans (what the dry run shows)', () => {
  const topology = {
    shards: [{ primary: 'db-s0', drReplica: 'db-s0-europe-west1' }],
    services: ['projects/p/locations/us-central1/services/webhook'],
  };
  const healthy: Record<string, Json> = {
    'db-s0': { state: 'RUNNABLE', instanceType: 'CLOUD_SQL_INSTANCE' },
    'db-s0-europe-west1': { state: 'RUNNABLE', instanceType: 'READ_REPLICA_INSTANCE', masterInstanceName: 'p:db-s0' },
  };

  test('a planned switchover on a healthy pair: every precondition holds (masterInstanceName read without its project)', () => {
    const checks = evaluatePreconditions(failoverPlan(topology, 'failover', 'switchover'), healthy);
    expect(checks).toHaveLength(5);
    expect(checks.filter((c) => !c.passed)).toEqual([]);
  });

  test('the primary region down: a switchover is refused, a promotion is ready', () => {
    const down = { ...healthy, 'db-s0': { state: 'FAILED', instanceType: 'CLOUD_SQL_INSTANCE' } };
    expect(evaluatePreconditions(failoverPlan(topology, 'failover', 'switchover'), down).filter((c) => !c.passed)).toEqual([
      expect.objectContaining({
        instance: 'db-s0',
        field: 'state',
        expected: 'RUNNABLE',
        actual: 'FAILED',
        why: expect.stringMatching(/use mode "promote"/),
      }),
    ]);
    expect(evaluatePreconditions(failoverPlan(topology, 'failover', 'promote'), down).every((c) => c.passed)).toBe(true);
  });

  test('already promoted, or the replica missing: the checks say which', () => {
    const promoted = { ...healthy, 'db-s0-europe-west1': { state: 'RUNNABLE', instanceType: 'CLOUD_SQL_INSTANCE' } };
    expect(evaluatePreconditions(failoverPlan(topology, 'failover', 'promote'), promoted).filter((c) => !c.passed)).toEqual([
      expect.objectContaining({ field: 'instanceType', actual: 'CLOUD_SQL_INSTANCE' }),
    ]);
    const missing = evaluatePreconditions(failoverPlan(topology, 'failover', 'promote'), { 'db-s0': healthy['db-s0'] });
    expect(missing.map((c) => [c.field, c.actual, c.passed])).toEqual([
      ['state', null, false],
      ['instanceType', null, false],
    ]);
  });

  test('failback after a failover: the roles are swapped, and it is always a switchover', () => {
    const afterFailover = {
      'db-s0': { state: 'RUNNABLE', instanceType: 'READ_REPLICA_INSTANCE', masterInstanceName: 'p:db-s0-europe-west1' },
      'db-s0-europe-west1': { state: 'RUNNABLE', instanceType: 'CLOUD_SQL_INSTANCE' },
    };
    const plan = failoverPlan(topology, 'failback', 'switchover');
    expect(evaluatePreconditions(plan, afterFailover).every((c) => c.passed)).toBe(true);
    expect(plan.actions.filter((a) => a.kind !== 'check').map((a) => `${a.kind} ${a.instance}`)).toEqual([
      'switchover db-s0',
      'repoint db-s0',
      'make-regional db-s0',
      'verify-primary db-s0',
    ]);
    expect(() => failoverPlan(topology, 'failback', 'promote')).toThrow(/failback is always a switchover/);
  });

  test('shards are promoted first, then each shard’s services are repointed', () => {
    const two = { ...topology, shards: [...topology.shards, { primary: 'db-s1', drReplica: 'db-s1-europe-west1' }] };
    const kinds = failoverPlan(two, 'failover', 'promote')
      .actions.filter((a) => a.kind !== 'check')
      .map((a) => `${a.kind} ${a.instance}`);
    expect(kinds.slice(0, 2)).toEqual(['promote db-s0-europe-west1', 'promote db-s1-europe-west1']);
  });
});

describe('validation', () => {
  test.each<[string, Partial<Options>, MultiRegionDbProps | undefined, PlatformStackProps | undefined, RegExp]>([
    [
      'restoreDrillInterval',
      { restoreDrillInterval: Duration.hours(24) },
      undefined,
      undefined,
      /restoreDrillInterval is 1 d: use 4 h, 6 h, 8 h, 12 h/,
    ],
    [
      'restoreDrillTier',
      { restoreDrillTier: 'db-perf-optimized-N-2' },
      undefined,
      undefined,
      /restoreDrillTier "db-perf-optimized-N-2" is not a Cloud SQL Enterprise tier/,
    ],
    [
      'restoreDrill on Firestore',
      { restoreDrill: true },
      { engine: DatabaseEngine.firestore(), encryptionKeys: KEYS },
      undefined,
      /restoreDrill is for Cloud SQL/,
    ],
    [
      'restoreDrill without keys',
      { restoreDrill: true, encryptionKeys: undefined, rpo: Duration.days(1), rto: Duration.hours(8) },
      { network: NETWORK },
      DEV_PROPS,
      /restoreDrill needs encryptionKeys/,
    ],
    [
      'failoverWorkflow without a DR replica',
      { failoverWorkflow: true, rpo: Duration.days(1), rto: Duration.hours(8) },
      { network: NETWORK },
      DEV_PROPS,
      /failoverWorkflow needs a designated DR replica/,
    ],
  ])('%s', (_, backup, dbProps, stackProps, message) => {
    expect(() => build(backup, dbProps, stackProps)).toThrow(message);
  });

  test('failoverServices need the runtime identity; without the failover workflow they are ignored', () => {
    const stack = platformStack(PROD_PROPS);
    const db = new MultiRegionDb(stack, 'db', { network: NETWORK, encryptionKeys: KEYS });
    const webhook = new ScalableWebhook(stack, 'webhook', { image: IMAGE, domains: ['hook.acme.dev'], projectNumber: '42' });
    const props = { database: db, rpo: Duration.minutes(15), rto: Duration.minutes(30), encryptionKeys: KEYS, pageChannels: [PAGE] };
    expect(() => new DrBackup(stack, 'a', { ...props, name: 'aa', failoverServices: webhook.services })).toThrow(
      /failoverServices needs runtimeServiceAccountEmail/,
    );
    // Without the workflow (here: turned off) the services are ignored, so a stack passes them everywhere.
    const ignored = new DrBackup(stack, 'b', { ...props, name: 'bb', failoverWorkflow: false, failoverServices: webhook.services });
    expect(ignored.databaseFailoverWorkflow).toBeUndefined();
  });
});

describe('workflow sources Workflows will accept', () => {
  const { json } = build({}, undefined, PROD_PROPS, true);
  const sources = Object.values(resources(json, 'google_workflows_workflow')).map(
    (w) => [w.name, workflowYaml(w.source_contents)] as const,
  );

  test.each(sources)('%s: step names unique per subworkflow, every jump lands on a step', (_, source) => {
    expect(Object.keys(source).length).toBeGreaterThan(0);
    for (const [sub, definition] of Object.entries(source as Record<string, Json>)) {
      const names = stepsOf(definition.steps).map((s) => s.name);
      expect({ sub, duplicates: names.filter((n, i) => names.indexOf(n) !== i) }).toEqual({ sub, duplicates: [] });
      const jumps = stepsOf(definition.steps).flatMap((s) => [s.step.next, ...(s.step.switch ?? []).map((c: Json) => c.next)]);
      const targets = jumps.filter((j): j is string => typeof j === 'string');
      expect(targets.filter((t) => !['continue', 'break', 'end', ...names].includes(t))).toEqual([]);
    }
  });
});
