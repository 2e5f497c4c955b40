/**
 * Every error a user can meet has a troubleshooting entry: each synth-time validation message of
 * the construct library, each policy check id, each `webhook_degraded_reasons` value and each
 * runtime start-up configuration error. What must be covered is collected from the code
 * (doc-sources.ts parses the sources and imports the catalog), so a new rule, check, reason or
 * variable fails this test until docs/troubleshooting/ explains it.
 *
 * Where an entry must live:
 * - synth messages: in the page under docs/troubleshooting/ whose frontmatter `sources:` lists
 *   the message's source file, as a heading containing the message key (the message up to its
 *   first ": ", interpolated values written `…`);
 * - policy check ids: a heading naming the id in docs/troubleshooting/policy-checks.md;
 * - degraded reasons: a heading naming the reason in docs/troubleshooting/degraded-replies.md;
 * - runtime configuration: a heading naming each variable, and one containing each
 *   cross-variable rule's printed line, in docs/troubleshooting/runtime-startup.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { POLICY_RULES } from '../../constructs/core/policy-pack/catalog';
import { FEATURES } from '../../runtime/src/nlp/enrichment-types';
import {
  DocPage,
  REPO_ROOT,
  TROUBLESHOOTING_DIR,
  degradedReasons,
  filesUnder,
  hasHeadingContaining,
  hasHeadingFor,
  readPage,
  returnedLiterals,
  runtimeConfig,
  synthMessages,
  policyCheckIds,
} from './doc-sources';

const pages = (): DocPage[] => filesUnder(TROUBLESHOOTING_DIR, '.md').map(readPage);
const page = (name: string): DocPage => readPage(path.join(TROUBLESHOOTING_DIR, name));
const sourcesOf = (p: DocPage): string[] => (Array.isArray(p.frontmatter.sources) ? (p.frontmatter.sources as string[]) : []);

/** The synth messages `body` has no heading for. */
function missingSynthEntries(body: string, keys: readonly string[]): string[] {
  return keys.filter((k) => !hasHeadingContaining(body, k));
}

describe('synth-time validation messages', () => {
  const messages = synthMessages();
  const byFile = new Map<string, string[]>();
  for (const m of messages) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m.key]);

  test('the collector finds the rule tables (a parser change must not silently collect nothing)', () => {
    expect(messages.length).toBeGreaterThan(150);
    expect(byFile.get('constructs/scalable-webhook/scalable-webhook-rules.ts')).toContain('image "…" is not a full reference');
    expect(byFile.get('constructs/scalable-webhook/cloud-run-sizing.ts')).toContain('memory "…" is not a quantity');
  });

  test('every source file with messages is claimed by exactly one troubleshooting page', () => {
    const claims = new Map<string, string[]>();
    for (const p of pages()) for (const s of sourcesOf(p)) claims.set(s, [...(claims.get(s) ?? []), p.file]);
    const problems = [...byFile.keys()]
      .filter((file) => (claims.get(file) ?? []).length !== 1)
      .map((file) => `${file}: claimed by ${JSON.stringify(claims.get(file) ?? [])} (list it in exactly one page's frontmatter sources:)`);
    const stale = [...claims.keys()]
      .filter((s) => !byFile.has(s))
      .map((s) => `${s}: listed in sources: but has no messages (or does not exist)`);
    expect([...problems, ...stale]).toEqual([]);
  });

  test('every message has an entry in its page', () => {
    const missing: string[] = [];
    for (const p of pages()) {
      for (const file of sourcesOf(p)) {
        for (const key of missingSynthEntries(p.body, byFile.get(file) ?? []))
          missing.push(`${p.file}: no heading containing \`${key}\` (${file})`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('removing an entry is detected', () => {
    const p = pages().find((x) => sourcesOf(x).length > 0)!;
    const key = byFile.get(sourcesOf(p)[0])![0];
    const without = p.body
      .split('\n')
      .filter((line) => !(line.startsWith('#') && line.replace(/`/g, '').includes(key)))
      .join('\n');
    expect(missingSynthEntries(without, [key])).toEqual([key]);
  });
});

describe('policy check ids', () => {
  const ids = policyCheckIds(POLICY_RULES.map((r) => r.id));

  test('the catalog, the checkov pack and the built-ins our constructs name are all collected', () => {
    expect(ids).toEqual(expect.arrayContaining(['CKV_CONVAI_1', 'CKV_CONVAI_51', 'CKV_CONVAI_32', 'CKV_GCP_79']));
  });

  test('every id has a heading in policy-checks.md', () => {
    const body = page('policy-checks.md').body;
    expect(ids.filter((id) => !hasHeadingFor(body, id))).toEqual([]);
  });

  test('a heading for CKV_CONVAI_10 does not count for CKV_CONVAI_1', () => {
    expect(hasHeadingFor('## CKV_CONVAI_10 deletion protection', 'CKV_CONVAI_1')).toBe(false);
    expect(hasHeadingFor('## CKV_CONVAI_1: ingress', 'CKV_CONVAI_1')).toBe(true);
  });
});

describe('webhook_degraded_reasons values', () => {
  const kinds = returnedLiterals('runtime/src/resilience/dependency-guard.ts', 'failureKind');
  // How to expand the templated reasons: `nlp-${kind}` over the guard's failure kinds,
  // `nlp-${f}-unavailable` over the Natural Language features.
  const { reasons, unexpanded } = degradedReasons({ kind: kinds, f: FEATURES });

  test('every templated reason could be expanded (teach the test any new placeholder)', () => {
    expect(unexpanded).toEqual([]);
    expect(reasons).toEqual(
      expect.arrayContaining(['nlp-timeout', 'nlp-open', 'handler-error', 'response-truncated', 'nlp-moderation-unavailable']),
    );
  });

  test('every reason has a heading in degraded-replies.md', () => {
    const body = page('degraded-replies.md').body;
    expect(reasons.filter((r) => !hasHeadingFor(body, r))).toEqual([]);
  });
});

describe('runtime start-up configuration errors', () => {
  const { variables, issues } = runtimeConfig();

  test('the schema is found', () => {
    expect(variables).toEqual(expect.arrayContaining(['AUTH_MODE', 'DATABASE_URL', 'WEBHOOK_BUDGET_MS']));
    expect(issues.length).toBeGreaterThan(5);
  });

  test('every variable and every cross-variable rule has an entry in runtime-startup.md', () => {
    const body = page('runtime-startup.md').body;
    const missing = [
      ...variables.filter((v) => !hasHeadingFor(body, v)).map((v) => `variable ${v}`),
      ...issues.filter((i) => !hasHeadingContaining(body, i.key)).map((i) => `rule "${i.key}"`),
    ];
    expect(missing).toEqual([]);
  });
});

test('every troubleshooting page is linked from the index', () => {
  const index = fs.readFileSync(path.join(TROUBLESHOOTING_DIR, 'index.md'), 'utf8');
  const unlinked = pages()
    .map((p) => path.relative(TROUBLESHOOTING_DIR, path.join(REPO_ROOT, p.file)))
    .filter(
      (rel) =>
        rel !== 'index.md' &&
        !index.includes(`(${rel.split(path.sep).join('/')}`) &&
        !index.includes(`(./${rel.split(path.sep).join('/')}`),
    );
  expect(unlinked).toEqual([]);
});
