import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The docs link to source files (`constructs/core/policy-pack/catalog.ts`), folders
 * (`constructs/scalable-webhook/`) and READMEs of folders (`examples/pipelines/`). Those links are
 * right in the repository, where the Markdown also lives, but the site has no page for a `.ts`
 * file. This decides, for each relative link, what it becomes in the site: a page (left to
 * VitePress), a folder's README page, or the file on the repository host. A link to something
 * that does not exist is left alone, so VitePress's dead-link check fails the build on it.
 */

export type LinkTarget =
  | { readonly kind: 'page' }
  | { readonly kind: 'readme-page'; readonly href: string }
  | { readonly kind: 'source'; readonly href: string }
  | { readonly kind: 'missing' };

export interface SourceLinkOptions {
  readonly repo: string;
  /** Repository-relative paths of the Markdown files that are site pages. */
  readonly pages: ReadonlySet<string>;
  /** Where source files are browsed, e.g. `https://github.com/acme/convai/blob/main`. */
  readonly sourceBase: string;
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:|^\/\//i;

/** What a link in `fromFile` (repository-relative) to `href` points at in the site. */
export function resolveLink(fromFile: string, href: string, o: SourceLinkOptions): LinkTarget | undefined {
  if (!href || href.startsWith('#') || href.startsWith('/') || EXTERNAL.test(href)) return undefined;
  const [target, hash = ''] = href.split(/(?=#)/);
  const rel = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), decodeURI(target)));
  if (rel.startsWith('..')) return { kind: 'missing' };
  const relNoSlash = rel.replace(/\/$/, '');
  if (o.pages.has(relNoSlash)) return { kind: 'page' };
  const absolute = path.join(o.repo, relNoSlash);
  if (!fs.existsSync(absolute)) return { kind: 'missing' };
  if (fs.statSync(absolute).isDirectory()) {
    const readme = `${relNoSlash}/README.md`;
    if (o.pages.has(readme)) {
      const fromDir = path.posix.dirname(fromFile);
      return { kind: 'readme-page', href: path.posix.relative(fromDir, readme) + hash };
    }
    return { kind: 'source', href: `${o.sourceBase.replace(/\/blob\//, '/tree/')}/${relNoSlash}${hash}` };
  }
  return { kind: 'source', href: `${o.sourceBase}/${relNoSlash}${hash}` };
}

interface Token {
  type: string;
  attrGet(name: string): string | null;
  attrSet(name: string, value: string): void;
  children: Token[] | null;
}
interface MarkdownIt {
  core: { ruler: { push(name: string, rule: (state: { tokens: Token[]; env: Record<string, unknown> }) => void): void } };
}

/** A markdown-it plugin applying resolveLink to every link before VitePress renders it. */
export function sourceLinksPlugin(o: SourceLinkOptions) {
  return (md: MarkdownIt): void => {
    md.core.ruler.push('convai_source_links', (state) => {
      const absolute = (state.env.realPath ?? state.env.path) as string | undefined;
      if (!absolute) return;
      const fromFile = path.relative(o.repo, absolute).split(path.sep).join('/');
      const visit = (tokens: Token[]) => {
        for (const token of tokens) {
          if (token.children) visit(token.children);
          if (token.type !== 'link_open') continue;
          const target = resolveLink(fromFile, token.attrGet('href') ?? '', o);
          if (target?.kind === 'readme-page' || target?.kind === 'source') token.attrSet('href', target.href);
        }
      };
      visit(state.tokens);
    });
  };
}

/** The repository's browse URL for files on the main branch, from package.json, overridable by DOCS_SOURCE_URL. */
export function sourceBase(repo: string): string {
  if (process.env.DOCS_SOURCE_URL) return process.env.DOCS_SOURCE_URL.replace(/\/$/, '');
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  const url = String(pkg.repository?.url ?? pkg.repository ?? '')
    .replace(/^git\+/, '')
    .replace(/\.git$/, '');
  return `${url}/blob/main`;
}
