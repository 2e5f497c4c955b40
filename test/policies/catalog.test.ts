/**
 * The catalog (synth-time evaluators) and the checkov pack (CI) must be the same rules:
 * one check file per id and back, the same titles, resource types and severities, and on every
 * fixture block (one table, `fixtures/<id>/`, drives both) the TypeScript evaluator says what
 * checkov says. A `resource` rule without its evaluator, or any rule without its check, fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LABELLED_TYPES } from '../../constructs/core/policy-pack/labels';
import { POLICY_AREAS, POLICY_RULES } from '../../constructs/core/policy-pack/catalog';
import type { PolicySeverity } from '../../constructs/core/policy-pack/policy-rule';
import { PRODUCTION_ENVS, REQUIRED_LABELS } from '../../constructs/core/label-conventions';
import { CHECKOV_TIMEOUT_MS, CHECKS_DIR, fixtureFiles, resourcesOf, scanFixtures, type FixtureScan } from './fixture-scan';

interface CheckFile {
  readonly file: string;
  readonly kind: 'yaml' | 'python';
  readonly text: string;
  readonly id?: string;
  readonly name?: string;
  /** checkov's severity name the check declares (YAML `metadata.severity`, Python `SEVERITY`). */
  readonly severity?: string;
}

/** The catalog severity in checkov's terms (checkov turns HIGH into SARIF error, MEDIUM into warning). */
const CHECKOV_SEVERITY: Record<PolicySeverity, string> = { error: 'HIGH', warning: 'MEDIUM' };

function checkFiles(): CheckFile[] {
  return fs
    .readdirSync(CHECKS_DIR)
    .filter((f) => /^CKV.*\.(ya?ml|py)$/.test(f))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(CHECKS_DIR, file), 'utf8');
      if (file.endsWith('.py')) {
        return {
          file,
          kind: 'python' as const,
          text,
          id: /\bid="([^"]+)"/.exec(text)?.[1],
          name: /\bname="([^"]+)"/.exec(text)?.[1],
          severity: /^SEVERITY = "([A-Z]+)"$/m.exec(text)?.[1],
        };
      }
      return {
        file,
        kind: 'yaml' as const,
        text,
        id: /^\s+id:\s*(\S+)\s*$/m.exec(text)?.[1],
        name: /^\s+name:\s*(.+?)\s*$/m.exec(text)?.[1],
        severity: /^ {2}severity: ([A-Z]+)$/m.exec(text)?.[1],
      };
    });
}

/** A `KEY = [...]` list of strings in a Python check. */
function pythonList(text: string, key: string): string[] | undefined {
  const m = new RegExp(`^${key} = [\\[(]([^\\])]*)[\\])]`, 'm').exec(text);
  return m ? [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]) : undefined;
}

