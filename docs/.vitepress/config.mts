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
/** A speech bubble: the site's icon. */
const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#3451b2" d="M4 5h24a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H13l-7 6v-6H4a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z"/></svg>';

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
    // Offline: nothing may be fetched from another origin when a reader opens the site. The icon is
    // inline so browsers do not ask for /favicon.ico, which the site does not have.
    head: [['link', { rel: 'icon', type: 'image/svg+xml', href: `data:image/svg+xml,${encodeURIComponent(ICON)}` }]],
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
      search: {
        provider: 'local',
        options: {
          miniSearch: {
            options: {
              // Identifiers are what people search for here (CKV_CONVAI_2, WEBHOOK_BUDGET_MS): index each
              // whole, and its parts, so both "CKV_CONVAI_2" and "webhook budget" find it. VitePress ships
              // this function to the browser as source text, so it must not use anything from outside.
              tokenize: (text: string) =>
                text
                  .split(/[^\p{L}\p{N}_]+/u)
                  .filter(Boolean)
                  .flatMap((word) => (word.includes('_') ? [word, ...word.split('_').filter(Boolean)] : [word])),
            },
          },
        },
      },
      outline: [2, 3],
    },
    mermaid: {
      // System fonts only: nothing is fetched, and they are there when Mermaid measures its labels
      // (a web font still loading then would leave labels cut off).
      fontFamily: 'ui-sans-serif, system-ui, sans-serif',
      securityLevel: 'strict',
    },
    vite: {
      // API.md and the reference pages are large; the warning is about download size, not an error.
      build: { chunkSizeWarningLimit: 4096 },
    },
  }),
);
