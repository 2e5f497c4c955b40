import { storableText } from '../storage/storable-text';
import { JsonValue } from './turn';

// Dialogflow sends what it sends: read each field with a type check so a hostile or malformed
// body yields empty values, never an exception, and values the turn log can store: a webhook
// cannot refuse them (Dialogflow turns any 4xx into a webhook error), so they are cleaned here.

export function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The string, with NULs removed and unpaired surrogates replaced (storable-text.ts). */
export function asString(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? storableText(value) : fallback;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A probability such as an intent's confidence: a number in 0..1, or absent. A value outside
 * (1e300, -3) is not a confidence that can be clamped into meaning: it is treated as not sent.
 * The range check is also what keeps the value storable in the turn log's `real` column.
 */
export function asProbability(value: unknown): number | undefined {
  const n = asNumber(value);
  if (n === undefined || n < 0 || n > 1) return undefined;
  // Below `real`'s smallest value (1.4e-45) Postgres refuses the number rather than rounding it: it is 0.
  return Math.fround(n) === 0 ? 0 : n;
}

/** A Struct's fields as JSON values; anything that isn't an object becomes `{}`. */
export function asParameters(value: unknown): Record<string, JsonValue> {
  return asObject(value) as Record<string, JsonValue>;
}
