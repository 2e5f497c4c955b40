import { JsonValue } from './turn';

// Dialogflow sends what it sends: read each field with a type check so a hostile or malformed
// body yields empty values, never an exception.

export function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asString(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A Struct's fields as JSON values; anything that isn't an object becomes `{}`. */
export function asParameters(value: unknown): Record<string, JsonValue> {
  return asObject(value) as Record<string, JsonValue>;
}
