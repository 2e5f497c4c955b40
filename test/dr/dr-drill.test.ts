/**
 * The restore and point-in-time drills (`npm run dr:drill`) on real PostgreSQL: they pass on a
 * good export and a real WAL archive, and they fail, saying why, on an export that is truncated,
 * cut short or altered.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { buildReport } from '../../tools/dr-drill/drill-report';
import { ExportRestoreOptions, ExportRestoreResult, runExportRestoreDrill } from '../../tools/dr-drill/export-restore-drill';
import { referenceObjectives } from '../../tools/dr-drill/objectives';
import { PitrResult, runPitrDrill, targetBetweenCommits } from '../../tools/dr-drill/pitr-drill';
import { sharedDir } from '../../tools/dr-drill/postgres-cluster';
import { MIGRATIONS } from '../../runtime/src/storage/migrations';

const dirs: string[] = [];
function workDir(): string {
  const dir = sharedDir(mkdtempSync(join(tmpdir(), 'convai-dr-test-')));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const drill = (tamper?: ExportRestoreOptions['tamper']): Promise<ExportRestoreResult> =>
  runExportRestoreDrill({ workDir: workDir(), conversations: 120, months: 3, seed: 3, tamper });
const failed = (r: ExportRestoreResult | PitrResult) => r.checks.filter((c) => !c.passed);

/** Rewrite the SQL inside the gzip export (still a valid gzip afterwards). */
function editSql(path: string, edit: (sql: string) => string): void {
  writeFileSync(path, gzipSync(Buffer.from(edit(gunzipSync(readFileSync(path)).toString('utf8')))));
}

describe('export restore drill', () => {
  test('a good export restores into a fresh server with equal counts, checksums, partitions and schema version', async () => {
    const r = await drill();
    expect(failed(r)).toEqual([]);
    expect(r.checks.map((c) => c.name)).toEqual([
      'export.readable',
      'export.imported',
      'restore.tables-match',
      'restore.turn-log-partitions',
      'restore.schema-version',
      'restore.cloud-verify-query',
    ]);
    const rows = Object.fromEntries(r.tables.map((t) => [t.table, t.rows]));
    expect(rows.conversations).toBe(120);
    expect(rows.experiment_exposures).toBe(120);
    expect(rows.feedback).toBeGreaterThan(10);
    expect(r.seeded.turns).toBeGreaterThan(240);
    // The turn log lives in its monthly partitions: the parent holds no rows of its own.
    const partitionRows = r.tables.filter((t) => t.table.startsWith('turn_events_')).reduce((n, t) => n + t.rows, 0);
    expect(partitionRows).toBe(r.seeded.turns);
    expect(r.turnLogPartitions).toContain('turn_events_default');
    expect(r.turnLogPartitions.length).toBeGreaterThanOrEqual(5);
    // The restored schema is the runtime's newest: every migration came across.
    expect(r.schemaVersion).toBe(Math.max(...MIGRATIONS.map((m) => m.id)));
    expect(r.restoreSeconds).toBeGreaterThan(0);
  });

  test('a truncated export fails before anything is restored, naming gunzip', async () => {
    const r = await drill((path) => truncateSync(path, Math.floor(statSync(path).size / 2)));
    expect(failed(r)).toEqual([
      {
        name: 'export.readable',
        passed: false,
        detail: expect.stringMatching(/is truncated or corrupt: gunzip failed \(unexpected end of file\)/),
      },
    ]);
    expect(r.restoreSeconds).toBeUndefined();
  });

  test('an export cut short inside the dump (a valid gzip) fails on the missing pg_dump trailer', async () => {
    const r = await drill((path) => editSql(path, (sql) => sql.slice(0, Math.floor(sql.length * 0.6))));
    expect(failed(r)).toEqual([
      {
        name: 'export.readable',
        passed: false,
        detail: expect.stringMatching(/is incomplete: the dump ends without "-- PostgreSQL database dump complete"/),
      },
    ]);
  });

  test('an export whose rows were altered restores but fails verification, naming the table', async () => {
    const r = await drill((path) =>
      editSql(path, (sql) => {
        const copy = sql.indexOf('COPY public.feedback ');
        const firstRow = sql.indexOf('\n', copy) + 1;
        // Change the first feedback row's score (a real-looking value, so the import accepts it).
        const end = sql.indexOf('\n', firstRow);
        const fields = sql.slice(firstRow, end).split('\t');
        fields[5] = fields[5] === '1' ? '0' : '1';
        return sql.slice(0, firstRow) + fields.join('\t') + sql.slice(end);
      }),
    );
    expect(failed(r)).toEqual([{ name: 'restore.tables-match', passed: false, detail: expect.stringMatching(/^checksum of feedback: /) }]);
  });

  test('an export that does not import (psql stops at the first error) fails with psql’s message', async () => {
    const r = await drill((path) =>
      editSql(path, (sql) => sql.replace('CREATE TABLE public.feedback (', 'CREATE TABLE public.feedback (lost no_such_type, ')),
    );
    expect(failed(r)).toEqual([
      { name: 'export.imported', passed: false, detail: expect.stringMatching(/psql exited 3\).*type "no_such_type" does not exist/s) },
    ]);
  });
});

