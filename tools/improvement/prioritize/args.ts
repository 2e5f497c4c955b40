import * as path from 'node:path';
import { stringOptions } from '../../cli-args';
import { DEFAULT_MIN_SAMPLE } from './rice';
import { databaseUrlsOption, reportPeriod } from '../report-options';
import { Period } from './period';

export interface CliOptions {
  readonly databaseUrl: string;
  /** Every shard (DATABASE_SHARD_URLS); the report reads their union. @default [databaseUrl] */
  readonly databaseUrls?: string[];
  readonly period: Period;
  readonly target?: number;
  readonly minSample: number;
  readonly effortFile?: string;
  readonly experimentsPath: string;
  readonly top: number;
  readonly outDir: string;
}

export const USAGE = `Usage: npm run improvement:prioritize -- [--from <date>] [--to <date>] [--effort config/improvement-effort.json] [--out reports/improvement]
  --database-url  postgres://... of the runtime's store (default: DATABASE_URL)
  --shard-urls    JSON array of every shard's URL when the turn log is sharded (default: DATABASE_SHARD_URLS)
  --from, --to    period, ISO 8601; --to is exclusive (default: the last 30 whole UTC days up to the end of today)
  --target        quality to compare with, 0..1 (default: the platform mean for the period)
  --min-sample    candidates observed fewer times are watched, not ranked (default ${DEFAULT_MIN_SAMPLE})
  --effort        JSON file of person-weeks by candidate key ("intent:<name>", "page:<name>", "theme:<entity>", "experiment:<id>", "<kind>:*")
  --experiments   experiments report JSON (default reports/experiments/experiments-report.json)
  --top           ranked candidates to list (default 20)
  --out           output directory for priorities.md and priorities.json (default reports/improvement)
See docs/improvement/prioritization.md.`;

const OPTIONS = ['database-url', 'shard-urls', 'from', 'to', 'target', 'min-sample', 'effort', 'experiments', 'top', 'out'];

/** Parse argv into options; throws with the usage text on a problem. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, now = new Date()): CliOptions {
  const values = stringOptions(argv, OPTIONS, USAGE);
  const period = reportPeriod(values, USAGE, now);

  const integer = (name: string, fallback: number, min: number): number => {
    if (values[name] === undefined) return fallback;
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} "${values[name]}" must be an integer of at least ${min}`);
    return n;
  };
  let target: number | undefined;
  if (values.target !== undefined) {
    target = Number(values.target);
    if (values.target === '' || !(target >= 0 && target <= 1))
      throw new Error(`--target "${values.target}" must be a quality between 0 and 1`);
  }

  const databaseUrls = databaseUrlsOption(values, env, USAGE);
  return {
    databaseUrl: databaseUrls[0],
    databaseUrls,
    period,
    target,
    minSample: integer('min-sample', DEFAULT_MIN_SAMPLE, 1),
    effortFile: values.effort,
    experimentsPath: values.experiments ?? path.join('reports', 'experiments', 'experiments-report.json'),
    top: integer('top', 20, 1),
    outDir: values.out ?? path.join('reports', 'improvement'),
  };
}
