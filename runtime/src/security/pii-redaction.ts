import isSafeRegex from 'safe-regex2';

/**
 * PII redaction applied to every text before it is logged or stored. Conservative: it would
 * rather mask a harmless number than keep a card number.
 *
 * It runs on every caller's text (up to the 256 KiB body limit) on the event loop, so every
 * pattern must take time linear in the text: a pattern that backtracks from every position
 * blocks all other requests (the e-mail regex this replaced took 9 s on 60,000 characters).
 * test/runtime/pii-redaction.test.ts measures the growth of each one on adversarial input.
 */
export interface PiiPattern {
  readonly name: string;
  /** A global regex, or a matcher `String.prototype.replace` calls in its place (see `EmailMatcher`). */
  readonly pattern: RegExp | Replacer;
  /** Extra check on a match (e.g. Luhn for card numbers); a match that fails it is kept. */
  readonly verify?: (match: string) => boolean;
}

/** True when the digits of `candidate` pass the Luhn checksum (payment card numbers do). */
export function luhnValid(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** What `String.prototype.replace` accepts besides a regex: an object with `[Symbol.replace]`. */
export interface Replacer {
  [Symbol.replace](text: string, replace: (match: string) => string): string;
}

const isWordCode = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // \w
const isLocalCode = (c: number) => isWordCode(c) || c === 46 || c === 43 || c === 45; // [\w.+-]
const isLabelCode = (c: number) => isWordCode(c) || c === 45; // [\w-]
const DOT = 46;

/**
 * Matches exactly what `/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g` matches, in linear time. The regex
 * tries every start position and runs to the end of the word before giving up, which is
 * quadratic on a long word without `@`. This scanner starts from each `@` instead: the local
 * part is the run of local-part characters before it (not reaching into the previous match),
 * the domain the longest run of labels joined by single dots after it (at least two labels).
 * Each character is read at most twice: once as some `@`'s domain, once as the next one's
 * local part — neither run can cross an `@`.
 */
export class EmailMatcher implements Replacer {
  [Symbol.replace](text: string, replace: (match: string) => string): string {
    let out = '';
    let copied = 0;
    for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
      let start = at;
      while (start > copied && isLocalCode(text.charCodeAt(start - 1))) start--;
      if (start === at) continue;
      let end = at + 1;
      let labels = 0;
      for (let i = at + 1; ;) {
        const labelStart = i;
        while (i < text.length && isLabelCode(text.charCodeAt(i))) i++;
        if (i === labelStart) break;
        labels += 1;
        end = i;
        if (text.charCodeAt(i) !== DOT) break;
        i += 1; // a dot continues the domain only when a label follows it
      }
      if (labels < 2) continue;
      out += text.slice(copied, start) + replace(text.slice(start, end));
      copied = end;
      at = end - 1; // the domain holds no `@`: the next one is at or after `end`
    }
    return copied === 0 ? text : out + text.slice(copied);
  }
}

// The card, IBAN and phone regexes are linear as they stand: bounded repetitions, or (phone) one
// unbounded run that a match consumes; the tests hold them to it.
export const DEFAULT_PII_PATTERNS: readonly PiiPattern[] = [
  { name: 'EMAIL', pattern: new EmailMatcher() },
  // 13-19 digits, optionally grouped by spaces or dashes; only Luhn-valid numbers are cards.
  { name: 'CARD', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, verify: luhnValid },
  { name: 'IBAN', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g },
  // International or national phone numbers: 7+ digits with optional +, spaces, dots, dashes,
  // parentheses. Each group is its separators and the digit ending it, so a text splits into
  // groups one way only and the regex never tries the same run two ways.
  { name: 'PHONE', pattern: /(?:\+|\b)\d(?:[\s().-]*\d){6,}\b/g },
];

export class PiiRedactor {
  private readonly patterns: readonly PiiPattern[];

  constructor(extra: readonly PiiPattern[] = []) {
    this.patterns = [...extra, ...DEFAULT_PII_PATTERNS];
  }

  /** `text` with each PII match replaced by `[NAME]`. */
  redact(text: string): string {
    let out = text;
    for (const { name, pattern, verify } of this.patterns) {
      // A regex is used as a regex, a Replacer through its [Symbol.replace]: one call for both.
      out = out.replace(pattern, (match) => (verify && !verify(match) ? match : `[${name}]`));
    }
    return out;
  }
}

/** Parse `PII_EXTRA_PATTERNS` (`NAME=regex;NAME2=regex`) into patterns; throws naming the bad entry. */
export function parseExtraPatterns(spec: string | undefined): PiiPattern[] {
  if (!spec) return [];
  return spec
    .split(';')
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf('=');
      const name = entry.slice(0, eq).trim();
      if (eq <= 0 || !/^[A-Z_]+$/.test(name))
        throw new Error(`PII_EXTRA_PATTERNS entry "${entry}": expected NAME=regex with NAME in A-Z and _`);
      let pattern: RegExp;
      try {
        pattern = new RegExp(entry.slice(eq + 1), 'g');
      } catch (error) {
        throw new Error(`PII_EXTRA_PATTERNS entry "${name}": invalid regex (${(error as Error).message})`);
      }
      // It runs on every caller's text: nested quantifiers could take exponential time per request.
      if (!isSafeRegex(pattern))
        throw new Error(`PII_EXTRA_PATTERNS entry "${name}": may take exponential time (nested quantifiers); simplify it`);
      return { name, pattern };
    });
}
