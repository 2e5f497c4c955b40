/**
 * How the rules read values out of a synthesized resource block: cdktf writes a nested block as an
 * object or a one-element list, and a value it cannot resolve at synth as a `${...}` string.
 */
import { PRODUCTION_ENVS } from '../label-conventions';
import type { ResourceBlock } from './policy-rule';

/** A value Terraform resolves at plan time: the rules pass it rather than guess. */
export const isUnresolved = (v: unknown): boolean => typeof v === 'string' && v.includes('${');

/** A non-blank string. */
export const isSet = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

/** `labels.env` says production. */
export function isProduction(block: ResourceBlock): boolean {
  return isProductionEnv(block.labels?.env);
}

/** An `env` label value that means production. */
export function isProductionEnv(env: unknown): boolean {
  return typeof env === 'string' && (PRODUCTION_ENVS as readonly string[]).includes(env);
}

/** The first element of a cdktf nested block, which synthesizes as an object or a 1-element list. */
export function first(value: unknown): Record<string, any> | undefined {
  if (Array.isArray(value)) return value[0];
  if (value && typeof value === 'object') return value as Record<string, any>;
  return undefined;
}

/** A repeated nested block (cdktf writes a list, or an object for one element). */
export function asList(value: unknown): Record<string, any>[] {
  if (Array.isArray(value)) return value;
  return value && typeof value === 'object' ? [value as Record<string, any>] : [];
}

/** The `member`/`members` of an IAM member or binding that appear in `forbidden`. */
export function membersIn(block: ResourceBlock, forbidden: readonly string[]): string[] {
  const members: unknown[] = block.members ?? (block.member !== undefined ? [block.member] : []);
  return members.filter((m): m is string => typeof m === 'string' && forbidden.includes(m));
}
