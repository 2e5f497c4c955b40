/** The site's Markdown adjustments: links to source files, GitHub anchors, literal placeholders. */
import * as path from 'node:path';
import { githubSlug } from '../../tools/docs-site/github-slug';
import { isKnownTag } from '../../tools/docs-site/literal-placeholders';
import { resolveLink } from '../../tools/docs-site/source-links';

const REPO = path.resolve(__dirname, '../..');
const options = {
  repo: REPO,
  pages: new Set(['docs/architecture.md', 'examples/pipelines/README.md', 'runtime/README.md']),
  sourceBase: 'https://git.example/convai/blob/main',
};

describe('relative links in the docs', () => {
  test('a link to a page is left to VitePress', () => {
    expect(resolveLink('docs/operations/deploy.md', '../architecture.md#decisions', options)).toEqual({ kind: 'page' });
  });

  test('a folder with a README page links to that page, keeping the fragment', () => {
    expect(resolveLink('docs/architecture.md', '../examples/pipelines/#github', options)).toEqual({
      kind: 'readme-page',
      href: '../examples/pipelines/README.md#github',
    });
  });

  test('source files and folders link to the repository host', () => {
    expect(resolveLink('README.md', 'constructs/core/policy-pack/catalog.ts', options)).toEqual({
      kind: 'source',
      href: 'https://git.example/convai/blob/main/constructs/core/policy-pack/catalog.ts',
    });
    expect(resolveLink('docs/architecture.md', '../constructs/core/', options)).toEqual({
      kind: 'source',
      href: 'https://git.example/convai/tree/main/constructs/core',
    });
  });

  test('a link to nothing is reported missing (VitePress then fails the build on it)', () => {
    expect(resolveLink('docs/architecture.md', 'no-such-page.md', options)).toEqual({ kind: 'missing' });
    expect(resolveLink('docs/architecture.md', '../../outside.md', options)).toEqual({ kind: 'missing' });
  });

  test('anchors, absolute and external links are not touched', () => {
    for (const href of ['#decisions', '/docs/architecture', 'https://diataxis.fr', 'mailto:a@b.c']) {
      expect(resolveLink('docs/architecture.md', href, options)).toBeUndefined();
    }
  });
});

test('heading anchors match GitHub’s', () => {
  expect(githubSlug('1. Database: promote the DR replica')).toBe('1-database-promote-the-dr-replica');
  expect(githubSlug('Cloud Run or GKE?')).toBe('cloud-run-or-gke');
  expect(githubSlug('SLOs, alerts and the SLA report')).toBe('slos-alerts-and-the-sla-report');
  expect(githubSlug('The `convai-policy` command — in CI')).toBe('the-convai-policy-command--in-ci');
});

test('placeholders are text, real HTML and the site’s components are HTML', () => {
  for (const placeholder of ['<project id>', '<id>', '<path>', '<digest>', '</name>']) expect(isKnownTag(placeholder)).toBe(false);
  for (const html of ['<a name="x">', '<code>', '</code>', '<br/>', '<details>', '<AsciinemaCast :src="cast" />', '<!-- note -->']) {
    expect(isKnownTag(html)).toBe(true);
  }
});
