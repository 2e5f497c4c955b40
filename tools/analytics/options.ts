import * as path from 'node:path';
import { Period, assertPeriod } from '../improvement/analysis';

export interface AnalyticsOptions {
  readonly databaseUrl: string;
  readonly period: Period;
  readonly outDir: string;
}

export const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

export const USAGE = `Usage: npm run analytics:report -- [--database-url postgres://...] [--from <date>] [--to <date>] [--out reports/analytics]
  --database-url  Postgres holding the webhook's improvement data (default: DATABASE_URL); a read-only role is enough
  --from, --to    period, ISO 8601 (2026-10-01 or 2026-10-01T00:00:00Z), --to exclusive;
                  default the last ${DEFAULT_DAYS} days up to the end of today (UTC)
  --out           output directory for analytics.html (default reports/analytics)`;

/** Parse argv into options; throws with the usage text on a problem. `now` fixes "today" for tests. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): AnalyticsOptions {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (!key.startsWith('--') || i + 1 >= argv.length) throw new Error(`unexpected argument "${key}"\n${USAGE}`);
    values[key.slice(2)] = argv[++i];
  }
  const unknown = Object.keys(values).filter((k) => !['database-url', 'from', 'to', 'out'].includes(k));
  if (unknown.length > 0) throw new Error(`unknown option --${unknown[0]}\n${USAGE}`);
  const date = (name: string): Date | undefined => {
    if (values[name] === undefined) return undefined;
    const d = new Date(values[name]);
    if (values[name] === '' || Number.isNaN(d.getTime())) throw new Error(`--${name} "${values[name]}" is not a date\n${USAGE}`);
    return d;
  };
  // Whole UTC days by default, so two runs on the same day report the same period.
  const endOfToday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const to = date('to') ?? endOfToday;
  const from = date('from') ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (to <= from) throw new Error(`--to (${to.toISOString()}) must be after --from (${from.toISOString()})`);
  const period = { from, to };
  assertPeriod(period);
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL;
  if (!databaseUrl) throw new Error(`no database: pass --database-url or set DATABASE_URL\n${USAGE}`);
  return { databaseUrl, period, outDir: values.out ?? path.join('reports', 'analytics') };
}
