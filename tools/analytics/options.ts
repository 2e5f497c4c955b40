import * as path from 'node:path';
import { stringOptions } from '../cli-args';
import { Period } from '../improvement/analysis';
import { DEFAULT_REPORT_DAYS, databaseUrlsOption, reportPeriod } from '../improvement/report-options';

export interface AnalyticsOptions {
  /** Shard 0, or the one database. */
  readonly databaseUrl: string;
  /** Every shard (DATABASE_SHARD_URLS); the report reads their union. @default [databaseUrl] */
  readonly databaseUrls?: string[];
  readonly period: Period;
  readonly outDir: string;
}

export const USAGE = `Usage: npm run analytics:report -- [--database-url postgres://...] [--from <date>] [--to <date>] [--out reports/analytics]
  --database-url  Postgres holding the webhook's improvement data (default: DATABASE_URL); a read-only role is enough
  --shard-urls    JSON array of every shard's URL when the turn log is sharded (default: DATABASE_SHARD_URLS)
  --from, --to    period, ISO 8601 (2026-10-01 or 2026-10-01T00:00:00Z), --to exclusive;
                  default the last ${DEFAULT_REPORT_DAYS} days up to the end of today (UTC)
  --out           output directory for analytics.html (default reports/analytics)`;

/** Parse argv into options; throws with the usage text on a problem. `now` fixes "today" for tests. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): AnalyticsOptions {
  const values = stringOptions(argv, ['database-url', 'shard-urls', 'from', 'to', 'out'], USAGE);
  const databaseUrls = databaseUrlsOption(values, env, USAGE);
  return {
    databaseUrl: databaseUrls[0],
    databaseUrls,
    period: reportPeriod(values, USAGE, now),
    outDir: values.out ?? path.join('reports', 'analytics'),
  };
}
