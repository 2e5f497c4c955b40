import { TestEnvironment } from 'jest-environment-node';
import { PUPPETEER_GLOBAL } from './puppeteer-global';

/**
 * Jest's Node environment plus puppeteer-core, for the files that drive headless Chromium
 * (docblock `@jest-environment ./test/tools/support/chromium-environment.ts`).
 *
 * puppeteer-core 25 ships ES modules only. Node 22 loads those with `require` (require(esm)), but
 * Jest's module registry does not before Node 24.9, and it wraps `node:module` and
 * `process.getBuiltinModule` so tests cannot reach Node's own loader. The environment runs outside
 * the sandbox: it loads the package with Node's require and hands it to the test as a global.
 */
export default class ChromiumEnvironment extends TestEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.global[PUPPETEER_GLOBAL] = require('puppeteer-core');
  }
}
