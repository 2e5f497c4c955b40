/**
 * The least-privilege and secret-hygiene scan over synthesized stacks, shared by the test that
 * gates it (test/stacks/iam-and-secrets-scan.test.ts) and the security report.
 *
 * IAM: every `*_iam_member` / `*_iam_binding` / `*_iam_policy` resource, who gets which role on
 * what. Violations: basic roles, public members, service account keys, secret values in the JSON.
 * Secret material: checkov's secrets framework (detect-secrets plugins), not a regex list of ours.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PUBLIC_MEMBERS } from '../../constructs/core/public-members';
import type { Checkov } from '../../policies/runner/checkov';

export type Json = Record<string, any>;

/** Roles that grant everything of a kind on everything below them: never used here. */
export const BASIC_ROLES: readonly string[] = ['roles/owner', 'roles/editor', 'roles/viewer'];
/** Where a grant's target is named, by attribute, most specific first. */
const TARGET_ATTRIBUTES = [
  'secret_id',
  'crypto_key_id',
  'key_ring_id',
  'topic',
  'subscription',
  'bucket',
  'service_account_id',
  'name',
  'instance',
  'project',
  'folder',
  'org_id',
];

export interface IamGrant {
  /** `<type>.<logical id>` of the grant resource. */
  readonly resource: string;
  readonly type: string;
  /** What the grant is on, e.g. `${google_secret_manager_secret.x.id}`, `project`. */
  readonly target: string;
  readonly role: string;
  readonly members: string[];
}

/** Every IAM grant the stack creates, sorted for stable output. */
export function iamGrants(doc: Json): IamGrant[] {
  const grants: IamGrant[] = [];
  for (const [type, byName] of Object.entries<Record<string, Json>>(doc.resource ?? {})) {
    if (!/_iam_(member|binding|policy)$/.test(type)) continue;
    for (const [name, block] of Object.entries(byName)) {
      const targetKey = TARGET_ATTRIBUTES.find((k) => typeof block[k] === 'string');
      const location = typeof block.location === 'string' ? ` (${block.location})` : '';
      const members: string[] = Array.isArray(block.members) ? block.members : block.member !== undefined ? [block.member] : [];
      const policyRoles = type.endsWith('_iam_policy') ? ['(authoritative policy)'] : [];
      grants.push({
        resource: `${type}.${name}`,
        type,
        target: targetKey ? `${targetKey}=${block[targetKey]}${location}` : '(provider project)',
        role: block.role ?? policyRoles[0] ?? '(none)',
        members,
      });
    }
  }
  return grants.sort((a, b) => a.resource.localeCompare(b.resource));
}

/** Every least-privilege or secret-hygiene violation in a synthesized stack, as readable lines. */
export function postureViolations(doc: Json): string[] {
  const problems: string[] = [];
  for (const g of iamGrants(doc)) {
    if (BASIC_ROLES.includes(g.role)) problems.push(`${g.resource}: basic role ${g.role}; grant a predefined role on the resource instead`);
    if (g.type.endsWith('_iam_policy') || g.type.endsWith('_iam_binding')) {
      problems.push(
        `${g.resource}: authoritative ${g.type.endsWith('_policy') ? 'policy' : 'binding'}; grants must be additive (*_iam_member)`,
      );
    }
    for (const m of g.members.filter((x) => PUBLIC_MEMBERS.includes(x))) problems.push(`${g.resource}: public member ${m}`);
  }
  for (const name of Object.keys(doc.resource?.google_service_account_key ?? {})) {
    problems.push(`google_service_account_key.${name}: service account keys are not allowed`);
  }
  for (const [name, v] of Object.entries<Json>(doc.resource?.google_secret_manager_secret_version ?? {})) {
    if (v.secret_data !== undefined)
      problems.push(`google_secret_manager_secret_version.${name}: secret_data puts the value in state and JSON`);
  }
  return problems;
}

export interface SecretFinding {
  readonly file: string;
  readonly checkId: string;
  readonly checkName: string;
  readonly lines: number[];
}

/**
 * Run checkov's secrets framework over files (name → text). Returns every finding; throws when
 * checkov does not produce results, so a broken scanner never reads as "no secrets".
 */
export function scanForSecrets(checkov: Checkov, files: Record<string, string>): SecretFinding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-scan-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const run = spawnSync(checkov.bin, ['-d', dir, '--framework', 'secrets', '--compact', '--skip-download', '-o', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0 && run.status !== 1) throw new Error(`checkov secrets scan exited ${run.status}: ${run.stderr}`);
    const parsed = JSON.parse(run.stdout);
    const reports: Json[] = Array.isArray(parsed) ? parsed : [parsed];
    // With nothing to report checkov prints a bare summary without results.
    if (!reports.every((r) => r.check_type === 'secrets' || r.passed !== undefined))
      throw new Error(`unexpected checkov output: ${run.stdout.slice(0, 300)}`);
    return reports
      .flatMap((r) => r.results?.failed_checks ?? [])
      .map((c: Json) => ({
        file: String(c.file_path).replace(/^\//, ''),
        checkId: c.check_id,
        checkName: c.check_name,
        lines: c.file_line_range,
      }))
      .sort((a: SecretFinding, b: SecretFinding) => `${a.file}${a.lines[0]}`.localeCompare(`${b.file}${b.lines[0]}`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
