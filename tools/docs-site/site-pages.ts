import * as fs from 'node:fs';
import * as path from 'node:path';
import { load as loadYaml } from 'js-yaml';

/**
 * Which Markdown files of the repository make up the documentation site, and where each one sits
 * in its Diátaxis navigation. Pages stay where they are in the repository (links from code and the
 * README keep working); the site's configuration and its navigation are derived from this module,
 * so a page added under docs/ or training/ appears in the sidebar without editing any config.
 */

/** The four kinds of documentation (https://diataxis.fr), in the order the navigation shows them. */
export const CATEGORIES = ['tutorial', 'how-to', 'reference', 'explanation'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_TITLES: Record<Category, string> = {
  tutorial: 'Tutorials',
  'how-to': 'How-to guides',
  reference: 'Reference',
  explanation: 'Explanation',
};

/** Each category's landing page (lists the category's pages; the top navigation links here). */
export const CATEGORY_LANDING: Record<Category, string> = {
  tutorial: 'docs/tutorials/index.md',
  'how-to': 'docs/how-to/index.md',
  reference: 'docs/reference/index.md',
  explanation: 'docs/explanation/index.md',
};

/** The site's home page; served at `/`. */
export const HOME_PAGE = 'docs/index.md';

/** Folders whose every Markdown file is a page. */
const PAGE_ROOTS = ['docs/', 'training/'];
/** Single files outside those folders that the docs link to and readers need. */
const EXTRA_PAGES = ['README.md', 'API.md', 'runtime/README.md', 'policies/README.md', 'examples/pipelines/README.md'];

/**
 * The category of a page without a `diataxis:` frontmatter key, by where it lives. First matching
 * prefix wins; a folder not listed here falls back to explanation (and still gets its own group).
 */
const FOLDER_CATEGORIES: ReadonlyArray<readonly [string, Category]> = [
  ['training/', 'tutorial'],
  ['docs/walkthroughs/', 'tutorial'],
  ['docs/tutorials/', 'tutorial'],
  ['docs/monitoring/runbooks/', 'how-to'],
  ['docs/operations/', 'how-to'],
  ['docs/troubleshooting/', 'how-to'],
  ['docs/disaster_recovery/', 'how-to'],
  ['docs/maintenance/', 'how-to'],
  ['docs/processes/', 'how-to'],
  ['docs/knowledge-base/', 'how-to'],
  ['docs/how-to/', 'how-to'],
  ['examples/', 'how-to'],
  ['docs/reference/', 'reference'],
  ['docs/constructs/', 'reference'],
  ['docs/compliance/', 'reference'],
  ['API.md', 'reference'],
  ['runtime/README.md', 'reference'],
  ['policies/README.md', 'reference'],
];

/** Group names that read better than the folder's own name. */
const GROUP_TITLES: Record<string, string> = {
  training: 'Training modules',
  'training/operations': 'Training: platform / SRE',
  'training/development': 'Training: application developer',
  'training/support': 'Training: support',
  'training/product': 'Training: designer and product owner',
  'training/knowledge_transfer': 'Knowledge transfer',
  'training/knowledge_transfer/decks': 'Knowledge-transfer decks',
  'docs/walkthroughs': 'Recorded walkthroughs',
  'docs/monitoring/runbooks': 'Alert runbooks',
  'docs/disaster_recovery': 'Disaster recovery',
  'docs/knowledge-base': 'Knowledge base',
  'examples/pipelines': 'CI/CD pipelines',
  'docs/reference': 'Generated from the code',
  'docs/diagrams': 'Architecture diagrams',
  '.': 'Project',
  runtime: 'Webhook runtime',
  policies: 'Policy gate',
  docs: 'Architecture',
};

export interface SitePage {
  /** Path from the repository root, with forward slashes: `docs/monitoring/runbooks/webhook-uptime.md`. */
  readonly file: string;
  /** URL path of the built page (clean URLs): `/docs/monitoring/runbooks/webhook-uptime`. */
  readonly link: string;
  readonly title: string;
  readonly category: Category;
  /** Sidebar group within the category. */
  readonly group: string;
  /** Sort key within the group (frontmatter `order`), then the title. */
  readonly order: number;
}

export interface SidebarItem {
  readonly text: string;
  readonly link?: string;
  readonly collapsed?: boolean;
  readonly items?: SidebarItem[];
}

/** Folders that hold dependencies or generated output, never documentation (dot folders neither). */
const NOT_SOURCE = ['node_modules', 'build', 'lib', 'dist', 'cdktf.out', 'reports', 'coverage'];

/** Every Markdown file under the repository, skipping dependencies, build output and dot folders. */
export function markdownFiles(repo: string): string[] {
  const out: string[] = [];
  const skip = new Set(NOT_SOURCE);
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
      if (entry.name.startsWith('.') || skip.has(entry.name)) continue;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

export function isSitePage(file: string): boolean {
  return PAGE_ROOTS.some((root) => file.startsWith(root)) || EXTRA_PAGES.includes(file);
}

/** The YAML frontmatter of a Markdown document, or {} when it has none. */
export function frontmatter(markdown: string): Record<string, unknown> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(markdown);
  if (!match) return {};
  const data = loadYaml(match[1]);
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

/** Frontmatter `title`, else the first level-1 heading without Markdown marks, else the file name. */
export function pageTitle(file: string, markdown: string): string {
  const fm = frontmatter(markdown);
  if (typeof fm.title === 'string') return fm.title;
  const heading = /^#\s+(.+)$/m.exec(markdown.replace(/^---[\s\S]*?\n---\n/, '').replace(/^```[\s\S]*?^```/gm, ''));
  if (heading) {
    return heading[1]
      .replace(/<[^>]+>/g, '')
      .replace(/[`*_]/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .trim();
  }
  return path.basename(file, '.md');
}

export function pageLink(file: string): string {
  if (file === HOME_PAGE) return '/';
  return '/' + file.replace(/(^|\/)index\.md$/, '$1').replace(/\.md$/, '');
}

function humanize(folder: string): string {
  const name = folder.split('/').pop() ?? folder;
  const words = name.replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Where a page sits: frontmatter `diataxis:` (and `group:`) first, its folder otherwise. */
export function classify(file: string, markdown: string): Pick<SitePage, 'category' | 'group' | 'order'> {
  const fm = frontmatter(markdown);
  let category: Category | undefined;
  if (fm.diataxis !== undefined) {
    if (!(CATEGORIES as readonly unknown[]).includes(fm.diataxis)) {
      throw new Error(`${file}: frontmatter diataxis: ${JSON.stringify(fm.diataxis)} is not one of ${CATEGORIES.join(', ')}`);
    }
    category = fm.diataxis as Category;
  }
  category ??= FOLDER_CATEGORIES.find(([prefix]) => file.startsWith(prefix))?.[1] ?? 'explanation';
  const folder = path.posix.dirname(file);
  const group = typeof fm.group === 'string' ? fm.group : (GROUP_TITLES[folder] ?? humanize(folder));
  const order = typeof fm.order === 'number' ? fm.order : Number.MAX_SAFE_INTEGER;
  return { category, group, order };
}

/** Every page of the site with its title and place in the navigation. */
export function sitePages(repo: string): SitePage[] {
  return markdownFiles(repo)
    .filter(isSitePage)
    .map((file) => {
      const markdown = fs.readFileSync(path.join(repo, file), 'utf8');
      return { file, link: pageLink(file), title: pageTitle(file, markdown), ...classify(file, markdown) };
    });
}

/**
 * What VitePress must not turn into pages (it takes every `.md` under srcDir): output folders,
 * wherever they are (a report written by `npm run policy` is not documentation), and every
 * Markdown file that is not a site page.
 */
export function excludedMarkdown(repo: string): string[] {
  return [...NOT_SOURCE.map((dir) => `**/${dir}/**`), ...markdownFiles(repo).filter((file) => !isSitePage(file))];
}

const byOrderThenTitle = (a: SitePage, b: SitePage) => a.order - b.order || a.title.localeCompare(b.title);

/** Pages of one category, grouped, groups and pages sorted; landing pages and the home are left out. */
export function categorySidebar(pages: readonly SitePage[], category: Category): SidebarItem[] {
  const landings = new Set<string>([HOME_PAGE, ...Object.values(CATEGORY_LANDING)]);
  const groups = new Map<string, SitePage[]>();
  for (const page of pages) {
    if (page.category !== category || landings.has(page.file)) continue;
    groups.set(page.group, [...(groups.get(page.group) ?? []), page]);
  }
  return [...groups.entries()]
    .sort(([a, pa], [b, pb]) => Math.min(...pa.map((p) => p.order)) - Math.min(...pb.map((p) => p.order)) || a.localeCompare(b))
    .map(([group, members]) => ({
      text: group,
      collapsed: members.length > 8,
      items: [...members].sort(byOrderThenTitle).map((p) => ({ text: p.title, link: p.link })),
    }));
}

/** One sidebar for the whole site: each category's landing page, then its groups. */
export function sidebar(pages: readonly SitePage[]): SidebarItem[] {
  return CATEGORIES.map((category) => ({
    text: CATEGORY_TITLES[category],
    link: pageLink(CATEGORY_LANDING[category]),
    items: categorySidebar(pages, category),
  }));
}

/** The top navigation: one entry per category. */
export function nav(): SidebarItem[] {
  return CATEGORIES.map((category) => ({ text: CATEGORY_TITLES[category], link: pageLink(CATEGORY_LANDING[category]) }));
}
