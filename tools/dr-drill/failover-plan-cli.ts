import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Testing } from 'cdktf';
import { failoverTopology } from '../../constructs/dr-backup/database-failover';
import {
  FailoverDirection,
  FailoverPlan,
  PromotionMode,
  evaluatePreconditions,
  failoverPlan,
} from '../../constructs/dr-backup/failover-plan';
import { loadConfig } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';

const USAGE = `npm run dr:failover-plan -- [--stack prod] [--direction failover|failback] [--mode switchover|promote] [--instances instances.json]

Prints the plan the failover workflow (DrBackup, <name>-db-failover) runs for a reference stack:
its precondition checks and its changes, in order. Nothing is called: this is the dry run offline.
With --instances (the output of \`gcloud sql instances list --project=<p> --format=json\`), the
checks are judged against those instances exactly as the workflow's dry run judges the live ones,
and the exit code says whether the workflow would proceed (0) or refuse (1). 2: bad usage.`;

/** The CLI, with its output injected (tests read it): 0 ready or plan printed, 1 would refuse, 2 bad usage. */
export function failoverPlanCli(argv: string[], out: (line: string) => void, err: (line: string) => void): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: 'string', default: 'prod' },
        direction: { type: 'string', default: 'failover' },
        mode: { type: 'string', default: 'switchover' },
        instances: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const env = loadConfig().environments.find((e) => e.name === values.stack);
  if (!env) {
    err(`no stack "${values.stack}" in the configuration\n\n${USAGE}`);
    return 2;
  }
  if (!['failover', 'failback'].includes(values.direction!) || !['switchover', 'promote'].includes(values.mode!)) {
    err(`--direction is failover or failback, --mode switchover or promote\n\n${USAGE}`);
    return 2;
  }
  const stack = new WebhookPlatformStack(Testing.app(), env);
  if (!stack.backups.databaseFailoverWorkflow) {
    err(`stack "${env.name}" has no failover workflow (no designated DR replica): see docs/disaster_recovery/procedures.md §1b`);
    return 2;
  }
  let plan: FailoverPlan;
  try {
    // Service ids are Terraform references until apply: the plan names them as name@region here.
    const topology = {
      ...failoverTopology(stack.database, []),
      services: stack.webhook.services.map((s) => `Cloud Run ${s.nameInput}@${s.locationInput}`),
    };
    plan = failoverPlan(topology, values.direction as FailoverDirection, values.mode as PromotionMode);
  } catch (e) {
    err((e as Error).message);
    return 2;
  }

  out(
    `${env.name}: ${plan.direction} by ${plan.mode} (workflow ${stack.backups.databaseFailoverWorkflow.nameInput} in ${stack.database.drReplicaRegion})`,
  );
  plan.actions.forEach((a, i) => {
    const line = a.kind === 'check' ? `check ${a.instance}.${a.field} == ${a.equals} (${a.why})` : a.what;
    out(`  ${String(i + 1).padStart(2)}. ${line}`);
  });
  if (!values.instances) return 0;
  const listed = JSON.parse(readFileSync(values.instances, 'utf8')) as Array<Record<string, unknown>>;
  const byName = Object.fromEntries(listed.map((i) => [String(i.name), i]));
  const results = evaluatePreconditions(plan, byName);
  for (const r of results) {
    out(
      `  ${r.passed ? 'ok  ' : 'FAIL'} ${r.instance}.${r.field}: ${r.actual ?? 'missing'}${r.passed ? '' : ` (expected ${r.expected}: ${r.why})`}`,
    );
  }
  const ready = results.every((r) => r.passed);
  out(ready ? 'ready: the workflow would proceed' : 'not ready: the workflow would refuse and change nothing');
  return ready ? 0 : 1;
}
