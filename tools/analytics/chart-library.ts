import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Chart.js's UMD build (sets `window.Chart`), read from the installed package to be inlined in
 * the page: the report must open with no network. The package's `exports` do not list the UMD
 * file, so it is found next to the CommonJS entry point.
 */
export function chartLibrarySource(): string {
  const file = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js');
  // The source map is not shipped alongside the report; a dangling reference would only make noise.
  const source = fs.readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  // Inside <script>, "</script" ends the element and "<!--" changes parsing: refuse rather than rewrite code.
  if (/<\/script|<!--/i.test(source)) throw new Error(`${file} contains "</script" or "<!--" and cannot be inlined`);
  return source;
}