/** Resource types a YAML check judges: the filter's values for connection checks, else every `resource_types`. */
function yamlTypes(text: string): string[][] {
  const filter = /cond_type: filter\s*\n\s*attribute: resource_type\s*\n\s*value:\s*\[([^\]]*)\]/.exec(text);
  const lists = filter ? [filter[1]] : [...text.matchAll(/resource_types:\s*\[([^\]]*)\]/g)].map((m) => m[1]);
  return lists.map((l) =>
    l
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

describe('pack and catalog list the same checks', () => {
  const files = checkFiles();

  test('every check file declares an id and is named after it', () => {
    for (const f of files) {
      expect({ file: f.file, id: f.id }).toEqual({ file: f.file, id: expect.stringMatching(/^CKV_CONVAI_\d+$/) });
      expect(f.file.startsWith(`${f.id}_`)).toBe(true);
    }
  });

  test('every rule in POLICY_RULES has exactly one check file, and every check file a rule', () => {
    const ruleIds = POLICY_RULES.map((r) => r.id).sort();
    const fileIds = files.map((f) => f.id!).sort();
    expect(fileIds).toEqual(ruleIds);
    expect(new Set(fileIds).size).toBe(fileIds.length);
  });

  test.each(POLICY_RULES.map((r) => [r.id, r] as const))('%s: same title, severity and resource types', (id, rule) => {
    const f = files.find((x) => x.id === id)!;
    expect(f.name).toBe(rule.title);
    expect({ id, severity: f.severity }).toEqual({ id, severity: CHECKOV_SEVERITY[rule.severity] });
    if (f.kind === 'python') expect(f.text).toMatch(/\bself\.severity = Severities\[SEVERITY\]|\bseverity=SEVERITY,/);
    if (f.kind === 'python') {
      expect(pythonList(f.text, 'RESOURCE_TYPES')).toEqual([...rule.resourceTypes]);
    } else {
      const lists = yamlTypes(f.text);
      expect(lists.length).toBeGreaterThan(0);
      for (const types of lists) expect(types).toEqual([...rule.resourceTypes]);
    }
  });

  test('the labels check carries the catalog label set and types', () => {
    const f = files.find((x) => x.id === 'CKV_CONVAI_9')!;
    expect(pythonList(f.text, 'REQUIRED_LABELS')).toEqual([...REQUIRED_LABELS]);
    expect(pythonList(f.text, 'RESOURCE_TYPES')).toEqual([...LABELLED_TYPES]);
  });

  test('the Python checks share the catalog production envs, and the folder holds nothing but checks and that helper', () => {
    const helper = fs.readFileSync(path.join(CHECKS_DIR, 'cdktf_values.py'), 'utf8');
    expect(
      /^PRODUCTION_ENVS = \(([^)]*)\)/m
        .exec(helper)?.[1]
        .match(/"([^"]+)"/g)
        ?.map((q) => q.slice(1, -1)),
    ).toEqual([...PRODUCTION_ENVS]);
    const others = fs.readdirSync(CHECKS_DIR).filter((f) => !/^CKV/.test(f) && f !== '__pycache__');
    expect(others.sort()).toEqual(['__init__.py', 'cdktf_values.py']);
  });

  test('resource rules have a synth-time evaluator; graph rules have none and are connection checks', () => {
    for (const rule of POLICY_RULES) {
      const f = files.find((x) => x.id === rule.id)!;
      const shape = { id: rule.id, scope: rule.scope, evaluator: typeof rule.evaluate === 'function' };
      if (rule.scope === 'resource') {
        expect(shape).toEqual({ id: rule.id, scope: 'resource', evaluator: true });
      } else {
        expect(shape).toEqual({ id: rule.id, scope: 'graph', evaluator: false });
        expect({ id: rule.id, kind: f.kind, connection: /cond_type: connection/.test(f.text) }).toEqual({
          id: rule.id,
          kind: 'yaml',
          connection: true,
        });
      }
    }
  });

  test('every rule sits in exactly one area file, and ids are unique', () => {
    const listed = Object.values(POLICY_AREAS).flat();
    expect(listed.length).toBe(POLICY_RULES.length);
    expect(new Set(POLICY_RULES.map((r) => r.id)).size).toBe(POLICY_RULES.length);
  });
});

describe('synth-time evaluators agree with checkov on every fixture block', () => {
  let scan: FixtureScan;
  beforeAll(async () => {
    scan = await scanFixtures();
  }, CHECKOV_TIMEOUT_MS);

  test.each(POLICY_RULES.map((r) => [r.id, r] as const))('%s: checkov reports the catalog severity', (id, rule) => {
    const severities = new Set(scan.findings.filter((f) => f.checkId === id && f.verdict === 'failed').map((f) => f.severity));
    expect({ id, severities: [...severities] }).toEqual({ id, severities: [rule.severity] });
  });

  const withEvaluator = POLICY_RULES.filter((r) => r.evaluate);
  test.each(withEvaluator.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    const rows = fixtureFiles()
      .filter((f) => f.checkId === id)
      .flatMap((f) => resourcesOf(f, rule.resourceTypes))
      .map((r) => {
        const checkov = scan.resultsFor(id, r.file, `${r.type}.${r.name}`).map((x) => x.verdict);
        const ts = rule.evaluate!(r.block, r.type) === undefined ? 'passed' : 'failed';
        return { resource: `${r.file} ${r.type}.${r.name}`, checkov, ts };
      });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(rows.map((row) => ({ ...row, checkov: [row.ts] })));
  });
});
