import { join } from 'node:path';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { migrate } from '../../runtime/src/storage/migrations';
import { RESTORE_VERIFY_FIELDS, RESTORE_VERIFY_QUERY } from '../../constructs/dr-backup/restore-drill-workflow';
import { exportDatabase, importExport, inspectExport, secondsSince } from './cloud-sql-export';
import { DrillCheck, check, seconds } from './drill-check';
import { DatabaseFingerprint, compareFingerprints, fingerprint } from './fingerprint';
import { PostgresCluster, sharedDir } from './postgres-cluster';
import { SeedResult, seedConversations } from './seed-data';

/** The application database's name, as MultiRegionDb creates it and the export workflow exports it. */
export const DATABASE = 'webhook';

export interface ExportRestoreOptions {
  /** Scratch directory (removed by the caller). */
  readonly workDir: string;
  readonly conversations: number;
  readonly months: number;
  readonly seed: number;
  /**
   * Called with the export's path between export and restore. The drill's own tests use it to
   * damage the file; a real run leaves it alone.
   */
  readonly tamper?: (exportPath: string) => void | Promise<void>;
}

export interface ExportRestoreResult {
  readonly seeded: SeedResult;
  readonly exportBytes: number;
  readonly sqlBytes?: number;
  readonly exportSeconds: number;
  /** From "start a fresh server" to "the restored data is verified": the restore's RTO. */
  readonly restoreSeconds?: number;
  readonly phases: Record<string, number>;
  readonly tables: Array<{ table: string; rows: number; checksum: string }>;
  readonly turnLogPartitions: string[];
  readonly schemaVersion: number;
  readonly checks: DrillCheck[];
}

/**
 * Export → fresh server → import → verify, on real PostgreSQL. The source is filled by the
 * runtime's migrations and writers; the export is the file Cloud SQL's export writes; the target
 * is a new, empty cluster, like the scratch instance of the cloud drill.
 */
export async function runExportRestoreDrill(options: ExportRestoreOptions): Promise<ExportRestoreResult> {
  const checks: DrillCheck[] = [];
  const phases: Record<string, number> = {};
  const source = await PostgresCluster.create(sharedDir(join(options.workDir, 'source')));
  let target: PostgresCluster | undefined;
  try {
    await source.start();
    await source.sql(`CREATE DATABASE ${DATABASE}`);
    const db = new PostgresDatabase({ url: source.urlFor(DATABASE) });
    let seeded: SeedResult;
    try {
      await migrate(db);
      seeded = await seedConversations(db, {
        conversations: options.conversations,
        months: options.months,
        seed: options.seed,
        now: new Date(),
      });
    } finally {
      await db.close();
    }
    const before = await fingerprint(source.urlFor(DATABASE));
    const exportPath = join(sharedDir(join(options.workDir, 'exports')), `${DATABASE}.sql.gz`);
    const exported = await exportDatabase(source, DATABASE, exportPath);
    await options.tamper?.(exportPath);

    const result = (extra: Partial<ExportRestoreResult>): ExportRestoreResult => ({
      seeded,
      exportBytes: exported.bytes,
      exportSeconds: seconds(exported.seconds),
      phases,
      tables: before.tables,
      turnLogPartitions: before.turnLogPartitions,
      schemaVersion: before.schemaVersion,
      checks,
      ...extra,
    });

    // The restore clock starts here: what an operator waits for after deciding to restore.
    const started = process.hrtime.bigint();
    let sqlBytes: number;
    try {
      let t = process.hrtime.bigint();
      ({ sqlBytes } = await inspectExport(exportPath));
      phases.inspectSeconds = seconds(secondsSince(t));
      checks.push(check('export.readable', true, `gzip intact, pg_dump header and trailer present (${sqlBytes} bytes of SQL)`));
      t = process.hrtime.bigint();
      target = await PostgresCluster.create(sharedDir(join(options.workDir, 'restored')));
      await target.start();
      await target.sql(`CREATE DATABASE ${DATABASE}`);
      phases.freshServerSeconds = seconds(secondsSince(t));
      const imported = await importExport(target, DATABASE, exportPath);
      phases.importSeconds = seconds(imported.seconds);
      checks.push(check('export.imported', true, `psql -v ON_ERROR_STOP=1 applied the export in ${seconds(imported.seconds)} s`));
    } catch (e) {
      checks.push(check(checks.length === 0 ? 'export.readable' : 'export.imported', false, (e as Error).message));
      return result({});
    }
    const t = process.hrtime.bigint();
    const after = await fingerprint(target.urlFor(DATABASE));
    const diffs = compareFingerprints(before, after);
    phases.verifySeconds = seconds(secondsSince(t));
    const restoreSeconds = seconds(secondsSince(started));
    const rows = before.tables.reduce((n, x) => n + x.rows, 0);
    checks.push(
      check(
        'restore.tables-match',
        diffs.filter((d) => d.what.startsWith('rows') || d.what.startsWith('checksum') || d.what.startsWith('table')).length === 0,
        diffs.length === 0
          ? `${before.tables.length} tables, ${rows} rows: counts and md5 checksums equal to the source`
          : diffs.map((d) => `${d.what}: expected ${d.expected}, got ${d.actual}`).join('; '),
      ),
    );
    const partitionDiff = diffs.find((d) => d.what === 'turn_events partitions');
    checks.push(
      check(
        'restore.turn-log-partitions',
        !partitionDiff && after.turnLogPartitions.length > 1,
        partitionDiff
          ? `expected ${partitionDiff.expected}, got ${partitionDiff.actual}`
          : `${after.turnLogPartitions.length} partitions attached to turn_events: ${after.turnLogPartitions.join(', ')}`,
      ),
    );
    const schemaDiff = diffs.find((d) => d.what === 'schema_migrations');
    checks.push(
      check(
        'restore.schema-version',
        !schemaDiff && after.schemaVersion === before.schemaVersion && after.schemaVersion > 0,
        schemaDiff
          ? `schema_migrations: expected ${schemaDiff.expected}, got ${schemaDiff.actual}`
          : `schema version ${after.schemaVersion} (migrations ${after.migrationIds.join(', ')}), as on the source`,
      ),
    );
    checks.push(await cloudVerifyQuery(target, before));
    return result({ sqlBytes, restoreSeconds });
  } finally {
    await target?.kill().catch(() => undefined);
    await source.kill().catch(() => undefined);
  }
}

