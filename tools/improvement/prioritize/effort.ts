import * as fs from 'node:fs';
import { z } from 'zod';
import { CANDIDATE_KINDS, Candidate } from './candidate';

/**
 * Effort in person-weeks, the denominator of RICE. It cannot be measured from traffic, so people
 * estimate it: an effort file maps candidate keys to person-weeks, and `<kind>:*` changes the
 * default of a whole kind:
 *
 *   { "intent:refund.request": 3, "page:Payment Method": 4, "theme:*": 2 }
 *
 * Candidates the file does not mention get their source's default (see the sources:
 * intent 1, page 2, theme 1, experiment 0.5 to roll out or back, 1 to debug an SRM).
 */

/** A year of one person: an estimate past that is a typo (days or hours instead of weeks). */
export const MAX_EFFORT_WEEKS = 52;

const keySchema = z
  .string()
  .regex(
    new RegExp(`^(${CANDIDATE_KINDS.join('|')}):.+$`),
    `must be "<kind>:<name>" or "<kind>:*" with kind one of ${CANDIDATE_KINDS.join(', ')}`,
  );
const weeksSchema = z
  .number({ invalid_type_error: 'must be a number of person-weeks' })
  .positive('must be more than 0 person-weeks')
  .max(MAX_EFFORT_WEEKS, `must be at most ${MAX_EFFORT_WEEKS} person-weeks`);

export const effortFileSchema = z.record(z.string(), z.unknown()).superRefine((entries, ctx) => {
  for (const [key, value] of Object.entries(entries)) {
    for (const [what, result] of [
      ['key', keySchema.safeParse(key)],
      ['value', weeksSchema.safeParse(value)],
    ] as const) {
      if (!result.success) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${what} ${result.error.issues[0].message}` });
    }
  }
});

/** Person-weeks by candidate key, validated. */
export type EffortTable = ReadonlyMap<string, number>;

export const NO_EFFORT_FILE: EffortTable = new Map();

/** Parse an effort document; throws naming `source` and every offending key. */
export function parseEffort(document: unknown, source: string): EffortTable {
  const parsed = effortFileSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) =>
      i.path.length === 0 ? `expected an object mapping candidate keys to person-weeks (${i.message})` : `"${i.path[0]}": ${i.message}`,
    );
    throw new Error(`effort file ${source}: ${problems.join('; ')}`);
  }
  return new Map(Object.entries(parsed.data as Record<string, number>));
}

export function loadEffortFile(file: string): EffortTable {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`effort file ${file}: ${(e as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw new Error(`effort file ${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseEffort(document, file);
}

export interface ResolvedEffort {
  readonly weeks: number;
  /** `file` (the candidate's own key), `file (<kind>:*)` or `default`. */
  readonly source: string;
}

export function effortFor(table: EffortTable, c: Pick<Candidate, 'key' | 'kind' | 'defaultEffort'>): ResolvedEffort {
  const own = table.get(c.key);
  if (own !== undefined) return { weeks: own, source: 'file' };
  const wildcard = table.get(`${c.kind}:*`);
  if (wildcard !== undefined) return { weeks: wildcard, source: `file (${c.kind}:*)` };
  return { weeks: c.defaultEffort, source: 'default' };
}

/** Keys of the file that name no candidate of this run (likely typos), wildcards aside. */
export function unusedEffortKeys(table: EffortTable, candidateKeys: ReadonlySet<string>): string[] {
  return [...table.keys()].filter((k) => !k.endsWith(':*') && !candidateKeys.has(k)).sort();
}
