import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { secondsSince } from './cloud-sql-export';
import { buildReport, summary } from './drill-report';
import { runExportRestoreDrill } from './export-restore-drill';
import { referenceObjectives } from './objectives';
import { runPitrDrill } from './pitr-drill';
import { PostgresCluster, sharedDir } from './postgres-cluster';

const USAGE = `npm run dr:drill -- [--conversations 2000] [--months 4] [--archive-timeout 30] [--write-seconds 40] [--timeout 600] [--report reports/dr-drill.json]

Restore and failover drills on real PostgreSQL (system packages; scripts/ensure-test-servers.sh):
  1. export restore: the runtime's schema and data, exported as Cloud SQL's export does (pg_dump
     plain, --no-owner --no-acl, gzip), imported into a fresh server and verified table by table;
  2. point in time: WAL archiving and a base backup, the primary killed mid-write and deleted,
     recovered to a target time and to the end of the archive.
Judged against the RPO/RTO that DrBackup declares in the reference stacks (PLATFORM_CONFIG or the
defaults). Writes the report, prints a summary, exits 1 when a check fails, 2 on bad usage.
Takes about write-seconds + 2 × archive-timeout + 30 s; gives up (exit 1) after --timeout seconds.`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        conversations: { type: 'string', default: '2000' },
        months: { type: 'string', default: '4' },
        'archive-timeout': { type: 'string', default: '30' },
        'write-seconds': { type: 'string', default: '40' },
        timeout: { type: 'string', default: '600' },
        report: { type: 'string', default: 'reports/dr-drill.json' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) return console.log(USAGE);
  const n = {
    conversations: Number(values.conversations),
    months: Number(values.months),
    archiveTimeout: Number(values['archive-timeout']),
    writeSeconds: Number(values['write-seconds']),
    timeout: Number(values.timeout),
  };
  const bad = Object.entries(n).find(([, v]) => !Number.isInteger(v) || v < 1);
  if (bad) {
    console.error(`--${bad[0].replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be a positive integer\n\n${USAGE}`);
    process.exit(2);
  }
  if (n.writeSeconds <= n.archiveTimeout + 2) {
    console.error(`--write-seconds must exceed --archive-timeout + 2, so the target time lies inside the archive\n\n${USAGE}`);
    process.exit(2);
  }

  const started = process.hrtime.bigint();
  const objectives = referenceObjectives();
  const workDir = sharedDir(mkdtempSync(join(tmpdir(), 'convai-dr-drill-')));
  // A hung server or tool must not hang CI: the drill is bounded, and a drill that cannot finish fails.
  setTimeout(() => {
    console.error(`dr:drill: not finished after ${n.timeout} s (see --timeout); giving up`);
    void PostgresCluster.killAll().finally(() => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(1);
    });
  }, n.timeout * 1000).unref();
  try {
    const exportRestore = await runExportRestoreDrill({ workDir, conversations: n.conversations, months: n.months, seed: 7 });
    const pointInTime = await runPitrDrill({
      workDir,
      archiveTimeoutSeconds: n.archiveTimeout,
      writeSeconds: n.writeSeconds,
      writeIntervalMs: 100,
    });
    const report = buildReport(objectives, exportRestore, pointInTime, secondsSince(started));
    const path = resolve(values.report!);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
    console.log(summary(report));
    console.log(`report: ${path}`);
    if (!report.passed) process.exitCode = 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`dr:drill: ${(e as Error).message}`);
  process.exitCode = 1;
});
