import { readFileSync } from 'node:fs';
import isSafeRegex from 'safe-regex2';
import { z } from 'zod';
import { FormParameter, FormParameterUpdate, JsonValue } from '../protocol/turn';
import { HandlerResult } from './handler-types';

/**
 * Declarative form validation for Dialogflow CX (the `validate-form` reference handler).
 *
 * CX sends the current page's form with every webhook call on that page
 * (`pageInfo.formInfo.parameterInfo`); a webhook that answers a parameter with state `INVALID`
 * makes CX collect it again, and one that answers `FILLED` with a value replaces what was
 * collected. The rules say, per form parameter, what a valid value is, so a conversation
 * designer can tighten a form without code: a type, a range, a pattern, a list of allowed
 * values, and what to say when a value is refused.
 *
 * ```json
 * { "version": 1, "parameters": {
 *     "amount":   { "type": "number", "min": 1, "max": 10000, "reprompt": "How much, between 1 and 10,000?" },
 *     "account":  { "type": "string", "pattern": "^[0-9]{8}$" },
 *     "currency": { "type": "string", "allowed": ["EUR", "USD", "GBP"] },
 *     "travel_date": { "type": "date", "min": "2026-01-01" } } }
 * ```
 */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Longest value a pattern is tested against: the pattern is the operator's, the value is the caller's. */
const MAX_PATTERN_INPUT = 1_000;

const ruleSchema = z
  .object({
    type: z.enum(['string', 'number', 'integer', 'boolean', 'date']),
    /** number/integer: smallest allowed value; date: earliest `YYYY-MM-DD`. */
    min: z.union([z.number(), z.string().regex(ISO_DATE, 'a date as YYYY-MM-DD')]).optional(),
    /** number/integer: largest allowed value; date: latest `YYYY-MM-DD`. */
    max: z.union([z.number(), z.string().regex(ISO_DATE, 'a date as YYYY-MM-DD')]).optional(),
    /** string: fewest characters after trimming. */
    minLength: z.number().int().min(0).optional(),
    /** string: most characters after trimming. */
    maxLength: z.number().int().min(1).optional(),
    /** string: a JavaScript regular expression the whole (trimmed) value must match. */
    pattern: z.string().optional(),
    /** string/number/integer: the only values accepted; strings compare case-insensitively and are stored as listed here. */
    allowed: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .optional(),
    /** Said when the value is refused; without it the agent's own reprompt for the parameter plays. */
    reprompt: z.string().min(1).optional(),
  })
  .strict();

const rulesSchema = z
  .object({
    version: z.literal(1),
    /** By form parameter display name. */
    parameters: z.record(z.string().min(1), ruleSchema),
  })
  .strict();

export type FormParameterRule = z.infer<typeof ruleSchema>;
export interface FormRules {
  readonly version: 1;
  readonly parameters: Readonly<Record<string, FormParameterRule>>;
}

/** Validated rules, or an error naming `source` and every problem (so one edit fixes them all). */
export function parseFormRules(json: unknown, source: string): FormRules {
  const parsed = rulesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`);
    throw new Error(`${source}: invalid form rules: ${problems.join('; ')}`);
  }
  const problems: string[] = [];
  for (const [name, rule] of Object.entries(parsed.data.parameters)) problems.push(...ruleProblems(name, rule));
  if (problems.length > 0) throw new Error(`${source}: invalid form rules: ${problems.join('; ')}`);
  return parsed.data;
}

export function loadFormRulesFile(path: string): FormRules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`FORM_RULES_FILE: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return parseFormRules(JSON.parse(text), `FORM_RULES_FILE (${path})`);
  } catch (error) {
    if (error instanceof SyntaxError) throw new Error(`FORM_RULES_FILE (${path}): not JSON: ${error.message}`);
    throw error;
  }
}

/** Rules that parse but cannot mean anything: caught at start-up, not on a customer's turn. */
function ruleProblems(name: string, rule: FormParameterRule): string[] {
  const at = `parameters.${name}`;
  const problems: string[] = [];
  const numeric = rule.type === 'number' || rule.type === 'integer';
  for (const bound of ['min', 'max'] as const) {
    const value = rule[bound];
    if (value === undefined) continue;
    if (numeric && typeof value !== 'number') problems.push(`${at}.${bound}: must be a number for type ${rule.type}`);
    if (rule.type === 'date' && (typeof value !== 'string' || Number.isNaN(Date.parse(value))))
      problems.push(`${at}.${bound}: must be a date as YYYY-MM-DD for type date`);
    if (!numeric && rule.type !== 'date')
      problems.push(`${at}.${bound}: only applies to number, integer and date (use minLength/maxLength for strings)`);
  }
  if (rule.min !== undefined && rule.max !== undefined && typeof rule.min === typeof rule.max && rule.min > rule.max)
    problems.push(`${at}: min is greater than max`);
  if ((rule.minLength !== undefined || rule.maxLength !== undefined || rule.pattern !== undefined) && rule.type !== 'string')
    problems.push(`${at}: minLength, maxLength and pattern only apply to type string`);
  if (rule.pattern !== undefined) {
    try {
      // The pattern runs on what callers type: one with nested quantifiers could take exponential time.
      if (!isSafeRegex(patternOf(rule.pattern)))
        problems.push(`${at}.pattern: may take exponential time (nested quantifiers); simplify it`);
    } catch (error) {
      problems.push(`${at}.pattern: ${(error as Error).message}`);
    }
  }
  if (rule.allowed && rule.type !== 'string' && !numeric) problems.push(`${at}.allowed: only applies to string, number and integer`);
  if (rule.allowed?.some((v) => typeof v !== (rule.type === 'string' ? 'string' : 'number')))
    problems.push(`${at}.allowed: every value must be a ${rule.type === 'string' ? 'string' : 'number'}`);
  return problems;
}

