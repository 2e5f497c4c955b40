/** The global under which chromium-environment.ts hands puppeteer-core to the test sandbox. */
export const PUPPETEER_GLOBAL = '__puppeteerCore';
