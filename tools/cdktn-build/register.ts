/**
 * `node -r build/tools/cdktn-build/register.js app.js`: run code written against cdktf under CDK Terrain,
 * with the same import mapping the build applies to the source (`cdktf` → `cdktn`, the @cdktf provider
 * deep imports → our bindings), resolved from the pinned toolchain in builds/cdktn. `constructs` maps
 * too: cdktn's constructs must be the only one in the process, or `instanceof Construct` fails.
 * Used to synthesize the reference app (stacks/) under cdktn for the equal-JSON check, the policy gate
 * and the Terraform tier, without a second copy of stacks/.
 */
import Module from 'node:module';
import * as path from 'node:path';
import { TOOLCHAIN_DIR } from './config';
import { mapModule } from './import-mapping';

type Resolve = (request: string, parent: unknown, ...rest: unknown[]) => string;
const mod = Module as unknown as { _resolveFilename: Resolve };
const original = mod._resolveFilename;
const toolchainModules = path.join(TOOLCHAIN_DIR, 'node_modules');
/** True while resolving a mapped name from the toolchain: that resolution comes back through the hook. */
let resolving = false;
const resolveFromToolchain = (request: string): string => {
  resolving = true;
  try {
    return require.resolve(request, { paths: [TOOLCHAIN_DIR] });
  } finally {
    resolving = false;
  }
};

mod._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]): string {
  if (resolving) return original.call(this, request, parent, ...rest);
  const mapped = mapModule(request);
  if (mapped !== undefined) return resolveFromToolchain(mapped);
  const from = (parent as { filename?: string } | undefined)?.filename ?? '';
  if (request === 'constructs' && !from.startsWith(toolchainModules)) return resolveFromToolchain('constructs');
  return original.call(this, request, parent, ...rest);
};
