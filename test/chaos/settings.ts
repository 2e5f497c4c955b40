/** Command-line settings of the chaos suite (`npm run chaos -- ...`). */
import { parseCommandLine } from '../../tools/cli-args';

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

/** Parse argv with node:util parseArgs (tools/cli-args); throws with the usage on bad usage (exit 2). */
export function parseSettings(argv: string[], defaultReport: string): ChaosSettings | 'help' {
  const { values } = parseCommandLine(
    argv,
    {
      scenario: { type: 'string' },
      scale: { type: 'string' },
      report: { type: 'string' },
      list: { type: 'boolean' },
      'keep-logs': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    `usage: ${USAGE}`,
  );
  if (values.help) return 'help';
  const rawScale = values.scale as string | undefined;
  const scale = Number(rawScale ?? 1);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10)
    throw new Error(`--scale must be a number in (0, 10], got ${rawScale}\nusage: ${USAGE}`);
  return {
    scenarios: ((values.scenario as string | undefined) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    scale,
    report: (values.report as string | undefined) ?? defaultReport,
    list: values.list === true,
    keepLogs: values['keep-logs'] === true,
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
