import { Token } from 'cdktf';

/**
 * One validation rule for a construct's props: `when` is true when the props are wrong, `say`
 * explains which prop, what value, and how to fix it.
 */
export interface Rule<P> {
  readonly when: (props: P) => boolean;
  readonly say: (props: P) => string;
}

/** True when `value` (or any element of it) is an unresolved cdktf token, which we never judge. */
export function isToken(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return Token.isUnresolved(value) || value.some((v) => isToken(v));
  return Token.isUnresolved(value);
}

/** A value that is set and resolved: the only kind a rule judges. */
export function isKnown(value: unknown): boolean {
  return value !== undefined && !isToken(value);
}

/** The values that occur more than once in `xs`, each listed once. */
export function duplicatesIn(xs: string[]): string[] {
  return [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))];
}

/**
 * Check every rule and throw one error that lists all broken rules, so a user fixes them in one
 * round rather than one per synth.
 */
export function validateProps<P>(constructPath: string, props: P, rules: ReadonlyArray<Rule<P>>): void {
  const broken = rules.filter((r) => r.when(props)).map((r) => r.say(props));
  if (broken.length > 0) {
    throw new Error(`Invalid props for ${constructPath}:\n  - ${broken.join('\n  - ')}`);
  }
}
