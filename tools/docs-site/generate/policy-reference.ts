import * as fs from 'node:fs';
import * as path from 'node:path';
import { POLICY_RULES } from '../../../constructs/core/policy-pack/catalog';
import { cell, code, generatedPage, table } from './markdown';

/** The checkov side of a rule: its file under policies/checks and the category it declares. */
export interface CheckovCheck {
  readonly file: string;
  readonly category: string;
}

/** A Python check's category: its own, or that of the shared base class it instantiates (cdktf_values.py). */
function pythonCategory(repo: string, dir: string, text: string): string | undefined {
  const own = /CheckCategories\.([A-Z_]+)/.exec(text)?.[1];
  if (own) return own;
  const base = /from (\w+) import (\w+)/.exec(text);
  const module = base && path.join(repo, dir, `${base[1]}.py`);
  if (!base || !module || !fs.existsSync(module)) return undefined;
  const source = fs.readFileSync(module, 'utf8');
  const start = source.indexOf(`class ${base[2]}(`);
  return start < 0 ? undefined : /CheckCategories\.([A-Z_]+)/.exec(source.slice(start))?.[1];
}

/** Checkov checks of our pack by id, read from their YAML metadata or Python constructor. */
export function checkovChecks(repo: string): Map<string, CheckovCheck> {
  const dir = 'policies/checks';
  const out = new Map<string, CheckovCheck>();
  for (const name of fs.readdirSync(path.join(repo, dir)).sort()) {
    const text = fs.readFileSync(path.join(repo, dir, name), 'utf8');
    const id = /^(CKV2?_CONVAI_\d+)_/.exec(name)?.[1];
    if (!id) continue;
    const category = name.endsWith('.py') ? pythonCategory(repo, dir, text) : /^\s*category:\s*([A-Z_]+)/m.exec(text)?.[1];
    out.set(id, { file: `${dir}/${name}`, category: category ?? '' });
  }
  return out;
}

/** policies/README.md's precise statement of what each check reads, by id. */
export function checkDetails(repo: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(repo, 'policies/README.md'), 'utf8').split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    if (/^CKV2?_CONVAI_\d+$/.test(cells[1] ?? '') && cells.length >= 5) out.set(cells[1], cells[3]);
  }
  return out;
}

export function policyReferencePage(repo: string): string {
  const checks = checkovChecks(repo);
  const details = checkDetails(repo);
  const numeric = (id: string) => Number(/(\d+)$/.exec(id)?.[1] ?? 0);
  const rules = [...POLICY_RULES].sort((a, b) => numeric(a.id) - numeric(b.id));
  // One heading per rule: its anchor is the id (`#ckv_convai_2`), and search finds the rule by id.
  const sections = rules.map((rule) => {
    const check = checks.get(rule.id);
    return [
      `## ${rule.id}`,
      '',
      `**${rule.title}.**`,
      '',
      `- **What the check reads:** ${details.get(rule.id) ?? '—'}`,
      `- **Fix:** ${rule.fix}`,
      `- **Resource types:** ${rule.resourceTypes.map((t) => code(t)).join(', ')}`,
      `- **Severity:** ${rule.severity === 'error' ? 'error (fails synth and the gate)' : 'warning (reported at synth and by the gate; fails neither)'}`,
      `- **Category:** ${check?.category || '—'}`,
      `- **Runs:** ${rule.evaluate ? 'at synth (PolicyChecks) and in the CI gate' : 'in the CI gate only (needs more than one resource)'}; ` +
        (check ? `checkov check [${path.basename(check.file)}](../../${check.file})` : '**no checkov check**'),
      '',
    ].join('\n');
  });
  return [
    generatedPage({
      title: 'Policy catalog',
      order: 40,
      sources: ['constructs/core/policy-pack/', 'policies/checks/', 'policies/README.md'],
      intro:
        "The project's own policy pack. Each rule runs in checkov in CI (`npm run policy`, the `convai-policy` command); " +
        'rules that one resource can decide also run at synth time in `PolicyChecks` and fail `cdktf synth` with the ' +
        'construct path and the fix. Each rule has a severity: an unsuppressed `error` fails synth and the gate, a ' +
        '`warning` is reported (a synth warning; SARIF level warning) and fails neither. The category ' +
        "is the checkov check's own. A failure you accept is suppressed with a reason: " +
        "`PolicySuppressions.add(construct, id, reason)` (see [the policy gate's README](../../policies/README.md)).",
    }),
    table(
      ['id', 'severity', 'must hold'],
      rules.map((rule) => [`[${rule.id}](#${rule.id.toLowerCase()})`, rule.severity, cell(rule.title)]),
    ),
    '',
    ...sections,
  ].join('\n');
}
