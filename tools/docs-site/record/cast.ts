/**
 * asciinema cast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then
 * one `[seconds, "o", text]` line per chunk of terminal output. The header also carries, under
 * `convai`, what was run and how it exited, so a check can refuse a recording of a command that
 * failed — a walkthrough must never show a command that no longer works.
 */
export interface CastHeader {
  readonly version: 2;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  /** Players shorten pauses above this many seconds (the recording is already compressed to it). */
  readonly idle_time_limit: number;
  readonly env: Record<string, string>;
  readonly convai: {
    /** The script that was recorded, repository-relative. */
    readonly script: string;
    readonly exit_code: number;
    /** Wall-clock seconds the script took, before idle time was compressed. */
    readonly wall_seconds: number;
  };
}

export type CastEvent = readonly [number, 'o', string];

export interface Cast {
  readonly header: CastHeader;
  readonly events: CastEvent[];
}

/** Shorten every pause longer than `limit` seconds to `limit`: long builds replay in a watchable time. */
export function compressIdle(events: readonly CastEvent[], limit: number): CastEvent[] {
  let previous = 0;
  let shifted = 0;
  return events.map(([time, type, text]) => {
    const gap = time - previous;
    if (gap > limit) shifted += gap - limit;
    previous = time;
    return [Math.round((time - shifted) * 1000) / 1000, type, text] as const;
  });
}

export function serializeCast(cast: Cast): string {
  return [JSON.stringify(cast.header), ...cast.events.map((e) => JSON.stringify(e))].join('\n') + '\n';
}

/** Parse and validate a cast file; throws naming the line that is wrong. */
export function parseCast(text: string): Cast {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === 0) throw new Error('empty cast');
  const header = JSON.parse(lines[0]) as CastHeader;
  if (header.version !== 2) throw new Error(`line 1: version is ${header.version}, expected 2`);
  if (!(header.width > 0 && header.height > 0)) throw new Error('line 1: width and height must be positive');
  if (typeof header.convai?.exit_code !== 'number') throw new Error('line 1: convai.exit_code is missing');
  let previous = 0;
  const events = lines.slice(1).map((line, i) => {
    const event = JSON.parse(line) as CastEvent;
    if (!Array.isArray(event) || event.length !== 3 || typeof event[0] !== 'number' || event[1] !== 'o' || typeof event[2] !== 'string') {
      throw new Error(`line ${i + 2}: expected [seconds, "o", text]`);
    }
    if (event[0] < previous) throw new Error(`line ${i + 2}: time goes backwards (${event[0]} after ${previous})`);
    previous = event[0];
    return event;
  });
  return { header, events };
}

/** The terminal output of a cast as plain text: escape sequences removed, carriage returns normalized. */
export function castText(cast: Cast): string {
  return (
    cast.events
      .map((e) => e[2])
      .join('')
      // Terminal escape sequences are exactly what this strips.
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\][^\x07]*\x07/g, '')
      .replace(/\r\n/g, '\n')
  );
}
