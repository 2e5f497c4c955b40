import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../../../policies/runner/main';
import { parseCommandLine } from '../../cli-args';
import { runCli } from '../../cli-main';
import { formatWithPrettier } from '../generate/format-with-prettier';
import { serializeCast } from './cast';
import { recordScript } from './recorder';
import { WALKTHROUGHS } from './walkthroughs';
import { walkthroughPage } from './walkthrough-page';

/**
 * `npm run docs:record [-- --only a,b] [--ci] [--out-dir DIR]`: record the walkthroughs in a real
 * terminal and write their casts and pages (docs/walkthroughs/ under DIR, the repository by
 * default). `--ci` records only the walkthroughs cheap enough for every CI run. Exits 1 when any
 * recorded script failed: a walkthrough never shows a command that no longer works; 2 on bad usage.
 */
const USAGE = 'usage: npm run docs:record -- [--only a,b] [--ci] [--out-dir DIR]';

interface RecordOptions {
  readonly only?: string[];
  readonly ci: boolean;
  readonly outDir?: string;
}

function parseOptions(argv: string[]): RecordOptions {
  const { values } = parseCommandLine(argv, { only: { type: 'string' }, ci: { type: 'boolean' }, 'out-dir': { type: 'string' } }, USAGE);
  const only = (values.only as string | undefined)?.split(',');
  const unknown = (only ?? []).filter((n) => !WALKTHROUGHS.some((w) => w.name === n));
  if (unknown.length)
    throw new Error(`no walkthrough named ${unknown.join(', ')}; known: ${WALKTHROUGHS.map((w) => w.name).join(', ')}\n${USAGE}`);
  return { only, ci: values.ci === true, outDir: values['out-dir'] as string | undefined };
}

async function main({ only, ci, outDir: outDirOption }: RecordOptions): Promise<void> {
  const repo = findRepoRoot(__dirname);
  const outDir = path.resolve(outDirOption ?? repo);
  const selected = WALKTHROUGHS.filter((w) => (only ? only.includes(w.name) : ci ? w.inCi : true));
  const scripts = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const dir = path.join(outDir, 'docs/walkthroughs');
  fs.mkdirSync(path.join(dir, 'casts'), { recursive: true });
  // Pages are formatted as `prettier --check` (npm run lint) expects them.
  const writePage = (file: string, text: string) => {
    const rel = path.relative(outDir, file);
    fs.writeFileSync(file, formatWithPrettier(repo, new Map([[rel, text]])).get(rel)!);
  };
  let failed = 0;
  for (const w of selected) {
    const page = path.join(dir, `${w.name}.md`);
    if (w.requiresNpmScript && !scripts[w.requiresNpmScript]) {
      const reason = `Skipped: \`npm run ${w.requiresNpmScript}\` does not exist in this version.`;
      console.log(`${w.name}: ${reason}`);
      fs.rmSync(path.join(dir, 'casts', `${w.name}.cast`), { force: true });
      writePage(page, walkthroughPage(w, undefined, reason));
      continue;
    }
    console.log(`${w.name}: recording ${w.script} ...`);
    const cast = await recordScript({ repo, script: w.script, title: w.title, timeoutMs: w.timeoutMinutes * 60_000 });
    const { exit_code: code, wall_seconds: wall } = cast.header.convai;
    console.log(`${w.name}: exit ${code} after ${wall} s (${cast.events.length} output events)`);
    if (code !== 0) {
      failed++;
      console.error(`${w.name}: ${w.script} exited ${code}; not written. Its output:\n${cast.events.map((e) => e[2]).join('')}`);
      continue;
    }
    fs.writeFileSync(path.join(dir, 'casts', `${w.name}.cast`), serializeCast(cast));
    writePage(page, walkthroughPage(w, cast));
  }
  if (failed) process.exitCode = 1;
}

runCli('docs:record', parseOptions, main);
