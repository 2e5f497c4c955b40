/**
 * The site's pages and navigation come from the folders and frontmatter, never from a hand-kept
 * list: every Markdown page under docs/ and training/ must be in the sidebar exactly once, and a
 * page added anywhere under docs/ must show up without touching the site configuration.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CATEGORY_LANDING,
  HOME_PAGE,
  SidebarItem,
  excludedMarkdown,
  markdownFiles,
  pageLink,
  pageTitle,
  sidebar,
  sitePages,
} from '../../tools/docs-site/site-pages';

const REPO = path.resolve(__dirname, '../..');

function sidebarLinks(items: readonly SidebarItem[]): string[] {
  return items.flatMap((item) => [...(item.link ? [item.link] : []), ...sidebarLinks(item.items ?? [])]);
}

/** A throwaway repository with the given Markdown files (path → content). */
function scratchRepo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-docs-nav-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('the repository’s pages', () => {
  const pages = sitePages(REPO);
  const links = sidebarLinks(sidebar(pages));

  test('every Markdown file under docs/ and training/ is a page', () => {
    const underRoots = markdownFiles(REPO).filter((f) => f.startsWith('docs/') || f.startsWith('training/'));
    expect(underRoots.length).toBeGreaterThan(30);
    expect(pages.map((p) => p.file)).toEqual(expect.arrayContaining(underRoots));
  });

  test('every page but the home is in the sidebar exactly once', () => {
    const expected = pages.filter((p) => p.file !== HOME_PAGE).map((p) => p.link);
    const counts = new Map<string, number>();
    for (const link of links) counts.set(link, (counts.get(link) ?? 0) + 1);
    const wrong = expected.filter((link) => counts.get(link) !== 1).map((link) => `${link}: ${counts.get(link) ?? 0}`);
    expect(wrong).toEqual([]);
    expect(new Set(links)).toEqual(new Set(expected));
  });

  test('runbooks are how-to guides, generated reference pages reference, training tutorials', () => {
    const category = (file: string) => pages.find((p) => p.file === file)?.category;
    expect(category('docs/monitoring/runbooks/slo-latency-burn.md')).toBe('how-to');
    expect(category('docs/reference/policy-catalog.md')).toBe('reference');
    expect(category('training/README.md')).toBe('tutorial');
    expect(category('docs/architecture.md')).toBe('explanation');
  });

  test('what is not a page is excluded from VitePress, and nothing under docs/ is', () => {
    const excluded = excludedMarkdown(REPO);
    expect(excluded.filter((f) => f.startsWith('docs/') || f.startsWith('training/'))).toEqual([]);
    for (const page of pages) expect(excluded).not.toContain(page.file);
    // Reports written by npm run policy and friends land in output folders, which are excluded as a whole.
    expect(excluded).toEqual(expect.arrayContaining(['**/reports/**', '**/cdktf.out/**', '**/node_modules/**']));
  });
});

describe('pages added later appear without configuration', () => {
  const landings = Object.fromEntries(Object.values(CATEGORY_LANDING).map((f) => [f, '# landing\n']));

  test('by frontmatter first, then by folder, in a group named after the folder', () => {
    const repo = scratchRepo({
      ...landings,
      [HOME_PAGE]: '---\nlayout: home\n---\n',
      'docs/troubleshooting/webhook-timeouts.md': '# Webhook timeouts\n',
      'docs/knowledge-base/faq.md': '---\ntitle: Support FAQ\n---\n\nText.\n',
      'docs/decisions/0001-cdktf.md': '---\ndiataxis: explanation\ngroup: Decision log\norder: 1\n---\n# ADR 1: CDK for Terraform\n',
      'docs/new-area/thing.md': '# Something new\n',
      'docs/operations/howto.md': '---\ndiataxis: reference\n---\n# Actually reference\n',
      'runtime/src/notes.md': '# not a page\n',
    });
    try {
      const tree = sidebar(sitePages(repo));
      const find = (category: string, group: string) =>
        tree
          .find((c) => c.text === category)
          ?.items?.find((g) => g.text === group)
          ?.items?.map((i) => [i.text, i.link]);
      expect(find('How-to guides', 'Troubleshooting')).toEqual([['Webhook timeouts', '/docs/troubleshooting/webhook-timeouts']]);
      expect(find('How-to guides', 'Knowledge base')).toEqual([['Support FAQ', '/docs/knowledge-base/faq']]);
      expect(find('Explanation', 'Decision log')).toEqual([['ADR 1: CDK for Terraform', '/docs/decisions/0001-cdktf']]);
      expect(find('Explanation', 'New area')).toEqual([['Something new', '/docs/new-area/thing']]);
      expect(find('Reference', 'Operations')).toEqual([['Actually reference', '/docs/operations/howto']]);
      expect(excludedMarkdown(repo)).toContain('runtime/src/notes.md');
      expect(excludedMarkdown(repo).filter((f) => f.startsWith('docs/'))).toEqual([]);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  test('an unknown diataxis value fails naming the file and the allowed values', () => {
    const repo = scratchRepo({ 'docs/x.md': '---\ndiataxis: guide\n---\n# X\n' });
    try {
      expect(() => sitePages(repo)).toThrow(
        'docs/x.md: frontmatter diataxis: "guide" is not one of tutorial, how-to, reference, explanation',
      );
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('titles and links', () => {
  test('title from frontmatter, else the first heading without Markdown, skipping code blocks', () => {
    expect(pageTitle('a.md', '---\ntitle: From frontmatter\n---\n# Heading\n')).toBe('From frontmatter');
    expect(pageTitle('a.md', '```sh\n# a shell comment\n```\n\n# The `ScalableWebhook` [construct](x.md)\n')).toBe(
      'The ScalableWebhook construct',
    );
    expect(pageTitle('docs/no-heading.md', 'text only')).toBe('no-heading');
  });

  test('clean URLs; index pages are their folder; the home page is the root', () => {
    expect(pageLink('docs/operations/deploy.md')).toBe('/docs/operations/deploy');
    expect(pageLink('docs/how-to/index.md')).toBe('/docs/how-to/');
    expect(pageLink(HOME_PAGE)).toBe('/');
  });
});
