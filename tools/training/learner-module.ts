import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from './exercise';

/**
 * The build output this tool runs from: build/ for `npm run training` (this file compiles to
 * build/tools/training/), or the private folder a test compiled it into. Learner files compile
 * next to the modules of the same build.
 */
const BUILD_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Load a learner's TypeScript file the way `tsc -p tsconfig.json` would compile it: to the mirror
 * path under the build (`.training/x/stack.ts` → `build/.training/x/stack.js`), so its relative
 * imports (`../../constructs/...`) resolve to the same compiled modules this tool uses. One copy of
 * each module matters: policy suppressions live in a WeakMap of the module that recorded them.
 *
 * Syntax errors are reported with line numbers; type errors are not checked (the checker judges
 * behaviour: what the code synthesizes or answers). A fresh copy is loaded on every call.
 */
export function loadLearnerModule<T>(file: string): T {
  const source = fs.readFileSync(file, 'utf8');
  const out = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors.map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${path.basename(file)}${where ? `:${where.line + 1}:${where.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    throw new Error(text.join('\n'));
  }
  const target = path.join(BUILD_ROOT, path.relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, out.outputText);
  delete require.cache[require.resolve(target)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the path is only known at run time
  return require(target) as T;
}
