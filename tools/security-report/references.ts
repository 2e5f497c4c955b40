/**
 * Control references used by the threat model and the compliance mapping, checked against the
 * code so a renamed check, alert or prop fails the report instead of leaving a stale document.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { POLICY_RULES } from '../../constructs/core/policy-pack/catalog';
import { RUNBOOK_DIR } from '../../constructs/core/runbooks';
import { SIGNALS } from '../../constructs/security-monitoring/security-signals';

const BUILT_IN = /^CKV2?_GCP_\d+$/;

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Why `ref` does not resolve, or undefined when it does. */
export function checkReference(repoRoot: string, ref: string): string | undefined {
  if (ref.startsWith('CKV_CONVAI_')) return POLICY_RULES.some((r) => r.id === ref) ? undefined : `${ref} is not in POLICY_RULES`;
  if (BUILT_IN.test(ref)) return undefined;
  if (ref.startsWith('alert:')) {
    const name = ref.slice('alert:'.length);
    if (!Object.values(SIGNALS).some((s) => s.name === name)) return `${ref}: no SecurityMonitoring signal "${name}"`;
    return fs.existsSync(path.join(repoRoot, RUNBOOK_DIR, `${name}.md`))
      ? undefined
      : `${ref}: runbook ${RUNBOOK_DIR}/${name}.md is missing`;
  }
  const setting = /^setting:([A-Z][A-Za-z]+)\.([a-zA-Z]+)$/.exec(ref);
  if (setting) {
    const [, construct, member] = setting;
    const files = tsFiles(path.join(repoRoot, 'constructs'));
    const home = files.find((f) => new RegExp(`export class ${construct}\\b`).test(fs.readFileSync(f, 'utf8')));
    if (!home) return `${ref}: no construct ${construct}`;
    const folder = files.filter((f) => path.dirname(f) === path.dirname(home));
    return folder.some((f) => new RegExp(`\\b${member}\\b`).test(fs.readFileSync(f, 'utf8')))
      ? undefined
      : `${ref}: ${construct} has no prop or member "${member}"`;
  }
  return `${ref}: unknown reference kind (use CKV_…, alert:<name> or setting:<Construct>.<prop>)`;
}

/** Throw listing every reference that does not resolve. */
export function assertReferences(repoRoot: string, refs: readonly string[]): void {
  const broken = [...new Set(refs)].map((r) => checkReference(repoRoot, r)).filter((x): x is string => x !== undefined);
  if (broken.length > 0) throw new Error(`security report: broken control references:\n  - ${broken.join('\n  - ')}`);
}
