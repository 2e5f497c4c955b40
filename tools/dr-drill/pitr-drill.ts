import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { migrate } from '../../runtime/src/storage/migrations';
import { secondsSince } from './cloud-sql-export';
import { DrillCheck, check, seconds } from './drill-check';
import { fingerprint } from './fingerprint';
import { PostgresCluster, freePort, sharedDir, writeShared } from './postgres-cluster';
import { seedConversations } from './seed-data';

export interface PitrOptions {
  readonly workDir: string;
  /**
   * archive_timeout: the longest a committed write waits before its WAL segment is closed and
   * archived. It bounds the data lost with the primary (the RPO of WAL-archive recovery).
   */
  readonly archiveTimeoutSeconds: number;
  /** How long the writer commits rows after the base backup before the primary is lost. */
  readonly writeSeconds: number;
  /** Pause between committed writes. */
  readonly writeIntervalMs: number;
}

export interface PitrResult {
  readonly archiveTimeoutSeconds: number;
  readonly writesCommitted: number;
  readonly archivedSegments: number;
  /** Last write the client saw committed before the primary was lost. */
  readonly lastCommittedAt?: string;
  /** Newest write found after recovering to the end of the archive. */
  readonly lastRecoveredAt?: string;
  /** lastCommittedAt − lastRecoveredAt: the data lost, as time. */
  readonly rpoSeconds?: number;
  /** From "start from the base backup" to "promoted and answering" (recovery to the end of the archive). */
  readonly recoverySeconds?: number;
  /** The point-in-time recovery to an earlier target. */
  readonly targetTime?: string;
  readonly targetRecoveredAt?: string;
  readonly targetRecoverySeconds?: number;
  readonly checks: DrillCheck[];
}

const WRITES = 'drill_writes';

/**
 * Lose the primary, recover from the base backup and the archived WAL: the local twin of Cloud
 * SQL's point-in-time recovery (which keeps the WAL in Cloud Storage and clones from it).
 *
 * 1. a primary with WAL archiving (archive_mode, archive_command copying to an archive directory,
 *    archive_timeout), the runtime's schema and data, and a base backup (pg_basebackup);
 * 2. a writer committing timestamped rows; the primary is SIGKILLed mid-stream and its data
 *    directory deleted: whatever was not archived is gone;
 * 3. recovery to a target time (recovery_target_time, restore_command): the newest row restored
 *    must be the newest committed at or before that time;
 * 4. recovery to the end of the archive: the gap between the last committed and the last
 *    recovered write is the RPO, the time to a promoted server the recovery time.
 */
