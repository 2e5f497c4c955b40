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

/**
 * Every shard of the turn log: `--shard-urls '["postgres://…","postgres://…"]'`, else
 * DATABASE_SHARD_URLS (the runtime's own variable, same JSON), else the one database of
 * `--database-url` / DATABASE_URL. With several, the reports read their union (shard-union.ts).
 */
export function databaseUrlsOption(values: Record<string, string>, env: NodeJS.ProcessEnv, usage: string): string[] {
  const text = values['shard-urls'] ?? (values['database-url'] ? undefined : env.DATABASE_SHARD_URLS);
  if (text === undefined) return [databaseUrlOption(values, env, usage)];
  let urls: unknown;
  try {
    urls = JSON.parse(text);
  } catch {
    throw new Error(`--shard-urls / DATABASE_SHARD_URLS is not JSON: give an array of postgres:// URLs\n${usage}`);
  }
  if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string' && /^postgres(ql)?:\/\//.test(u)))
    throw new Error(`--shard-urls / DATABASE_SHARD_URLS must be a non-empty JSON array of postgres:// URLs\n${usage}`);
  return urls as string[];
}
