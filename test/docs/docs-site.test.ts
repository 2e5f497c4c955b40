/**
 * @jest-environment ./test/tools/support/chromium-environment.ts
 *
 * The documentation site as a reader gets it: built with VitePress into a temporary folder, served
 * from 127.0.0.1 the way a static host serves clean URLs, and opened in real headless Chromium with
 * every request to another origin refused (the site must work offline). Checked: the home page
 * renders; every built page is reached by following links from the home page; local search finds
 * the page a reader means; diagrams render to SVG; the walkthrough player plays; and linkinator, a
 * real link checker, finds no broken link or fragment.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from '../tools/support/headless-chromium';
import { StaticSite, serveStaticSite } from './support/static-site-server';

const REPO = path.resolve(__dirname, '../..');

/**
 * What a reader types, and the page that must come up in the first results. Add a row when a page
 * is written for a question people ask (troubleshooting pages, the knowledge base).
 */
const SEARCHES: ReadonlyArray<{ readonly query: string; readonly page: string }> = [
  // Troubleshooting is indexed by symptom: a timeout a user sees is a degraded reason there.
  { query: 'webhook timeout', page: '/docs/troubleshooting/degraded-replies' },
  { query: 'CKV_CONVAI_2', page: '/docs/reference/policy-catalog' },
  { query: 'restore backup', page: '/docs/disaster_recovery/procedures' },
  { query: 'WEBHOOK_BUDGET_MS', page: '/docs/reference/environment-variables' },
  { query: 'circuit breaker open', page: '/docs/monitoring/runbooks/nlp-breaker-open' },
];
/** How far down the result list the page may be. */
const SEARCH_TOP = 5;

/** Pages with Mermaid diagrams, and how many each has. */
const DIAGRAM_PAGES: Record<string, number> = {
  '/docs/diagrams/platform-resources': 3,
  '/docs/diagrams/request-path': 1,
  '/docs/diagrams/data-flows': 2,
};

interface ReaderPage {
  readonly page: Page;
  readonly errors: string[];
  readonly offsite: string[];
}

/** A tab that may load only the local site; console errors, failed loads, page errors and refused requests are kept. */
async function readerPage(browser: Browser, site: StaticSite): Promise<ReaderPage> {
  const page = await browser.newPage();
  const result: ReaderPage = { page, errors: [], offsite: [] };
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url().startsWith(site.url) || request.url().startsWith('data:')) return void request.continue();
    result.offsite.push(request.url());
    void request.abort('internetdisconnected');
  });
  page.on('console', (m) => {
    if (m.type() === 'error') result.errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) result.errors.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => result.errors.push(`page error: ${(e as Error).message ?? String(e)}`));
  return result;
}

/** Every page the build wrote, as the clean URL that serves it. */
function builtPages(outDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(outDir, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.html') && rel !== '404.html')
        out.push('/' + rel.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, ''));
    }
  };
  walk('');
  return out.sort();
}