describe('point-in-time drill', () => {
  test('recovers a killed, deleted primary from base backup + archived WAL: exact at the target time, loss bounded by archive_timeout', async () => {
    const r = await runPitrDrill({ workDir: workDir(), archiveTimeoutSeconds: 3, writeSeconds: 7, writeIntervalMs: 50 });
    expect(failed(r)).toEqual([]);
    expect(r.targetRecoveredAt).toBeDefined();
    expect(new Date(r.targetRecoveredAt!).getTime()).toBeLessThanOrEqual(new Date(r.targetTime!).getTime());
    expect(r.rpoSeconds).toBeLessThanOrEqual(4);
    expect(r.archivedSegments).toBeGreaterThan(0);
    expect(r.writesCommitted).toBeGreaterThan(50);
  });

  // CI failure at 373ea5b: the target sat exactly on a row's millisecond-rounded stamp, so whether
  // that row's commit (microseconds later) was before the target was chance.
  test('the target falls between one acknowledged commit and the next stamp, never on a stamp', () => {
    const stamped = [1000, 1100, 1200, 1300].map((t) => new Date(t));
    const acknowledged = [1004, 1104, 1204, 1304];
    expect(targetBetweenCommits(stamped, acknowledged, 1100)).toEqual({ target: new Date(1052), expectedAtTarget: new Date(1000) });
    expect(targetBetweenCommits(stamped, acknowledged, 1150)).toEqual({ target: new Date(1152), expectedAtTarget: new Date(1100) });
    // Nothing acknowledged by then: no expectation, and the drill's check fails rather than guesses.
    expect(targetBetweenCommits(stamped, acknowledged, 900)).toEqual({ target: new Date(900) });
  });
});

describe('objectives and verdict', () => {
  test('objectives come from DrBackup in the reference stacks: the production ones, strictest first', () => {
    const o = referenceObjectives(DEFAULT_CONFIG);
    expect(o.judged).toEqual(['prod', 'prod-gke']);
    expect(o.rpoSeconds).toBe(15 * 60);
    expect(o.rtoSeconds).toBe(30 * 60);
    expect(o.stacks.find((s) => s.stack === 'dev')).toEqual({ stack: 'dev', production: false, rpoSeconds: 86400, rtoSeconds: 8 * 3600 });
  });

  test('without a production stack, every stack is judged', () => {
    const o = referenceObjectives({ environments: [DEFAULT_CONFIG.environments[0]] });
    expect(o).toMatchObject({ judged: ['dev'], rpoSeconds: 86400, rtoSeconds: 8 * 3600 });
  });

  const exportOk = {
    checks: [{ name: 'restore.tables-match', passed: true, detail: '' }],
    restoreSeconds: 12,
    tables: [],
  } as unknown as ExportRestoreResult;
  const pitr = (rpoSeconds: number | undefined, recoverySeconds = 3) =>
    ({ checks: [], rpoSeconds, recoverySeconds, writesCommitted: 1, archiveTimeoutSeconds: 30, archivedSegments: 1 }) as PitrResult;
  const objectives = { rpoSeconds: 60, rtoSeconds: 10, judged: ['prod'], stacks: [] };

  test('the RTO judged is the slower recovery, and a missed objective fails the report', () => {
    const report = buildReport(objectives, exportOk, pitr(20), 1);
    expect(report.rtoSeconds).toBe(12);
    expect(report.checks.find((c) => c.name === 'objective.rto')).toMatchObject({
      passed: false,
      detail: expect.stringMatching(/objective 10 s \(prod\)/),
    });
    expect(report.checks.find((c) => c.name === 'objective.rpo')).toMatchObject({ passed: true });
    expect(report.passed).toBe(false);
  });

  test('a failed point-in-time drill leaves no RPO and fails the RPO objective', () => {
    const report = buildReport({ ...objectives, rtoSeconds: 100 }, exportOk, pitr(undefined), 1);
    expect(report.rpoSeconds).toBeUndefined();
    expect(report.checks.find((c) => c.name === 'objective.rpo')).toMatchObject({ passed: false });
    expect(report.passed).toBe(false);
  });
});
