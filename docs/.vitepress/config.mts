import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';
import { withMermaid } from 'vitepress-plugin-mermaid';
import { HOME_PAGE, excludedMarkdown, nav, sidebar, sitePages } from '../../tools/docs-site/site-pages';
import { githubSlug } from '../../tools/docs-site/github-slug';
import { literalPlaceholdersPlugin } from '../../tools/docs-site/literal-placeholders';
import { sourceBase, sourceLinksPlugin } from '../../tools/docs-site/source-links';

/**
 * The documentation site. The Markdown stays where it lives in the repository (srcDir is the
 * repository root), so `docs/...` paths in code, the README and the docs themselves stay valid;
 * pages are chosen, and the navigation built, by tools/docs-site/site-pages.ts from the folders
 * and each page's frontmatter. Build output and cache go to gitignored folders next to this file.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pages = sitePages(repo);

export default withMermaid(
  defineConfig({
    title: 'convai-platform',
    description: 'CDK for Terraform constructs and the webhook runtime for Dialogflow CX platforms on Google Cloud',
    srcDir: '..',
    srcExclude: excludedMarkdown(repo),
    rewrites: { [HOME_PAGE]: 'index.md' },
    cleanUrls: true,
    lastUpdated: false,
    // Offline: nothing may be fetched from another origin when a reader opens the site.
    head: [],
    markdown: {
      // `{...}` after text is literal in our docs (API.md writes types as `{[ key: string ]: string}`), never attributes.
      attrs: { disable: true },
      // Fragments in the docs are written against GitHub's heading anchors.
      anchor: { slugify: githubSlug },
      config: (md) => {
        md.use(literalPlaceholdersPlugin);
        md.use(sourceLinksPlugin({ repo, pages: new Set(pages.map((p) => p.file)), sourceBase: sourceBase(repo) }));
      },
    },
    themeConfig: {
      nav: nav(),
      sidebar: sidebar(pages),
      search: { provider: 'local' },
      outline: [2, 3],
    },
    mermaid: {
      // The default theme's font stack only: no web font is fetched.
      fontFamily: 'inherit',
      securityLevel: 'strict',
    },
    vite: {
      // API.md and the reference pages are large; the warning is about download size, not an error.
      build: { chunkSizeWarningLimit: 4096 },
    },
  }),
);
