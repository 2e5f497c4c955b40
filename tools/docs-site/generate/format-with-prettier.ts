import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Format generated pages exactly as `prettier --check` (npm run lint) will judge them, with the
 * repository's config. Prettier runs as its own process on a temporary copy: its Node API loads
 * plugins with dynamic import, which Jest's module sandbox refuses, and the freshness test must
 * format the same way the generator does.
 */
export function formatWithPrettier(repo: string, pages: ReadonlyMap<string, string>): Map<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-docs-generate-'));
  try {
    for (const [file, text] of pages) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    execFileSync(
      process.execPath,
      [
        path.join(repo, 'node_modules/prettier/bin/prettier.cjs'),
        '--config',
        path.join(repo, '.prettierrc.json'),
        '--log-level',
        'warn',
        '--write',
        dir,
      ],
      { stdio: 'pipe' },
    );
    return new Map([...pages.keys()].map((file) => [file, fs.readFileSync(path.join(dir, file), 'utf8')]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
