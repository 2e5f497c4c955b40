/**
 * Each custom check, run by the real (pinned) checkov over its pass and fail fixtures: the exact
 * check id must pass on every resource of `pass.tf.json` and fail on every one of `fail.tf.json`,
 * with exactly one result per resource (checkov's YAML solvers drop UNKNOWN results silently, so
 * "no result" must not count as a pass).
 */
import { POLICY_RULES } from '../../constructs/core/policy-pack/catalog';
import { CHECKOV_TIMEOUT_MS, fixtureFiles, resourcesOf, scanFixtures, type FixtureScan } from './fixture-scan';

let scan: FixtureScan;

beforeAll(async () => {
  scan = await scanFixtures();
}, CHECKOV_TIMEOUT_MS);

test('checkov is the pinned version and parsed every fixture', () => {
  expect(scan.checkov.version).toBe('3.3.30');
  expect(scan.parsingErrors).toEqual([]);
});

test('every rule has a pass and a fail fixture, each with resources of its types', () => {
  const files = fixtureFiles();
  for (const rule of POLICY_RULES) {
    for (const expected of ['pass', 'fail'] as const) {
      const fixture = files.find((f) => f.checkId === rule.id && f.expected === expected);
      expect({ rule: rule.id, expected, found: !!fixture }).toEqual({ rule: rule.id, expected, found: true });
      expect(resourcesOf(fixture!, rule.resourceTypes).length).toBeGreaterThan(0);
    }
  }
});

test('resource names are unique across all fixtures (one scan, one graph)', () => {
  const names = fixtureFiles().flatMap((f) =>
    Object.values<Record<string, unknown>>(f.doc.resource ?? {}).flatMap((byName) => Object.keys(byName)),
  );
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
});

describe.each(POLICY_RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  test.each(['pass', 'fail'] as const)(`checkov ${id} on %s.tf.json`, (expected) => {
    const fixture = fixtureFiles().find((f) => f.checkId === id && f.expected === expected)!;
    const verdicts = resourcesOf(fixture, rule.resourceTypes).map((r) => {
      const results = scan.resultsFor(id, r.file, `${r.type}.${r.name}`);
      return { resource: `${r.type}.${r.name}`, verdicts: results.map((f) => f.verdict) };
    });
    const want = expected === 'pass' ? 'passed' : 'failed';
    expect(verdicts).toEqual(verdicts.map((v) => ({ resource: v.resource, verdicts: [want] })));
  });
});