describe('documentation site in headless Chromium', () => {
  let browser: Browser;
  let outDir: string;
  let site: StaticSite;

  beforeAll(async () => {
    browser = await launchChromium(); // first: no browser is a failure with the install command, not a skip
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-docs-site-'));
    execFileSync(process.execPath, [path.join(REPO, 'node_modules/vitepress/bin/vitepress.js'), 'build', 'docs', '--outDir', outDir], {
      cwd: REPO,
      stdio: 'pipe',
      timeout: 280_000,
    });
    site = await serveStaticSite(outDir);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  test('the home page renders its title and the four kinds of documentation, offline', async () => {
    const { page, errors, offsite } = await readerPage(browser, site);
    const response = await page.goto(`${site.url}/`, { waitUntil: 'networkidle0' });
    expect(response?.status()).toBe(200);
    expect(await page.$eval('.VPHero .name', (e) => e.textContent?.trim())).toBe('convai-platform');
    const nav = await page.$$eval('.VPNavBarMenu a', (links) => links.map((a) => [a.textContent?.trim(), a.getAttribute('href')]));
    expect(nav).toEqual([
      ['Tutorials', '/docs/tutorials/'],
      ['How-to guides', '/docs/how-to/'],
      ['Reference', '/docs/reference/'],
      ['Explanation', '/docs/explanation/'],
    ]);
    expect({ errors, offsite }).toEqual({ errors: [], offsite: [] });
    await page.close();
  });

  test('every built page is reached by following links from the home page', async () => {
    const { page, errors, offsite } = await readerPage(browser, site);
    const expected = builtPages(outDir);
    expect(expected.length).toBeGreaterThan(50);
    const seen = new Set<string>(['/']);
    const queue = ['/'];
    const notOk: string[] = [];
    while (queue.length) {
      const current = queue.shift()!;
      const response = await page.goto(site.url + current, { waitUntil: 'domcontentloaded' });
      if (response?.status() !== 200) notOk.push(`${current}: ${response?.status()}`);
      const hrefs = await page.$$eval('a[href]', (links) => links.map((a) => a.getAttribute('href') ?? ''));
      for (const raw of hrefs) {
        const href = new URL(raw, page.url()).href;
        if (!href.startsWith(site.url)) continue;
        const { pathname } = new URL(href);
        if (pathname.startsWith('/assets/')) continue; // downloads (casts), checked by the link checker
        const clean = pathname.replace(/\.html$/, '').replace(/\/index$/, '/');
        if (!seen.has(clean)) {
          seen.add(clean);
          queue.push(clean);
        }
      }
    }
    expect(notOk).toEqual([]);
    expect([...seen].sort()).toEqual(expected);
    expect({ errors, offsite }).toEqual({ errors: [], offsite: [] });
    await page.close();
  }, 180_000);

  test.each(SEARCHES.map((s) => [s.query, s.page] as const))('searching "%s" finds %s', async (query, expectedPage) => {
    const { page, errors, offsite } = await readerPage(browser, site);
    await page.goto(`${site.url}/`, { waitUntil: 'networkidle0' });
    await page.keyboard.press('/');
    await page.waitForSelector('#localsearch-input', { visible: true });
    await page.type('#localsearch-input', query);
    // Results arrive after a debounce; wait until they are for this query.
    await page.waitForFunction('document.querySelectorAll(".VPLocalSearchBox .results .result").length > 0', { timeout: 15_000 });
    const hrefs = await page.$$eval('.VPLocalSearchBox .results .result', (links) => links.map((a) => a.getAttribute('href') ?? ''));
    const results = hrefs.map((href) => new URL(href, site.url).pathname.replace(/\.html$/, ''));
    const pages = results.filter((p, i) => results.indexOf(p) === i);
    expect({ query, top: pages.slice(0, SEARCH_TOP) }).toEqual({ query, top: expect.arrayContaining([expectedPage]) });
    expect({ errors, offsite }).toEqual({ errors: [], offsite: [] });
    await page.close();
  });

  test.each(Object.entries(DIAGRAM_PAGES))('%s renders its %i Mermaid diagram(s) to SVG', async (url, count) => {
    const { page, errors, offsite } = await readerPage(browser, site);
    await page.goto(site.url + url, { waitUntil: 'networkidle0' });
    await page.waitForFunction(`document.querySelectorAll('.mermaid svg').length >= ${count}`, { timeout: 30_000 });
    const svgs = await page.$$eval('.mermaid svg', (list) =>
      list.map((svg) => ({
        shapes: svg.querySelectorAll('g.node, g.actor, rect.actor, .messageText').length,
        text: svg.textContent ?? '',
      })),
    );
    expect(svgs).toHaveLength(count);
    for (const svg of svgs) {
      expect(svg.shapes).toBeGreaterThan(2);
      expect(svg.text).not.toMatch(/Syntax error/i);
    }
    expect({ errors, offsite }).toEqual({ errors: [], offsite: [] });
    await page.close();
  });

  test('a walkthrough page plays its recording in the bundled player', async () => {
    const { page, errors, offsite } = await readerPage(browser, site);
    await page.goto(`${site.url}/docs/walkthroughs/runtime-turn`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('.asciinema-cast .ap-player', { timeout: 15_000 });
    await page.click('.asciinema-cast .ap-player');
    await page.waitForFunction(`(document.querySelector('.asciinema-cast .ap-term')?.textContent ?? '').includes('curl')`, {
      timeout: 30_000,
    });
    expect({ errors, offsite }).toEqual({ errors: [], offsite: [] });
    await page.close();
  }, 60_000);

  test('linkinator finds no broken link or fragment on the served site', async () => {
    // Asynchronously: the site is served from this process, which must stay free to answer.
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          path.join(REPO, 'node_modules/linkinator/build/src/cli.js'),
          `${site.url}/`,
          '--recurse',
          '--check-fragments',
          // Links to the repository host and the wider web cannot be reached offline; everything local is checked.
          '--skip',
          `^(?!${site.url.replace(/[.]/g, '\\.')})`,
          '--format',
          'json',
        ],
        { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
        // linkinator exits 1 when it finds broken links; its JSON report says which.
        (error, out) => (out ? resolve({ stdout: out }) : reject(error ?? new Error('linkinator wrote no report'))),
      ),
    );
    const report = JSON.parse(stdout) as { links: Array<{ url: string; state: string; status?: number; parent?: string }> };
    const checked = report.links.filter((l) => l.state !== 'SKIPPED');
    expect(checked.length).toBeGreaterThan(100);
    const broken = report.links.filter((l) => l.state === 'BROKEN').map((l) => `${l.url} (${l.status}) on ${l.parent}`);
    expect(broken).toEqual([]);
  }, 150_000);
});
