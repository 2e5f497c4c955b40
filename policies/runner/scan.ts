/**
 * Run checkov once over one folder with the project's config, writing JSON, SARIF and JUnit XML.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Checkov } from './checkov';
import { PolicySetupError } from './errors';

/** The checkov config shared by CI and humans, relative to the repository root. */
export const CONFIG_FILE = path.join('policies', 'checkov.yaml');

export interface ScanOptions {
  readonly checkov: Checkov;
  /** Repository root: checkov runs here, so the config's relative paths resolve. */
  readonly repoRoot: string;
  /** The folder to scan (`-d`). */
  readonly target: string;
  /** Where checkov writes results_json.json, results_sarif.sarif and results_junitxml.xml. */
  readonly outputDir: string;
}

export interface ScanOutput {
  /** Parsed results_json.json. */
  readonly json: unknown;
  readonly jsonFile: string;
  readonly sarifFile: string;
  readonly junitFile: string;
  /** checkov's exit status: 0 all passed, 1 some failed (our gate decides after suppressions). */
  readonly status: number;
  /** checkov's log (stderr): built-in checks that crash on a resource log there and are left out. */
  readonly log: string;
}

export function runCheckov(options: ScanOptions): ScanOutput {
  fs.mkdirSync(options.outputDir, { recursive: true });
  const args = [
    '--config-file',
    path.join(options.repoRoot, CONFIG_FILE),
    '-d',
    options.target,
    '-o',
    'json',
    '-o',
    'sarif',
    '-o',
    'junitxml',
    '--output-file-path',
    options.outputDir,
  ];
  const run = spawnSync(options.checkov.bin, args, {
    cwd: options.repoRoot,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 15 * 60_000,
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', PYTHONWARNINGS: 'ignore' },
  });
  const log = `${run.stderr ?? ''}`;
  const jsonFile = path.join(options.outputDir, 'results_json.json');
  if (run.error || (run.status !== 0 && run.status !== 1) || !fs.existsSync(jsonFile)) {
    const tail = log.trim().split('\n').slice(-15).join('\n');
    throw new PolicySetupError(
      `checkov failed on ${options.target} (exit ${run.status ?? run.signal ?? run.error?.message}):\n${tail}\n` +
        `command: ${options.checkov.bin} ${args.join(' ')}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  } catch (err) {
    throw new PolicySetupError(`checkov wrote unreadable JSON to ${jsonFile}: ${(err as Error).message}`);
  }
  return {
    json,
    jsonFile,
    sarifFile: path.join(options.outputDir, 'results_sarif.sarif'),
    junitFile: path.join(options.outputDir, 'results_junitxml.xml'),
    status: run.status ?? 0,
    log,
  };
}
