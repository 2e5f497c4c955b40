import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../../../policies/runner/main';
import { parseCommandLine } from '../../cli-args';
import { runCli } from '../../cli-main';
import { generateDocs } from './generate-docs';

/** `npm run docs:generate`: write the reference pages and diagrams generated from the code. Takes no arguments. */
async function main(): Promise<void> {
  const repo = findRepoRoot(__dirname);
  for (const [file, text] of generateDocs(repo)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
    console.log(`wrote ${file}`);
  }
}

runCli('docs:generate', (argv) => parseCommandLine(argv, {}, 'usage: npm run docs:generate (no arguments)'), main);
