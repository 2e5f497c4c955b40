import * as fs from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { PUPPETEER_GLOBAL } from './puppeteer-global';

/** puppeteer-core as loaded by chromium-environment.ts (Jest cannot load it in the test's sandbox). */
function puppeteer(): typeof import('puppeteer-core') {
  const loaded = (globalThis as Record<string, unknown>)[PUPPETEER_GLOBAL];
  if (!loaded)
    throw new Error('puppeteer-core is not loaded: add the docblock "@jest-environment ./test/tools/support/chromium-environment.ts"');
  return loaded as typeof import('puppeteer-core');
}

/**
 * Real headless Chromium for the report tests: Debian's `chromium` package, which
 * scripts/ensure-test-servers.sh installs (npm test's pretest, and .ci/run). Missing Chromium is a
 * failure with the fix in the message, never a skip: a skipped browser test proves nothing.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The analytics report test opens the report in a real headless browser: ` +
        `install it with "sudo apt-get install -y chromium" (Debian/Ubuntu; "bash scripts/ensure-test-servers.sh" does it), ` +
        `or point CHROMIUM_PATH at a Chromium/Chrome binary.`,
    );
  }
  return puppeteer().launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Chromium refuses to start its sandbox as root (CI containers run as root).
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage'],
  });
}

/** A page that may load file: URLs only, recording everything that went wrong while it ran. */
export interface OfflinePage {
  readonly page: Page;
  /** Console errors (CSP violations included) and uncaught exceptions. */
  readonly errors: string[];
  /** Non-file requests the page attempted (all refused). */
  readonly blocked: string[];
  /** alert/confirm/prompt dialogs opened: script ran that should not have. */
  readonly dialogs: string[];
}

export async function offlinePage(browser: Browser, options: { javaScript?: boolean } = {}): Promise<OfflinePage> {
  const page = await browser.newPage();
  const result: OfflinePage = { page, errors: [], blocked: [], dialogs: [] };
  await page.setJavaScriptEnabled(options.javaScript ?? true);
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url().startsWith('file:')) return void request.continue();
    result.blocked.push(request.url());
    void request.abort('internetdisconnected');
  });
  page.on('console', (message) => {
    if (message.type() === 'error') result.errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => result.errors.push(`page error: ${(error as Error).message ?? String(error)}`));
  page.on('dialog', (dialog) => {
    result.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return result;
}

export interface CanvasPaint {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Pixels with any opacity: Chart.js draws on a transparent canvas, so a blank one has none. */
  readonly painted: number;
  /** Fully opaque pixels of exactly each requested colour (bars and point markers are drawn in it). */
  readonly exact: Record<string, number>;
}

/** Read back every canvas's pixels with getImageData. `colors` are `#rrggbb`. */
export async function canvasPaint(page: Page, colors: readonly string[] = []): Promise<CanvasPaint[]> {
  const wanted = colors.map(
    (hex) => [hex, parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)] as const,
  );
  return page.$$eval(
    'canvas',
    (canvases, rgb) =>
      canvases.map((canvas) => {
        const { width, height } = canvas;
        const exact: Record<string, number> = Object.fromEntries(rgb.map(([hex]) => [hex, 0]));
        let painted = 0;
        if (width > 0 && height > 0) {
          const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3] === 0) continue;
            painted++;
            if (data[i + 3] !== 255) continue;
            for (const [hex, r, g, b] of rgb) if (data[i] === r && data[i + 1] === g && data[i + 2] === b) exact[hex]++;
          }
        }
        return { id: canvas.id, width, height, painted, exact };
      }),
    wanted,
  );
}

/** The rows of the table with this caption, each as its cells' text (row header first). */
export async function tableRows(page: Page, caption: string): Promise<string[][]> {
  const rows = await page.$$eval(
    'table',
    (tables, wanted) => {
      const table = tables.find((t) => t.querySelector('caption')?.textContent === wanted);
      return table ? [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent ?? '')) : null;
    },
    caption,
  );
  if (rows === null) throw new Error(`no table captioned "${caption}"`);
  return rows;
}
