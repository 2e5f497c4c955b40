import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../../../policies/runner/main';
import { generateDocs } from './generate-docs';

/** `npm run docs:generate`: write the reference pages and diagrams generated from the code. */
async function main(): Promise<void> {
  const repo = findRepoRoot(__dirname);
  for (const [file, text] of generateDocs(repo)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
    console.log(`wrote ${file}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