/**
 * The query DrBackup's scheduled cloud drill runs on its scratch instance, run here on the restored
 * copy: it must work on the runtime's schema and agree with the source's own counts, so a schema
 * change that would break the cloud drill fails this one first.
 */
async function cloudVerifyQuery(target: PostgresCluster, source: DatabaseFingerprint): Promise<DrillCheck> {
  const name = 'restore.cloud-verify-query';
  let values: number[];
  try {
    const [row] = await target.sql<Record<string, string>>(RESTORE_VERIFY_QUERY, [], DATABASE);
    values = Object.values(row).map(Number);
  } catch (e) {
    return check(name, false, `the cloud drill's verification query fails on the restored schema: ${(e as Error).message}`);
  }
  const got: Record<string, number> = Object.fromEntries(RESTORE_VERIFY_FIELDS.map((f, i) => [f, values[i]]));
  const rowsOf = (prefix: string) =>
    source.tables.filter((t) => t.table === prefix || t.table.startsWith(`${prefix}_`)).reduce((n, t) => n + t.rows, 0);
  const expected: Record<string, number> = {
    migrations: source.migrationIds.length,
    schemaVersion: source.schemaVersion,
    turnLogPartitions: source.turnLogPartitions.length,
    turnEvents: rowsOf('turn_events'),
    conversations: rowsOf('conversations'),
    feedback: rowsOf('feedback'),
  };
  const wrong = RESTORE_VERIFY_FIELDS.filter((f) => got[f] !== expected[f]);
  return check(
    name,
    values.length === RESTORE_VERIFY_FIELDS.length && wrong.length === 0 && got.schemaVersion >= 1 && got.turnLogPartitions >= 2,
    wrong.length === 0
      ? `the cloud drill's query reads ${RESTORE_VERIFY_FIELDS.map((f) => `${f}=${got[f]}`).join(', ')}, as the source holds`
      : wrong.map((f) => `${f}: query ${got[f]}, source ${expected[f]}`).join('; '),
  );
}