export async function runPitrDrill(options: PitrOptions): Promise<PitrResult> {
  const checks: DrillCheck[] = [];
  const archive = sharedDir(join(options.workDir, 'wal-archive'));
  const baseBackup = join(sharedDir(join(options.workDir, 'base')), 'backup');
  const primary = await PostgresCluster.create(sharedDir(join(options.workDir, 'primary')), {
    wal_level: 'replica',
    archive_mode: 'on',
    archive_command: `test ! -f ${archive}/%f && cp %p ${archive}/%f`,
    archive_timeout: `${options.archiveTimeoutSeconds}s`,
    // Durable commits, as on Cloud SQL: a commit acknowledged is in the WAL on disk.
    fsync: 'on',
    synchronous_commit: 'on',
  });
  const recovered: PostgresCluster[] = [];
  let writer: Client | undefined;
  try {
    await primary.start();
    await primary.sql('CREATE DATABASE webhook');
    const db = new PostgresDatabase({ url: primary.urlFor('webhook') });
    try {
      await migrate(db);
      await seedConversations(db, { conversations: 200, months: 2, seed: 11, now: new Date() });
    } finally {
      await db.close();
    }
    await primary.sql(
      `CREATE TABLE ${WRITES} (id bigserial PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      [],
      'webhook',
    );
    primary.tool('pg_basebackup', ['-d', primary.url, '-D', baseBackup, '--checkpoint=fast', '--wal-method=stream', '--no-sync']);

    // Continuous writes: each row's server stamp (taken before its commit) and the client's clock
    // when the commit was acknowledged (after it). Server and client share this host's clock.
    writer = new Client({ connectionString: primary.urlFor('webhook') });
    await writer.connect();
    writer.on('error', () => undefined);
    const committed: Date[] = [];
    const acknowledged: number[] = [];
    const until = Date.now() + options.writeSeconds * 1000;
    while (Date.now() < until) {
      const { rows } = await writer.query<{ written_at: Date }>(`INSERT INTO ${WRITES} DEFAULT VALUES RETURNING written_at`);
      committed.push(rows[0].written_at);
      acknowledged.push(Date.now());
      await new Promise((r) => setTimeout(r, options.writeIntervalMs));
    }
    const lastCommitted = committed[committed.length - 1];

    // The disaster: the machine and its disk are gone. Nothing is flushed or archived on the way out.
    await primary.kill();
    await writer.end().catch(() => undefined);
    writer = undefined;
    primary.destroyFiles();
    const archived = primary.tool('sh', ['-c', `ls '${archive}' | grep -c -v '\\.'  || true`]).trim();

    // A target that the archive certainly covers: a full archive_timeout (plus margin) before the loss.
    const { target, expectedAtTarget } = targetBetweenCommits(
      committed,
      acknowledged,
      lastCommitted.getTime() - (options.archiveTimeoutSeconds + 2) * 1000,
    );
    const toTarget = await recover(options.workDir, 'pitr-target', baseBackup, archive, {
      // Postgres reads timestamptz literals, not ISO 8601's "T…Z" form.
      recovery_target_time: target.toISOString().replace('T', ' ').replace('Z', '+00'),
      recovery_target_action: 'promote',
    });
    recovered.push(toTarget.cluster);
    const atTarget = await newestWrite(toTarget.cluster);
    checks.push(
      check(
        'pitr.target-time',
        !!expectedAtTarget && atTarget?.getTime() === expectedAtTarget.getTime(),
        `recovery_target_time ${target.toISOString()}: newest restored write ${atTarget?.toISOString() ?? 'none'}, newest committed by then ${expectedAtTarget?.toISOString() ?? 'none'}`,
      ),
    );

    const toEnd = await recover(options.workDir, 'pitr-latest', baseBackup, archive, { recovery_target_timeline: 'latest' });
    recovered.push(toEnd.cluster);
    const lastRecovered = await newestWrite(toEnd.cluster);
    const schema = await fingerprint(toEnd.cluster.urlFor('webhook'));
    checks.push(
      check(
        'pitr.schema-restored',
        schema.schemaVersion > 0 && schema.turnLogPartitions.length > 1,
        `schema version ${schema.schemaVersion}, ${schema.turnLogPartitions.length} turn_events partitions after recovery`,
      ),
    );
    const rpo = lastRecovered ? (lastCommitted.getTime() - lastRecovered.getTime()) / 1000 : undefined;
    checks.push(
      check(
        'pitr.rpo-within-archive-timeout',
        rpo !== undefined && rpo <= options.archiveTimeoutSeconds + 1,
        rpo === undefined
          ? 'no write was recovered: the archive holds nothing after the base backup'
          : `lost ${seconds(rpo)} s of writes (last committed ${lastCommitted.toISOString()}, last recovered ${lastRecovered!.toISOString()}); archive_timeout ${options.archiveTimeoutSeconds} s bounds it`,
      ),
    );
    return {
      archiveTimeoutSeconds: options.archiveTimeoutSeconds,
      writesCommitted: committed.length,
      archivedSegments: Number(archived) || 0,
      lastCommittedAt: lastCommitted.toISOString(),
      lastRecoveredAt: lastRecovered?.toISOString(),
      rpoSeconds: rpo === undefined ? undefined : seconds(Math.max(0, rpo)),
      recoverySeconds: seconds(toEnd.seconds),
      targetTime: target.toISOString(),
      targetRecoveredAt: atTarget?.toISOString(),
      targetRecoverySeconds: seconds(toTarget.seconds),
      checks,
    };
  } catch (e) {
    checks.push(check('pitr.completed', false, (e as Error).message));
    return { archiveTimeoutSeconds: options.archiveTimeoutSeconds, writesCommitted: 0, archivedSegments: 0, checks };
  } finally {
    await writer?.end().catch(() => undefined);
    await primary.kill().catch(() => undefined);
    for (const c of recovered) await c.kill().catch(() => undefined);
  }
}

/**
 * A new server from the base backup that replays archived WAL (restore_command) until `settings`
 * say stop, then promotes. Timed from the copy of the backup to the first query it answers.
 */
async function recover(
  workDir: string,
  name: string,
  baseBackup: string,
  archive: string,
  settings: Record<string, string>,
): Promise<{ cluster: PostgresCluster; seconds: number }> {
  const started = process.hrtime.bigint();
  const cluster = new PostgresCluster(sharedDir(join(workDir, name)), await freePort());
  cluster.tool('sh', ['-c', `cp -a '${baseBackup}' '${cluster.dataDir}' && chmod 700 '${cluster.dataDir}'`]);
  cluster.configure({
    restore_command: `cp ${archive}/%f %p`,
    archive_mode: 'off',
    ...settings,
  });
  writeShared(join(cluster.root, 'recovery.signal.tmp'), '');
  cluster.tool('sh', ['-c', `cp '${join(cluster.root, 'recovery.signal.tmp')}' '${join(cluster.dataDir, 'recovery.signal')}'`]);
  await cluster.start();
  return { cluster, seconds: secondsSince(started) };
}

/**
 * recovery_target_time compares *commit* times, which the client never sees: a row's stamp is
 * taken before its commit, the acknowledgement arrives after it. A target placed on a row's stamp
 * (the first version did that) is a coin toss for that row, and a millisecond-rounded stamp loses
 * the toss by microseconds. So the target goes in a quiet gap, halfway between one write's
 * acknowledgement and the next write's stamp: every commit is then certainly on one side of it.
 */
export function targetBetweenCommits(
  stamped: readonly Date[],
  acknowledged: readonly number[],
  nominal: number,
): { target: Date; expectedAtTarget?: Date } {
  let k = -1;
  for (let i = 0; i < acknowledged.length - 1; i++) if (acknowledged[i] <= nominal) k = i;
  if (k < 0) return { target: new Date(nominal) };
  const gapEnd = stamped[k + 1].getTime();
  return { target: new Date(Math.floor((acknowledged[k] + gapEnd) / 2)), expectedAtTarget: stamped[k] };
}

async function newestWrite(cluster: PostgresCluster): Promise<Date | undefined> {
  const rows = await cluster.sql<{ at: Date | null }>(`SELECT max(written_at) AS at FROM ${WRITES}`, [], 'webhook');
  return rows[0]?.at ?? undefined;
}
