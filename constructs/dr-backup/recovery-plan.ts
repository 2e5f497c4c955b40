import { Duration } from '../core/duration';

/**
 * What a database tier offers for recovery, as DrBackup judges it. MultiRegionDb provides these;
 * kept as a plain shape so the rules are testable without synthesizing anything.
 */
export interface RecoveryCapabilities {
  /** Cloud SQL (true) or Firestore (false). */
  readonly postgres: boolean;
  readonly pointInTimeRecovery: boolean;
  /** Regions holding a cross-region replica. */
  readonly replicaRegions: string[];
  /** The designated DR replica's region, when there is one. */
  readonly drReplicaRegion?: string;
}

/** The settings DrBackup derives from the objectives. */
export interface RecoveryPlan {
  /** Dual-region turbo replication (15 min RPO for objects) instead of default replication (up to 12 h). */
  readonly turboReplication: boolean;
  /** Hours between logical exports to the bucket: a divisor of 24, 1..12. */
  readonly exportIntervalHours: number;
  /** Cron (UTC) of the export. */
  readonly exportSchedule: string;
  /** The backup-staleness alert fires when no export succeeded for this long. */
  readonly alertWindowSeconds: number;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
/** Default dual-region replication copies 100 % of new objects within 12 h; turbo within 15 min. */
const DEFAULT_REPLICATION_RPO = 12 * HOUR;
/** Time a logical export (offloaded) is given to finish before it counts as late. */
export const EXPORT_GRACE_SECONDS = HOUR;
/**
 * The longest metric-absence window Cloud Monitoring accepts (23.5 h): a longer `duration` on the
 * staleness alert is refused by the API at apply time, which `terraform validate` cannot see.
 */
export const MAX_ABSENCE_SECONDS = 23.5 * HOUR;
/** Longest export interval: a longer one would make the staleness alert window exceed Monitoring's absence limit. */
const MAX_EXPORT_INTERVAL_HOURS = 12;
const DIVISORS_OF_24 = [1, 2, 3, 4, 6, 8, 12];

/**
 * Assumptions behind the RTO rules (documented in docs/disaster_recovery/procedures.md): promoting a
 * designated DR replica (switchover) and repointing the runtime takes about 5-15 minutes; promoting
 * an ordinary cross-region replica by hand about 30-60 minutes; restoring a backup to a new
 * instance several hours for a database of tens of GB.
 */
export const FASTEST_POSTGRES_RTO = 5 * MINUTE;
export const RTO_WITHOUT_DR_REPLICA = HOUR;
export const RTO_WITHOUT_ANY_REPLICA = 4 * HOUR;
/** Cross-region replication is asynchronous: seconds of lag normally, more under load. */
export const FASTEST_RPO = MINUTE;

export function recoveryPlan(rpo: Duration): RecoveryPlan {
  const rpoHours = Math.floor((rpo.toSeconds() - EXPORT_GRACE_SECONDS) / HOUR);
  const exportIntervalHours = [...DIVISORS_OF_24].reverse().find((d) => d <= Math.min(rpoHours, MAX_EXPORT_INTERVAL_HOURS)) ?? 1;
  return {
    turboReplication: rpo.toSeconds() < DEFAULT_REPLICATION_RPO,
    exportIntervalHours,
    exportSchedule: `15 */${exportIntervalHours} * * *`,
    alertWindowSeconds: Math.min(MAX_ABSENCE_SECONDS, Math.max(rpo.toSeconds(), exportIntervalHours * HOUR + EXPORT_GRACE_SECONDS)),
  };
}

/** Every way the database cannot meet the objectives, one message each (empty when it can). */
export function recoveryProblems(rpo: Duration, rto: Duration, db: RecoveryCapabilities): string[] {
  const problems: string[] = [];
  const rpoS = rpo.toSeconds();
  const rtoS = rto.toSeconds();
  if (rpoS < FASTEST_RPO) {
    problems.push(
      `rpo ${rpo} cannot be met: cross-region replication is asynchronous and point-in-time recovery has minute granularity; use an rpo of 1 min or more`,
    );
  }
  if (rpoS < DAY && !db.pointInTimeRecovery) {
    problems.push(
      `rpo ${rpo} needs point-in-time recovery: without it the newest restorable copy is the daily backup (up to 24 h old); turn pointInTimeRecovery on in MultiRegionDb (the default) or set rpo to 24 h or more`,
    );
  }
  if (db.postgres && rpoS < DAY && db.replicaRegions.length === 0) {
    problems.push(
      `rpo ${rpo} needs a cross-region replica: a regional outage takes the primary and its transaction logs, leaving the daily backup (up to 24 h old); give MultiRegionDb a second region (readReplicaRegions) or set rpo to 24 h or more`,
    );
  }
  if (db.postgres && rtoS < FASTEST_POSTGRES_RTO) {
    problems.push(
      `rto ${rto} cannot be met by Cloud SQL: promoting a replica and repointing the runtime takes 5 min or more; use an rto of 5 min or more, or DatabaseEngine.firestore() (multi-region writes, no failover)`,
    );
  } else if (db.postgres && rtoS < RTO_WITHOUT_DR_REPLICA && !db.drReplicaRegion) {
    problems.push(
      `rto ${rto} needs a designated DR replica (a switchover takes minutes, a manual promotion up to an hour): set drReplicaRegion on MultiRegionDb (Enterprise Plus) or set rto to 1 h or more`,
    );
  } else if (db.postgres && rtoS < RTO_WITHOUT_ANY_REPLICA && db.replicaRegions.length === 0) {
    problems.push(
      `rto ${rto} needs a cross-region replica to promote (restoring a backup takes hours): give MultiRegionDb a second region (readReplicaRegions) or set rto to 4 h or more`,
    );
  }
  return problems;
}
