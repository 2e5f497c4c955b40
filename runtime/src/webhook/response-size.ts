import { JsonValue } from '../protocol/turn';
import { SESSION_PARAMETERS } from '../nlp/session-parameters';

/** Dialogflow rejects webhook responses over 64 KiB. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** Longest single text message kept when a response has to shrink. */
const MAX_MESSAGE_CHARS = 4_000;

/**
 * Serialize a response, shrinking it below 64 KiB when a handler returned too much: first
 * drop the bulky NLP lists from the session parameters, then cut long messages, then keep only
 * the first message. Returns the JSON and whether anything was cut (the reply is then degraded).
 */
export function serializeWithinLimit(
  build: (messages: string[] | undefined, parameters: Record<string, JsonValue>) => Record<string, unknown>,
  messages: string[] | undefined,
  parameters: Record<string, JsonValue>,
): { json: string; truncated: boolean } {
  // Nearly every reply fits at the first attempt: the shrinking steps are only built when it does not.
  const first = JSON.stringify(build(messages, parameters));
  if (first.length <= MAX_RESPONSE_BYTES / 3 || Buffer.byteLength(first) <= MAX_RESPONSE_BYTES) return { json: first, truncated: false };
  const attempts: Array<() => [string[] | undefined, Record<string, JsonValue>]> = [
    () => [messages, withoutNlpLists(parameters)],
    () => [messages?.map((m) => m.slice(0, MAX_MESSAGE_CHARS)), withoutNlpLists(parameters)],
    () => [messages?.slice(0, 1).map((m) => m.slice(0, MAX_MESSAGE_CHARS)), onlyDegradation(parameters)],
    () => [[], onlyDegradation(parameters)],
  ];
  for (const attempt of attempts) {
    const [m, p] = attempt();
    p[SESSION_PARAMETERS.degraded] = true;
    p[SESSION_PARAMETERS.degradedReasons] = [...asStrings(p[SESSION_PARAMETERS.degradedReasons]), 'response-truncated'];
    const json = JSON.stringify(build(m, p));
    if (Buffer.byteLength(json) <= MAX_RESPONSE_BYTES) return { json, truncated: true };
  }
  throw new Error('unreachable: an empty response exceeds 64 KiB');
}

function withoutNlpLists(parameters: Record<string, JsonValue>): Record<string, JsonValue> {
  const {
    [SESSION_PARAMETERS.entities]: _e,
    [SESSION_PARAMETERS.categories]: _c,
    [SESSION_PARAMETERS.moderation]: _m,
    ...rest
  } = parameters;
  return rest;
}

function onlyDegradation(parameters: Record<string, JsonValue>): Record<string, JsonValue> {
  return { [SESSION_PARAMETERS.degradedReasons]: parameters[SESSION_PARAMETERS.degradedReasons] ?? [] };
}

function asStrings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
