/**
 * Regional database failover as data: which checks and which changes, in which order, for which
 * instances and services. DrBackup computes every plan at synth and hands them to the failover
 * workflow, which only interprets them (`failover-workflow.ts`); a dry run of the workflow returns
 * the plan with the checks evaluated against the live instances. The same plan and the same
 * precondition semantics are unit-tested here (`evaluatePreconditions`), offline.
 */

/** Which way the roles move. Failover: DR replica becomes primary. Failback: the original primary takes its role back. */
export type FailoverDirection = 'failover' | 'failback';

/**
 * How the replica is promoted. `switchover`: planned, both regions healthy, no data lost (the old
 * primary becomes the DR replica). `promote`: the primary's region is down; the DR replica is
 * promoted now (Enterprise Plus replica failover) and loses what had not replicated yet.
 */
export type PromotionMode = 'switchover' | 'promote';

/** One shard's pair, by instance name. */
export interface ShardPair {
  readonly primary: string;
  readonly drReplica: string;
}

export interface FailoverTopology {
  /** Every shard's pair, by shard index (as DATABASE_SHARD_URLS lists the primaries). */
  readonly shards: ShardPair[];
  /**
   * Cloud Run v2 service ids (`projects/p/locations/r/services/s`) whose DATABASE_URL names shard
   * 0's primary and, with more than one shard, whose DATABASE_SHARD_URLS names every shard's.
   */
  readonly services: string[];
}

/** A read-only check of one field of an instance (SQL Admin `instances.get`). */
export interface CheckAction {
  readonly kind: 'check';
  readonly instance: string;
  /** Top-level field of the SQL Admin DatabaseInstance resource. */
  readonly field: 'state' | 'instanceType' | 'masterInstanceName';
  readonly equals: string;
  /** Why it must hold, for the dry-run output and the refusal message. */
  readonly why: string;
}

export interface ChangeAction {
  readonly kind: 'switchover' | 'promote' | 'repoint' | 'make-regional' | 'verify-primary';
  /** The instance acted on (for repoint: the new primary, whose private IP the services get). */
  readonly instance: string;
  /** For repoint: the old primary, whose private IP is replaced in DATABASE_URL. */
  readonly from?: string;
  /**
   * For repoint with more than one shard: the shard index, i.e. the entry of DATABASE_SHARD_URLS to
   * rewrite (and DATABASE_URL too for shard 0). Absent when unsharded: DATABASE_URL only.
   */
  readonly shard?: number;
  /** For repoint: the Cloud Run service. */
  readonly service?: string;
  readonly what: string;
}

export type FailoverAction = CheckAction | ChangeAction;

export interface FailoverPlan {
  readonly direction: FailoverDirection;
  readonly mode: PromotionMode;
  readonly actions: FailoverAction[];
}

const RUNNABLE = 'RUNNABLE';
const PRIMARY_TYPE = 'CLOUD_SQL_INSTANCE';
const REPLICA_TYPE = 'READ_REPLICA_INSTANCE';

/**
 * The plan for one direction and mode. Failback is always a switchover: it runs when both regions
 * are healthy, and a forced promotion would throw away what the current primary wrote since.
 */
export function failoverPlan(topology: FailoverTopology, direction: FailoverDirection, mode: PromotionMode): FailoverPlan {
  if (direction === 'failback' && mode !== 'switchover') {
    throw new Error('failback is always a switchover: both regions must be healthy, and promoting would discard writes since the failover');
  }
  const checks: CheckAction[] = [];
  const changes: ChangeAction[] = [];
  for (const pair of topology.shards) {
    // After a failover the roles are swapped: the plan is the same with the names exchanged.
    const [from, to] = direction === 'failover' ? [pair.primary, pair.drReplica] : [pair.drReplica, pair.primary];
    checks.push(
      { kind: 'check', instance: to, field: 'state', equals: RUNNABLE, why: `${to} must be running to take over` },
      {
        kind: 'check',
        instance: to,
        field: 'instanceType',
        equals: REPLICA_TYPE,
        why: `${to} must still be a replica (not promoted already)`,
      },
    );
    if (mode === 'switchover') {
      checks.push(
        { kind: 'check', instance: to, field: 'masterInstanceName', equals: from, why: `${to} must replicate from ${from}` },
        {
          kind: 'check',
          instance: from,
          field: 'state',
          equals: RUNNABLE,
          why: `a switchover needs ${from} healthy (else use mode "promote")`,
        },
        { kind: 'check', instance: from, field: 'instanceType', equals: PRIMARY_TYPE, why: `${from} must be the primary now` },
      );
    }
    changes.push(
      mode === 'switchover'
        ? { kind: 'switchover', instance: to, what: `switch over to ${to}: ${from} becomes its DR replica, no data lost` }
        : {
            kind: 'promote',
            instance: to,
            what: `promote ${to} now (replica failover); ${from} rejoins as a replica when its region returns`,
          },
    );
  }
  const sharded = topology.shards.length > 1;
  topology.shards.forEach((pair, shard) => {
    const [from, to] = direction === 'failover' ? [pair.primary, pair.drReplica] : [pair.drReplica, pair.primary];
    for (const service of topology.services) {
      changes.push(
        sharded
          ? {
              kind: 'repoint',
              instance: to,
              from,
              service,
              shard,
              what: `set ${shard === 0 ? 'DATABASE_URL and ' : ''}DATABASE_SHARD_URLS[${shard}] of ${service} to ${to}'s private IP`,
            }
          : { kind: 'repoint', instance: to, from, service, what: `set DATABASE_URL of ${service} to ${to}'s private IP` },
      );
    }
    changes.push(
      { kind: 'make-regional', instance: to, what: `make ${to} REGIONAL (a standby in a second zone; replicas are zonal)` },
      { kind: 'verify-primary', instance: to, what: `${to} is RUNNABLE and a primary` },
    );
  });
  return { direction, mode, actions: [...checks, ...changes] };
}

/** Every plan the failover workflow can run, keyed "<direction>/<mode>". */
export function allFailoverPlans(topology: FailoverTopology): Record<string, FailoverPlan> {
  const plans: FailoverPlan[] = [
    failoverPlan(topology, 'failover', 'switchover'),
    failoverPlan(topology, 'failover', 'promote'),
    failoverPlan(topology, 'failback', 'switchover'),
  ];
  return Object.fromEntries(plans.map((p) => [`${p.direction}/${p.mode}`, p]));
}

export interface CheckResult {
  readonly instance: string;
  readonly field: string;
  readonly expected: string;
  /** The live value; null when the instance or field is missing. */
  readonly actual: string | null;
  readonly passed: boolean;
  readonly why: string;
}

/**
 * The dry run's verdict: each check of `plan` against the instances as SQL Admin returns them
 * (by name; a missing instance fails its checks). The workflow evaluates the same checks the same
 * way (field lookup, string equality), against `instances.get`.
 */
export function evaluatePreconditions(plan: FailoverPlan, instances: Record<string, Record<string, unknown> | undefined>): CheckResult[] {
  return plan.actions
    .filter((a): a is CheckAction => a.kind === 'check')
    .map((c) => {
      const value = instances[c.instance]?.[c.field];
      let actual = value === undefined || value === null ? null : String(value);
      // SQL Admin names the primary "project:instance"; the plan names instances without the project.
      if (actual !== null && c.field === 'masterInstanceName') actual = actual.split(':').pop()!;
      return { instance: c.instance, field: c.field, expected: c.equals, actual, passed: actual === c.equals, why: c.why };
    });
}
