/**
 * PII redaction applied to every text before it is logged or stored. Conservative: it would
 * rather mask a harmless number than keep a card number.
 */
export interface PiiPattern {
  readonly name: string;
  readonly pattern: RegExp;
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

export const DEFAULT_PII_PATTERNS: readonly PiiPattern[] = [
  { name: 'EMAIL', pattern: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g },
  // 13-19 digits, optionally grouped by spaces or dashes; only Luhn-valid numbers are cards.
  { name: 'CARD', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, verify: luhnValid },
  { name: 'IBAN', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g },
  // International or national phone numbers: 7+ digits with optional +, spaces, dots, dashes, parentheses.
  { name: 'PHONE', pattern: /(?:\+|\b)\d[\d\s().-]{5,}\d\b/g, verify: (m) => m.replace(/\D/g, '').length >= 7 },
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
      try {
        return { name, pattern: new RegExp(entry.slice(eq + 1), 'g') };
      } catch (error) {
        throw new Error(`PII_EXTRA_PATTERNS entry "${name}": invalid regex (${(error as Error).message})`);
      }
    });
}