const compiled = new Map<string, RegExp>();

/** The rule's pattern anchored to the whole value, compiled once. */
function patternOf(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) compiled.set(pattern, (regex = new RegExp(`^(?:${pattern})$`, 'u')));
  return regex;
}

type Verdict = { valid: false } | { valid: true; value?: JsonValue };

/**
 * The verdicts for a turn's form: each filled parameter with a rule is checked; an invalid one
 * is answered `INVALID` (and its reprompt said, for the first one CX will ask again), a valid
 * one whose value was normalized is answered `FILLED` with the new value, and the rest are left
 * alone. Parameters without a rule, or not filled yet, are never touched.
 */
export function validateForm(form: readonly FormParameter[] | undefined, rules: FormRules): HandlerResult {
  const formParameters: FormParameterUpdate[] = [];
  const messages: string[] = [];
  for (const parameter of form ?? []) {
    const rule = rules.parameters[parameter.displayName];
    if (!rule || parameter.state !== 'FILLED' || parameter.value === undefined) continue;
    const verdict = check(parameter.value, rule);
    if (!verdict.valid) {
      formParameters.push({ displayName: parameter.displayName, state: 'INVALID' });
      if (rule.reprompt && messages.length === 0) messages.push(rule.reprompt);
    } else if (verdict.value !== undefined) {
      formParameters.push({ displayName: parameter.displayName, state: 'FILLED', value: verdict.value });
    }
  }
  return { ...(messages.length > 0 && { messages }), ...(formParameters.length > 0 && { formParameters }) };
}

function check(value: JsonValue, rule: FormParameterRule): Verdict {
  switch (rule.type) {
    case 'string':
      return checkString(value, rule);
    case 'number':
    case 'integer':
      return checkNumber(value, rule);
    case 'boolean':
      return typeof value === 'boolean' ? { valid: true } : booleanFromText(value);
    case 'date':
      return checkDate(value, rule);
  }
}

function checkString(value: JsonValue, rule: FormParameterRule): Verdict {
  if (typeof value !== 'string' && typeof value !== 'number') return { valid: false };
  const text = String(value).trim();
  if (rule.minLength !== undefined && text.length < rule.minLength) return { valid: false };
  if (rule.maxLength !== undefined && text.length > rule.maxLength) return { valid: false };
  if (rule.pattern !== undefined && (text.length > MAX_PATTERN_INPUT || !patternOf(rule.pattern).test(text))) return { valid: false };
  let canonical = text;
  if (rule.allowed) {
    const match = rule.allowed.find((a) => String(a).toLowerCase() === text.toLowerCase());
    if (match === undefined) return { valid: false };
    canonical = String(match);
  }
  return canonical === value ? { valid: true } : { valid: true, value: canonical };
}

function checkNumber(value: JsonValue, rule: FormParameterRule): Verdict {
  // CX's @sys.number arrives as a number; a free-text parameter may carry "1,200" or " 42 ".
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.replace(/[\s,]/g, '')) : NaN;
  if (!Number.isFinite(number) || (typeof value === 'string' && value.trim() === '')) return { valid: false };
  if (rule.type === 'integer' && !Number.isInteger(number)) return { valid: false };
  if (typeof rule.min === 'number' && number < rule.min) return { valid: false };
  if (typeof rule.max === 'number' && number > rule.max) return { valid: false };
  if (rule.allowed && !rule.allowed.includes(number)) return { valid: false };
  return number === value ? { valid: true } : { valid: true, value: number };
}

function booleanFromText(value: JsonValue): Verdict {
  if (typeof value !== 'string') return { valid: false };
  const text = value.trim().toLowerCase();
  if (['true', 'yes'].includes(text)) return { valid: true, value: true };
  if (['false', 'no'].includes(text)) return { valid: true, value: false };
  return { valid: false };
}

/** CX's @sys.date is a Struct `{year, month, day}` (floats); a text parameter may carry `YYYY-MM-DD`. */
function checkDate(value: JsonValue, rule: FormParameterRule): Verdict {
  const iso = isoDateOf(value);
  if (!iso) return { valid: false };
  // ISO dates compare as strings.
  if (typeof rule.min === 'string' && iso < rule.min) return { valid: false };
  if (typeof rule.max === 'string' && iso > rule.max) return { valid: false };
  return { valid: true };
}

function isoDateOf(value: JsonValue): string | undefined {
  if (typeof value === 'string') return ISO_DATE.test(value.trim()) && !Number.isNaN(Date.parse(value.trim())) ? value.trim() : undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { year, month, day } = value;
  if (![year, month, day].every((n) => typeof n === 'number' && Number.isInteger(n))) return undefined;
  const date = new Date(Date.UTC(year as number, (month as number) - 1, day as number));
  // Reject dates the calendar does not have (Feb 30 rolls over).
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== (month as number) - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}
