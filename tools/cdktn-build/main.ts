import { PROVIDERS } from './config';
import { buildLibrary } from './library-build';
import { ensureToolchain } from './toolchain';
import { ensureBinding, installBinding } from './provider-bindings';

/**
 * `npm run build:cdktn`: the CDK Terrain build of the library from the same source.
 *   1. the pinned toolchain (builds/cdktn/package.json: `npm ci` in builds/cdktn/.work/toolchain when its lock file changed);
 *   2. the provider bindings, from the cache or generated from the mirror's providers and packed;
 *   3. the library: constructs/ through the import mapping into builds/cdktn/.work/toolchain/package/src, jsii,
 *      jsii-docgen (builds/cdktn/API.md, committed), the policy gate's CLI.
 * `npm run build:cdktn -- bindings` stops after step 2.
 */
function main(argv: string[]): void {
  const only = argv[0];
  if (argv.length > 1 || (only !== undefined && only !== 'bindings')) {
    console.error('usage: npm run build:cdktn [-- bindings]');
    process.exit(2);
  }
  const started = Date.now();
  ensureToolchain();
  for (const provider of PROVIDERS) installBinding(provider, ensureBinding(provider));
  if (only !== 'bindings') buildLibrary();
  console.log(`cdktn build: done in ${Math.round((Date.now() - started) / 1000)} s`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error(`build:cdktn: ${(e as Error).message}`);
  process.exitCode = 1;
}
