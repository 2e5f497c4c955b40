/** Command-line settings of the runtime benchmark. */
import { parseCommandLine } from '../../../tools/cli-args';

export interface Settings {
  readonly quick: boolean;
  /** Seconds per throughput run (a, b, d, e). */
  readonly durationSeconds: number;
  readonly connections: number;
  /** Turns in the realistic sequence, replayed once by the cold scenario. */
  readonly turns: number;
  /** Alternating rounds of (a) and (d). */
  readonly rounds: number;
  readonly latencyMs: number;
  readonly deadlineMs: number;
  readonly profile: boolean;
  readonly warmupSeconds: number;
}

export const USAGE = `npm run bench:runtime -- [--quick] [--duration <s>] [--connections <n>] [--turns <n>] [--rounds <n>]
                            [--latency <ms>] [--deadline <ms>] [--profile]`;

const NUMBERS = ['duration', 'connections', 'turns', 'rounds', 'latency', 'deadline'] as const;

/** Parse argv with node:util parseArgs (tools/cli-args); throws with the usage on bad usage. */
export function parseSettings(argv: string[]): Settings | 'help' {
  const { values } = parseCommandLine(
    argv,
    {
      quick: { type: 'boolean' },
      profile: { type: 'boolean' },
      help: { type: 'boolean' },
      ...Object.fromEntries(NUMBERS.map((n) => [n, { type: 'string' as const }])),
    },
    `usage: ${USAGE}`,
  );
  if (values.help) return 'help';
  const positive = (name: (typeof NUMBERS)[number], fallback: number): number => {
    const raw = values[name] as string | undefined;
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"\nusage: ${USAGE}`);
    return n;
  };
  const quick = values.quick === true;
  return {
    quick,
    durationSeconds: positive('duration', quick ? 3 : 10),
    connections: Math.round(positive('connections', 32)),
    turns: Math.round(positive('turns', quick ? 800 : 3000)),
    rounds: Math.round(positive('rounds', quick ? 1 : 2)),
    latencyMs: positive('latency', 25),
    deadlineMs: Math.round(positive('deadline', 300)),
    profile: values.profile === true,
    warmupSeconds: quick ? 1 : 2,
  };
}
