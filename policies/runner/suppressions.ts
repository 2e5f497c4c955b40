/**
 * `//.policy_suppressions` → allowlist → decisions.
 *
 * The allowlist is applied to checkov's JSON results here (post-filtering), not with checkov's
 * `--baseline`: in checkov 3.3.30 a baseline drops every passed check not listed in it, and turns
 * baselined failures into silent drops or "baseline-skipped" without our reason. Inline
 * `checkov:skip` is not read by the terraform_json runner at all. See policies/README.md.
 */
import { PolicySetupError } from './errors';
import type { Finding } from './results';

/** One entry of `//.policy_suppressions` (see constructs/core/policy-suppressions.ts). */
export interface Suppression {
  readonly checkId: string;
  /** `<type>.<logical id>`. */
  readonly resource: string;
  readonly constructPath: string;
  readonly reason: string;
  /**
   * Construct path the suppression was recorded on. One `PolicySuppressions.add` on a scope
   * yields an entry per resource under it; it is unused only when none of them matched.
   */
  readonly scope: string;
}

export interface SuppressedFinding {
  readonly finding: Finding;
  readonly suppression: Suppression;
}

export interface Decisions {
  readonly passed: Finding[];
  /** Failing findings of `error` severity no suppression covers: these fail the gate. */
  readonly failures: Finding[];
  /** Failing findings of `warning` severity no suppression covers: reported, they do not fail the gate. */
  readonly warnings: Finding[];
  /** Failing findings a suppression covers, with its reason. */
  readonly suppressed: SuppressedFinding[];
  /** Recorded suppressions (one per check and scope) that matched no failing finding: stale, or the check now passes. */
  readonly unused: Suppression[];
  /** Findings checkov itself skipped. */
  readonly skipped: Finding[];
}

/** Read and validate `//.policy_suppressions` of a stack document (absent: none). */
export function readSuppressions(doc: Record<string, any>, file: string): Suppression[] {
  const raw = doc['//']?.policy_suppressions;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new PolicySetupError(`${file}: "//".policy_suppressions must be a list`);
  return raw.map((entry: any, i: number) => {
    const where = `${file}: "//".policy_suppressions[${i}]`;
    for (const key of ['check_id', 'resource', 'reason']) {
      if (typeof entry?.[key] !== 'string' || entry[key].trim() === '') {
        throw new PolicySetupError(`${where} has no ${key}: record suppressions with PolicySuppressions.add(scope, checkId, reason)`);
      }
    }
    if (!/^[A-Za-z0-9_-]+\.[^.]+$/.test(entry.resource)) {
      throw new PolicySetupError(`${where}: resource "${entry.resource}" is not <type>.<logical id>`);
    }
    return {
      checkId: entry.check_id,
      resource: entry.resource,
      constructPath: typeof entry.construct_path === 'string' ? entry.construct_path : '',
      reason: entry.reason.trim(),
      scope: typeof entry.scope === 'string' ? entry.scope : entry.resource,
    };
  });
}

/** The allowlist key of a check on a resource. */
export function allowlistKey(checkId: string, resource: string): string {
  return `${checkId} ${resource}`;
}

/** Build the allowlist: one entry per (check, resource); the first reason wins for duplicates. */
export function toAllowlist(suppressions: readonly Suppression[]): Map<string, Suppression> {
  const allowlist = new Map<string, Suppression>();
  for (const s of suppressions) {
    const key = allowlistKey(s.checkId, s.resource);
    if (!allowlist.has(key)) allowlist.set(key, s);
  }
  return allowlist;
}

/** Split findings into passed, failures, warnings, suppressed and skipped; list suppressions that matched nothing. */
export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[]): Decisions {
  const allowlist = toAllowlist(suppressions);
  const used = new Set<string>();
  const decisions: Decisions = { passed: [], failures: [], warnings: [], suppressed: [], unused: [], skipped: [] };
  for (const finding of findings) {
    if (finding.verdict === 'passed') decisions.passed.push(finding);
    else if (finding.verdict === 'skipped') decisions.skipped.push(finding);
    else {
      const key = allowlistKey(finding.checkId, finding.resource);
      const suppression = allowlist.get(key);
      if (suppression) {
        used.add(key);
        decisions.suppressed.push({ finding, suppression });
      } else if (finding.severity === 'warning') {
        decisions.warnings.push(finding);
      } else {
        decisions.failures.push(finding);
      }
    }
  }
  const usedScopes = new Set([...allowlist].filter(([key]) => used.has(key)).map(([, s]) => scopeKey(s)));
  const reported = new Set<string>();
  for (const suppression of allowlist.values()) {
    const key = scopeKey(suppression);
    if (usedScopes.has(key) || reported.has(key)) continue;
    reported.add(key);
    decisions.unused.push(suppression);
  }
  return decisions;
}

/** One `PolicySuppressions.add` call: a check on a scope. */
function scopeKey(s: Suppression): string {
  return `${s.checkId} ${s.scope}`;
}
