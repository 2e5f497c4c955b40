/** Command-line settings of the runtime benchmark. */

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

function value(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

function positive(argv: string[], flag: string, fallback: number): number {
  const raw = value(argv, flag);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got "${raw}"`);
  return n;
}

export const USAGE = `npm run bench:runtime -- [--quick] [--duration <s>] [--connections <n>] [--turns <n>] [--rounds <n>]
                            [--latency <ms>] [--deadline <ms>] [--profile]`;

export function parseSettings(argv: string[]): Settings {
  const known = new Set([
    '--quick',
    '--profile',
    '--duration',
    '--connections',
    '--turns',
    '--rounds',
    '--latency',
    '--deadline',
    '--help',
  ]);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown flag ${a}\nusage: ${USAGE}`);
  const quick = argv.includes('--quick');
  return {
    quick,
    durationSeconds: positive(argv, '--duration', quick ? 3 : 10),
    connections: Math.round(positive(argv, '--connections', 32)),
    turns: Math.round(positive(argv, '--turns', quick ? 800 : 3000)),
    rounds: Math.round(positive(argv, '--rounds', quick ? 1 : 2)),
    latencyMs: positive(argv, '--latency', 25),
    deadlineMs: Math.round(positive(argv, '--deadline', 300)),
    profile: argv.includes('--profile'),
    warmupSeconds: quick ? 1 : 2,
  };
}
