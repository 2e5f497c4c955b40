import { Period, assertPeriod } from './analysis/period';

/**
 * Command-line options shared by the improvement reports (parsed with `stringOptions`, ../cli-args):
 * the period (`--from`/`--to`, ISO 8601, `--to` exclusive) and the database. Every problem throws
 * with the command's usage text, which the CLI prints with exit code 2.
 */

/** Days a report covers when no `--from` is given. */
export const DEFAULT_REPORT_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * `--from`/`--to`, defaulting to the last DEFAULT_REPORT_DAYS whole UTC days up to the end of
 * today: two runs on the same day, of any report, describe the same period.
 */
export function reportPeriod(values: Record<string, string>, usage: string, now: Date): Period {
  const date = (name: string): Date | undefined => {
    if (values[name] === undefined) return undefined;
    const d = new Date(values[name]);
    if (values[name] === '' || Number.isNaN(d.getTime())) throw new Error(`--${name} "${values[name]}" is not a date\n${usage}`);
    return d;
  };
  const endOfToday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const to = date('to') ?? endOfToday;
  const from = date('from') ?? new Date(to.getTime() - DEFAULT_REPORT_DAYS * DAY_MS);
  if (to <= from) throw new Error(`--to (${to.toISOString()}) must be after --from (${from.toISOString()})`);
  const period = { from, to };
  assertPeriod(period);
  return period;
}

/** `--database-url`, else DATABASE_URL. */
export function databaseUrlOption(values: Record<string, string>, env: NodeJS.ProcessEnv, usage: string): string {
  const url = values['database-url'] ?? env.DATABASE_URL;
  if (!url) throw new Error(`no database: pass --database-url or set DATABASE_URL\n${usage}`);
  return url;
}
