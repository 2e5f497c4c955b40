import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExperimentsFile, loadExperimentsFile } from '../../runtime/src/experiments/experiment-config';
import { parseCommandLine } from '../cli-args';
import { readOnlySnapshot } from '../improvement/read-only-snapshot';
import { databaseUrlsOption } from '../improvement/report-options';
import { openReportDatabase } from '../improvement/shard-union';
import { analyzeExperiments } from './analyze';
import { renderMarkdown } from './render-markdown';
import { ExperimentsReport } from './report-model';

export interface ExperimentsReportOptions {
  /** `postgres://...` of the runtime's database (a read replica is best). */
  readonly databaseUrl: string;
  /** Every shard (DATABASE_SHARD_URLS); the report reads their union. @default [databaseUrl] */
  readonly databaseUrls?: string[];
  /** The experiments file the runtime runs with. */
  readonly experimentsPath: string;
  /** Directory of earlier versions of the experiments file (every `*.json`), to pool unchanged experiments' older exposures. */
  readonly historyDir?: string;
  /** Output directory for `experiments-report.md` and `experiments-report.json`. */
  readonly outDir: string;
  /** See AnalyzeOptions.minimumSessions. */
  readonly minimumSessions: number;
}

/** Analysis queries scan every exposure; the runtime pool's 5 s statement timeout is for webhook turns, not reports. */
const REPORT_STATEMENT_TIMEOUT = '10min';

/** Read the data, write `experiments-report.md` and `experiments-report.json` to `outDir`. */
export async function runExperimentsReport(o: ExperimentsReportOptions): Promise<{ report: ExperimentsReport; markdown: string }> {
  const file = loadExperimentsFile(o.experimentsPath);
  const history = o.historyDir === undefined ? [] : loadHistory(o.historyDir);
  const db = openReportDatabase(o.databaseUrls ?? [o.databaseUrl], { experiments: file.experiments.map((e) => e.id) });
  let report: ExperimentsReport;
  try {
    // One snapshot for all experiments while the runtime keeps writing; read-only so a report can never change data.
    report = await readOnlySnapshot(db, REPORT_STATEMENT_TIMEOUT, (session) =>
      analyzeExperiments(session, file, { history, minimumSessions: o.minimumSessions }),
    );
  } finally {
    await db.close();
  }
  const markdown = renderMarkdown(report);
  fs.mkdirSync(o.outDir, { recursive: true });
  fs.writeFileSync(path.join(o.outDir, 'experiments-report.md'), markdown);
  fs.writeFileSync(path.join(o.outDir, 'experiments-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return { report, markdown };
}

/** Every `*.json` in `dir` as an experiments file; a broken one is an error, not silently skipped. */
export function loadHistory(dir: string): ExperimentsFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadExperimentsFile(path.join(dir, f)));
}

export const USAGE = `Usage: npm run experiments:report -- [--database-url <url>] [--experiments <file>] [--out <dir>] [--history <dir>] [--minimum-sessions <n>]
  --database-url      Postgres URL of the runtime's database (default: DATABASE_URL)
  --shard-urls        JSON array of every shard's URL when the turn log is sharded (default: DATABASE_SHARD_URLS)
  --experiments       experiments file (default: EXPERIMENTS_FILE, else config/experiments.json)
  --out               output directory (default reports/experiments)
  --history           directory of earlier versions of the experiments file (*.json); exposures recorded under
                      a version whose variants and weights are unchanged are pooled (default: current version only)
  --minimum-sessions  sessions per variant before any verdict other than "not enough data" (default 100)`;

/** Parse argv into options; throws with the usage text on a problem. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ExperimentsReportOptions {
  const { values } = parseCommandLine(
    argv,
    {
      'database-url': { type: 'string' },
      'shard-urls': { type: 'string' },
      experiments: { type: 'string' },
      out: { type: 'string' },
      history: { type: 'string' },
      'minimum-sessions': { type: 'string' },
    },
    USAGE,
  ) as { values: Record<string, string | undefined> };
  const databaseUrls = databaseUrlsOption(values as Record<string, string>, env, USAGE);
  const databaseUrl = databaseUrls[0];
  const minimumSessions = Number(values['minimum-sessions'] ?? '100');
  if (!Number.isInteger(minimumSessions) || minimumSessions < 2) {
    throw new Error(`--minimum-sessions "${values['minimum-sessions']}" must be an integer of at least 2\n${USAGE}`);
  }
  return {
    databaseUrl,
    databaseUrls,
    experimentsPath: values.experiments ?? env.EXPERIMENTS_FILE ?? path.join('config', 'experiments.json'),
    historyDir: values.history,
    outDir: values.out ?? path.join('reports', 'experiments'),
    minimumSessions,
  };
}
