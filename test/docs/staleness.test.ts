/**
 * Every docs page with frontmatter says who owns it and when it was last reviewed, and that review
 * is recent. See docs/processes/documentation_maintenance.md.
 *
 * How time is handled, so the test never breaks CI on its own one day:
 * - by default a page's review date is compared with the date of the page's **last commit** (or today,
 *   for a page changed in the working tree). Time passing changes no commit, so a green main stays
 *   green; what fails is *editing* a page whose review is older than MAX_AGE_DAYS without reviewing
 *   it (bump `reviewed:` in the same change).
 * - a scheduled job sets `DOCS_REVIEW_AS_OF=today` (or a date, `2027-06-01`) to compare every page with
 *   that date instead: the failures are the pages due for review, listed with their owners.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocPage, REPO_ROOT, filesUnder, readPage } from './doc-sources';

/** A review older than this (in days) at the reference date is stale. */
export const MAX_AGE_DAYS = 180;
const DIATAXIS = ['tutorial', 'how-to', 'reference', 'explanation'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The team handles CODEOWNERS assigns anywhere. */
function codeOwners(): Set<string> {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'CODEOWNERS'), 'utf8');
  return new Set([...text.matchAll(/@[\w.-]+\/[\w.-]+/g)].map((m) => m[0]));
}

/** js-yaml reads an unquoted ISO date as a Date: give it back as YYYY-MM-DD. */
function asDateText(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return typeof value === 'string' ? value : undefined;
}

/** Everything wrong with a page's review metadata at `asOf` (YYYY-MM-DD). */
export function reviewProblems(page: DocPage, owners: Set<string>, asOf: string, maxAgeDays = MAX_AGE_DAYS): string[] {
  const fm = page.frontmatter;
  const problems: string[] = [];
  const owner = typeof fm.owner === 'string' ? fm.owner : undefined;
  if (!owner) problems.push('no owner: (a team handle from CODEOWNERS)');
  else if (!owners.has(owner)) problems.push(`owner ${owner} is not a team in CODEOWNERS`);
  if (typeof fm.title !== 'string' || fm.title.trim() === '') problems.push('no title:');
  if (fm.diataxis !== undefined && !DIATAXIS.includes(String(fm.diataxis)))
    problems.push(`diataxis: ${String(fm.diataxis)} is not one of ${DIATAXIS.join(', ')}`);
  if (page.file.startsWith('docs/knowledge-base/') && !(Array.isArray(fm.tags) && fm.tags.length > 0))
    problems.push('a knowledge-base article needs tags:');
  const reviewed = asDateText(fm.reviewed);
  if (!reviewed || !ISO_DATE.test(reviewed) || Number.isNaN(Date.parse(reviewed))) {
    problems.push(`reviewed: ${String(fm.reviewed)} is not an ISO date (YYYY-MM-DD)`);
    return problems;
  }
  const age = Math.floor((Date.parse(asOf) - Date.parse(reviewed)) / DAY_MS);
  if (age > maxAgeDays)
    problems.push(`reviewed ${reviewed} is ${age} days before ${asOf} (more than ${maxAgeDays}): review the page (owner ${owner ?? '?'})`);
  if (age < -1) problems.push(`reviewed ${reviewed} is after ${asOf}: a review date cannot be in the future`);
  return problems;
}

const today = (): string => new Date().toISOString().slice(0, 10);

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** Pages changed in the working tree (not yet committed): their reference date is today. */
function changedInWorkingTree(): Set<string> {
  const out = git(['status', '--porcelain', '--untracked-files=all', '--', 'docs']) ?? '';
  return new Set(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3).trim().replace(/^"|"$/g, '')),
  );
}

/** The date a page is judged at: DOCS_REVIEW_AS_OF, else its last commit's date, else today. */
function referenceDate(file: string, changed: Set<string>): string {
  const asOf = process.env.DOCS_REVIEW_AS_OF;
  if (asOf) return asOf === 'today' ? today() : asOf;
  if (changed.has(file)) return today();
  const committed = git(['log', '-1', '--format=%cs', '--', file])?.trim();
  return committed || today();
}

const pages = (): DocPage[] =>
  filesUnder(path.join(REPO_ROOT, 'docs'), '.md')
    .map(readPage)
    // A site's home page (`layout: home`) is a landing page, not documentation to review.
    .filter((p) => Object.keys(p.frontmatter).length > 0 && p.frontmatter.layout !== 'home');

describe('docs review metadata', () => {
  test('every page with frontmatter has a known owner, a title and a recent review date', () => {
    const asOf = process.env.DOCS_REVIEW_AS_OF;
    if (asOf && asOf !== 'today') expect(asOf).toMatch(ISO_DATE);
    const owners = codeOwners();
    const changed = changedInWorkingTree();
    const problems = pages().flatMap((p) => reviewProblems(p, owners, referenceDate(p.file, changed)).map((x) => `${p.file}: ${x}`));
    expect(problems).toEqual([]);
  });

  test('the pages this check exists for carry frontmatter (a parser change must not silently check nothing)', () => {
    const files = pages().map((p) => p.file);
    expect(files).toEqual(
      expect.arrayContaining(['docs/troubleshooting/index.md', 'docs/knowledge-base/index.md', 'docs/operations/index.md']),
    );
  });

  describe('reviewProblems', () => {
    const owners = new Set(['@convai-platform/support']);
    const page = (frontmatter: Record<string, unknown>, file = 'docs/x.md'): DocPage => ({ file, frontmatter, body: '' });
    const ok = { title: 'T', owner: '@convai-platform/support', reviewed: '2026-06-01' };

    test('a review within the window passes; one day past it fails', () => {
      expect(reviewProblems(page(ok), owners, '2026-11-28')).toEqual([]); // 180 days
      expect(reviewProblems(page(ok), owners, '2026-11-29')[0]).toMatch(/181 days before 2026-11-29/);
    });

    test('js-yaml dates (unquoted) are read as dates', () => {
      expect(reviewProblems(page({ ...ok, reviewed: new Date('2026-06-01T00:00:00Z') }), owners, '2026-06-02')).toEqual([]);
    });

    test('missing or unknown owner, bad date, future date, bad diataxis, untagged KB article', () => {
      expect(reviewProblems(page({ ...ok, owner: undefined }), owners, '2026-06-02')).toEqual([
        'no owner: (a team handle from CODEOWNERS)',
      ]);
      expect(reviewProblems(page({ ...ok, owner: '@acme/nobody' }), owners, '2026-06-02')[0]).toMatch(/not a team in CODEOWNERS/);
      expect(reviewProblems(page({ ...ok, reviewed: '06/01/2026' }), owners, '2026-06-02')[0]).toMatch(/not an ISO date/);
      expect(reviewProblems(page(ok), owners, '2026-05-01')[0]).toMatch(/in the future/);
      expect(reviewProblems(page({ ...ok, diataxis: 'guide' }), owners, '2026-06-02')[0]).toMatch(/diataxis/);
      expect(reviewProblems(page(ok, 'docs/knowledge-base/a.md'), owners, '2026-06-02')).toEqual(['a knowledge-base article needs tags:']);
    });
  });
});
