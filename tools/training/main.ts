import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Entry point of `npm run training`. The checkers run the webhook runtime in process, compiled to
 * build/runtime/src/. Its dependencies are the runtime workspace's (runtime/node_modules first,
 * then the root's: lru-cache, for one, has another major there), and nothing under build/ looks in
 * runtime/node_modules. So a bare import from a compiled runtime file resolves as if from
 * runtime/src/, exactly as for the TypeScript sources (and in Jest). The hook must be in place before
 * the first runtime module loads: hence this file, and the require below instead of an import.
 */
// This file compiles to <build>/tools/training/main.js; <build> is build/, or a test's private folder in it.
const build = path.resolve(__dirname, '..', '..');
const compiledRuntime = path.join(build, 'runtime') + path.sep;
let repo = build;
while (!fs.existsSync(path.join(repo, 'cdktf.json')) && path.dirname(repo) !== repo) repo = path.dirname(repo);
const runtimeSources = [path.join(repo, 'runtime', 'src')];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('node:module') as {
  _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const bare = !request.startsWith('.') && !path.isAbsolute(request);
  if (bare && parent?.filename?.startsWith(compiledRuntime)) return require.resolve(request, { paths: runtimeSources });
  return resolve.call(this, request, parent, ...rest);
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./cli');
