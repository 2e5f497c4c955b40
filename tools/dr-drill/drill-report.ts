import { DrillCheck, check, seconds } from './drill-check';
import { ExportRestoreResult } from './export-restore-drill';
import { DrillObjectives } from './objectives';
import { PitrResult } from './pitr-drill';

/** reports/dr-drill.json. */
export interface DrillReport {
  readonly generatedAt: string;
  /** The slower of the two recoveries (restore from export, WAL recovery): what the objective is judged on. */
  readonly rtoSeconds?: number;
  /** Data lost with the primary, measured by the point-in-time drill. */
  readonly rpoSeconds?: number;
  readonly objectives: DrillObjectives;
  readonly exportRestore: ExportRestoreResult;
  readonly pointInTime: PitrResult;
  readonly checks: DrillCheck[];
  readonly passed: boolean;
  readonly durationSeconds: number;
}

export function buildReport(
  objectives: DrillObjectives,
  exportRestore: ExportRestoreResult,
  pointInTime: PitrResult,
  durationSeconds: number,
  now = new Date(),
): DrillReport {
  const rtos = [exportRestore.restoreSeconds, pointInTime.recoverySeconds].filter((x): x is number => x !== undefined);
  const rtoSeconds = rtos.length === 2 ? seconds(Math.max(...rtos)) : undefined;
  const rpoSeconds = pointInTime.rpoSeconds;
  const judged = objectives.judged.join(', ');
  const checks = [
    ...exportRestore.checks,
    ...pointInTime.checks,
    check(
      'objective.rto',
      rtoSeconds !== undefined && rtoSeconds <= objectives.rtoSeconds,
      rtoSeconds === undefined
        ? 'no RTO measured: a recovery failed (see the checks above)'
        : `restore ${exportRestore.restoreSeconds} s, WAL recovery ${pointInTime.recoverySeconds} s; objective ${objectives.rtoSeconds} s (${judged})`,
    ),
    check(
      'objective.rpo',
      rpoSeconds !== undefined && rpoSeconds <= objectives.rpoSeconds,
      rpoSeconds === undefined
        ? 'no RPO measured: the point-in-time drill failed (see the checks above)'
        : `lost ${rpoSeconds} s of committed writes; objective ${objectives.rpoSeconds} s (${judged})`,
    ),
  ];
  return {
    generatedAt: now.toISOString(),
    rtoSeconds,
    rpoSeconds,
    objectives,
    exportRestore,
    pointInTime,
    checks,
    passed: checks.every((c) => c.passed),
    durationSeconds: seconds(durationSeconds),
  };
}

export function summary(report: DrillReport): string {
  const e = report.exportRestore;
  const p = report.pointInTime;
  const rows = e.tables.reduce((n, t) => n + t.rows, 0);
  const lines = [
    `DR drill ${report.passed ? 'PASSED' : 'FAILED'} in ${report.durationSeconds} s`,
    `  objectives (${report.objectives.judged.join(', ')}): RPO ${report.objectives.rpoSeconds} s, RTO ${report.objectives.rtoSeconds} s`,
    `  measured: RPO ${report.rpoSeconds ?? '—'} s, RTO ${report.rtoSeconds ?? '—'} s`,
    `  export restore: ${e.tables.length} tables, ${rows} rows, ${e.turnLogPartitions.length} turn-log partitions, ` +
      `export ${kib(e.exportBytes)} gz (${kib(e.sqlBytes)} SQL) in ${e.exportSeconds} s, restore ${e.restoreSeconds ?? '—'} s`,
    `  point in time: ${p.writesCommitted} writes, archive_timeout ${p.archiveTimeoutSeconds} s, ${p.archivedSegments} WAL segments archived, ` +
      `recovery ${p.recoverySeconds ?? '—'} s (to target ${p.targetRecoverySeconds ?? '—'} s)`,
    ...report.checks.map((c) => `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
  ];
  return lines.join('\n');
}

function kib(bytes: number | undefined): string {
  return bytes === undefined ? '—' : `${Math.round(bytes / 1024)} KiB`;
}
