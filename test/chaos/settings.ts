/** Command-line settings of the chaos suite (`npm run chaos -- ...`). */

export interface ChaosSettings {
  /** Names or `*` globs; every scenario when empty. */
  readonly scenarios: readonly string[];
  /** Multiplies every phase's duration (baseline, fault, settle, after). */
  readonly scale: number;
  /** Where chaos.json goes; chaos.md is written beside it. */
  readonly report: string;
  readonly list: boolean;
  readonly keepLogs: boolean;
}

export const USAGE = `npm run chaos -- [--scenario <name|glob>[,...]] [--scale <factor>] [--report <file.json>] [--list] [--keep-logs]
  --scenario   run only these scenarios (e.g. --scenario 'redis-*,runtime-sigterm'); all by default
  --scale      multiply every phase's duration (0.5 halves the run; 2 doubles the time under fault)
  --report     default reports/chaos.json (and reports/chaos.md beside it)
  --list       print the scenarios and their faults, run nothing
  --keep-logs  keep the runtime/toxiproxy logs even when every hypothesis holds (failed runs always keep them)`;

function value(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\nusage: ${USAGE}`);
  return v;
}

export function parseSettings(argv: string[], defaultReport: string): ChaosSettings {
  const known = new Set(['--scenario', '--scale', '--report', '--list', '--keep-logs', '--help']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown flag ${a}\nusage: ${USAGE}`);
  const scale = Number(value(argv, '--scale') ?? 1);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10)
    throw new Error(`--scale must be a number in (0, 10], got ${value(argv, '--scale')}`);
  return {
    scenarios: (value(argv, '--scenario') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    scale,
    report: value(argv, '--report') ?? defaultReport,
    list: argv.includes('--list'),
    keepLogs: argv.includes('--keep-logs'),
  };
}

/** Whether `name` matches any of `patterns` (`*` matches any run of characters). */
export function selected(name: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) =>
    new RegExp(
      `^${p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(name),
  );
}
