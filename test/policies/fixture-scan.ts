/**
 * Shared by the policy tests: the hand-written fixtures and one real checkov run over all of them.
 *
 * Fixtures live in `fixtures/<check id>/{pass,fail}.tf.json`: every resource of the rule's types in
 * `pass` must pass the check, every one in `fail` must fail it. Resource names are unique across
 * the whole set, because one checkov run scans them all and its graph links references by name.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateCheckov, type Checkov } from '../../policies/runner/checkov';
import { indexResources, parseCheckovJson, type Finding, type ResourceIndex } from '../../policies/runner/results';
import { runCheckov } from '../../policies/runner/scan';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES_DIR = path.join(__dirname, 'fixtures');
export const CHECKS_DIR = path.join(REPO_ROOT, 'policies', 'checks');
/** Installing .venv-checkov takes ~30 s on a warm pip cache; leave room for a cold one. */
export const CHECKOV_TIMEOUT_MS = 10 * 60_000;

export type Expected = 'pass' | 'fail';

export interface FixtureResource {
  readonly checkId: string;
  readonly expected: Expected;
  /** As checkov prints the file: `/<check id>/<pass|fail>.tf.json`. */
  readonly file: string;
  readonly type: string;
  readonly name: string;
  readonly block: Record<string, any>;
}

export interface FixtureFile {
  readonly checkId: string;
  readonly expected: Expected;
  readonly file: string;
  readonly path: string;
  readonly doc: Record<string, any>;
  readonly text: string;
}

export function fixtureFiles(): FixtureFile[] {
  return fs
    .readdirSync(FIXTURES_DIR)
    .sort()
    .flatMap((checkId) =>
      (['pass', 'fail'] as const)
        .map((expected) => ({ checkId, expected, path: path.join(FIXTURES_DIR, checkId, `${expected}.tf.json`) }))
        .filter((f) => fs.existsSync(f.path))
        .map((f) => {
          const text = fs.readFileSync(f.path, 'utf8');
          return { ...f, file: `/${f.checkId}/${f.expected}.tf.json`, text, doc: JSON.parse(text) as Record<string, any> };
        }),
    );
}

/** Every resource in a fixture whose type is in `types`. */
export function resourcesOf(fixture: FixtureFile, types: readonly string[]): FixtureResource[] {
  return Object.entries<Record<string, Record<string, any>>>(fixture.doc.resource ?? {})
    .filter(([type]) => types.includes(type))
    .flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, block]) => ({
        checkId: fixture.checkId,
        expected: fixture.expected,
        file: fixture.file,
        type,
        name,
        block,
      })),
    );
}

export interface FixtureScan {
  readonly checkov: Checkov;
  readonly findings: Finding[];
  readonly parsingErrors: string[];
  /** Results of `checkId` on `<type>.<name>` in `file`. */
  resultsFor(checkId: string, file: string, resource: string): Finding[];
}

/** Locate (or install) the pinned checkov and scan every fixture once. */
export async function scanFixtures(): Promise<FixtureScan> {
  const checkov = await locateCheckov({ repoRoot: REPO_ROOT, log: () => undefined });
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-fixtures-'));
  try {
    const scan = runCheckov({ checkov, repoRoot: REPO_ROOT, target: FIXTURES_DIR, outputDir });
    const indexes = new Map<string, ResourceIndex>(fixtureFiles().map((f) => [f.file, indexResources(f.doc, f.text)]));
    const { findings, parsingErrors } = parseCheckovJson(scan.json, (file) => indexes.get(file));
    return {
      checkov,
      findings,
      parsingErrors,
      resultsFor: (checkId, file, resource) => findings.filter((f) => f.checkId === checkId && f.file === file && f.resource === resource),
    };
  } finally {
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
}
