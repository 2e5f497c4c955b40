/**
 * Postgres `text` and `jsonb` hold any Unicode text but U+0000 (refused with SQLSTATE 22021 in
 * text, 22P05 in jsonb), and `jsonb` also refuses an unpaired UTF-16 surrogate (which `text`
 * silently turns into U+FFFD). JavaScript strings may hold both. These helpers find them, for a
 * clear 400 on our own API, and clean them, where the caller cannot be told (Dialogflow turns
 * any 4xx into a webhook error).
 */

/** NUL, or a surrogate half without its partner. NUL is the very character to find here. */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The first character Postgres cannot store, as `U+XXXX`, or undefined when there is none. */
export function unstorableCharacter(value: string): string | undefined {
  const match = new RegExp(UNSTORABLE.source).exec(value);
  return match ? `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/** `value` with NULs removed and unpaired surrogates replaced by U+FFFD, as UTF-8 encoders do. */
export function storableText(value: string): string {
  return value.replace(UNSTORABLE, (c) => (c === '\u0000' ? '' : '\ufffd'));
}
