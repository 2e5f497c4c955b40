/**
 * No import cycles in the code we ship or run: madge (pinned) builds the real module graph of
 * every TypeScript file under the folders below, type-only imports included (a type cycle is still
 * two modules that cannot be understood apart), and the test fails on any cycle it finds. The
 * same graph shows the reference app (`stacks/`) reaching the library only through its public
 * entry point, so the app exercises the published API.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// madge ships no type declarations; this is the part of its API the test uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const madge = require('madge') as (
  paths: string | string[],
  config: Record<string, unknown>,
) => Promise<{ obj(): Record<string, string[]>; circular(): string[][]; warnings(): { skipped: string[] } }>;

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FOLDERS = ['constructs', 'runtime/src', 'tools', 'policies', 'stacks'];

const key = (cycle: readonly string[]): string => cycle.join(' > ');

async function graph(dir: string, paths: string[]) {
  return madge(
    paths.map((p) => path.join(dir, p)),
    {
      baseDir: dir,
      fileExtensions: ['ts'],
      tsConfig: path.join(dir, 'tsconfig.json'),
      detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
    },
  );
}

test('madge finds a cycle where there is one (the test below can fail)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cycles-'));
  try {
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs' } }));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'a.ts'), "import type { B } from './b';\nexport interface A { b?: B }\n");
    fs.writeFileSync(path.join(dir, 'src', 'b.ts'), "import { A } from './a';\nexport interface B { a?: A }\n");
    expect((await graph(dir, ['src'])).circular()).toEqual([['src/a.ts', 'src/b.ts']]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test(`no import cycle in ${FOLDERS.join(', ')}`, async () => {
  const result = await graph(REPO_ROOT, FOLDERS);
  // A file madge could not resolve would hide the cycles through it.
  expect(result.warnings().skipped).toEqual([]);
  expect(Object.keys(result.obj()).length).toBeGreaterThan(200);
  expect(result.circular().map(key)).toEqual([]);
});

test('the reference app imports the library through its public entry point only', async () => {
  const deps = (await graph(REPO_ROOT, ['stacks'])).obj();
  const deepImports = Object.entries(deps).flatMap(([file, imports]) =>
    file.startsWith('stacks/')
      ? imports.filter((d) => d.startsWith('constructs/') && d !== 'constructs/index.ts').map((d) => `${file} -> ${d}`)
      : [],
  );
  expect(deepImports).toEqual([]);
  expect(deps['stacks/webhook-platform-stack.ts']).toContain('constructs/index.ts');
});
