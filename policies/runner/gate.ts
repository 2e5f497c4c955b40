/**
 * The policy gate over every synthesized stack: prepare, scan with checkov, apply the
 * suppressions allowlist, write the reports. `main.ts` turns the result into an exit code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { locateCheckov, type Checkov } from './checkov';
import { PolicySetupError } from './errors';
import { findStacks, prepareStack } from './prepare';
import { annotateJunit, annotateSarif, writeSummaries, type GateSummary, type StackReport } from './reports';
import { indexResources, parseCheckovJson } from './results';
import { runCheckov } from './scan';
import { applySuppressions, readSuppressions } from './suppressions';

/** Built-in checks known to crash on terraform_json, and the check of our pack that stands in. */
const COVERED_BY: Record<string, string> = { CKV_GCP_73: 'CKV_CONVAI_11' };

export interface GateOptions {
  /** Package (repository) root: holds policies/checkov.yaml, policies/checks and the constraints file. */
  readonly repoRoot: string;
  /** The venv to find or install checkov in. @default - `.venv-checkov/` under repoRoot */
  readonly venvDir?: string;
  /** Folder with one `<stack>/cdk.tf.json` per stack. */
  readonly stacksDir: string;
  /** Where reports go. */
  readonly reportsDir: string;
  /** Scan only these stacks (folder names under stacksDir). @default - every stack */
  readonly only?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** A checkov already located (tests); else `locateCheckov`. */
  readonly checkov?: Checkov;
}

export interface GateResult {
  /** True when no stack has an unsuppressed failure of `error` severity (warnings do not count). */
  readonly ok: boolean;
  readonly summary: GateSummary;
  readonly summaryFiles: { readonly markdown: string; readonly json: string };
}

export async function runGate(options: GateOptions): Promise<GateResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const found = findStacks(options.stacksDir);
  const unknown = (options.only ?? []).filter((name) => !found.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new PolicySetupError(
      `no stack named ${unknown.join(', ')} in ${options.stacksDir}; stacks there: ${found.map((s) => s.name).join(', ')}`,
    );
  }
  const stacks = options.only && options.only.length > 0 ? found.filter((s) => options.only!.includes(s.name)) : found;
  const checkov = options.checkov ?? (await locateCheckov({ repoRoot: options.repoRoot, venvDir: options.venvDir, env: options.env, log }));
  const reports: StackReport[] = [];
  for (const stack of stacks) {
    const stackDir = path.join(options.reportsDir, stack.name);
    fs.rmSync(stackDir, { recursive: true, force: true });
    const prepared = prepareStack(stack, path.join(stackDir, 'scanned'));
    const suppressions = readSuppressions(prepared.doc, stack.file);
    const scan = runCheckov({ checkov, repoRoot: options.repoRoot, target: prepared.scanDir, outputDir: path.join(stackDir, 'checkov') });
    const index = indexResources(prepared.doc, prepared.text);
    const results = parseCheckovJson(scan.json, (file) => (file === '/cdk.tf.json' ? index : undefined));
    if (results.parsingErrors.length > 0) {
      throw new PolicySetupError(
        `checkov could not parse ${results.parsingErrors.join(', ')} (copy of ${stack.file}), so no check ran on stack ${stack.name}; ` +
          `see its log with \`${checkov.bin} -d ${prepared.scanDir} --framework terraform_json\``,
      );
    }
    const decisions = applySuppressions(results.findings, suppressions);
    // checkov logs a check that crashes on a resource (e.g. CKV_GCP_73 on a Cloud Armor policy) and
    // leaves it out of the results: keep the log and surface those, or they vanish silently.
    fs.writeFileSync(path.join(stackDir, 'checkov', 'checkov.log'), scan.log);
    const warnings = [...scan.log.matchAll(/Failed to run check (\S+) on (\S+)/g)].map(
      (m) =>
        `checkov could not run ${m[1]} on ${m[2].replace(/^.*:/, '')}` +
        (COVERED_BY[m[1]] ? `; our ${COVERED_BY[m[1]]} checks the same thing` : '') +
        ` (see ${path.join(stackDir, 'checkov', 'checkov.log')})`,
    );
    for (const w of warnings) log(`warning: ${stack.name}: ${w}`);
    const sarifFile = path.join(options.reportsDir, `${stack.name}.sarif`);
    const junitFile = path.join(options.reportsDir, `${stack.name}.junit.xml`);
    if (fs.existsSync(scan.sarifFile)) {
      const sarif = annotateSarif(JSON.parse(fs.readFileSync(scan.sarifFile, 'utf8')), decisions.suppressed, [
        ...decisions.failures,
        ...decisions.warnings,
      ]);
      fs.writeFileSync(sarifFile, `${JSON.stringify(sarif, null, 2)}\n`);
    }
    if (fs.existsSync(scan.junitFile)) {
      fs.writeFileSync(
        junitFile,
        annotateJunit(fs.readFileSync(scan.junitFile, 'utf8'), decisions.suppressed, [...decisions.failures, ...decisions.warnings]),
      );
    }
    reports.push({
      stack: stack.name,
      file: stack.file,
      scannedFile: prepared.scanFile,
      changes: prepared.changes,
      warnings,
      decisions,
      suppressions,
      sarifFile,
      junitFile,
      checkovJsonFile: scan.jsonFile,
    });
    log(
      `${stack.name}: ${decisions.passed.length} passed, ${decisions.failures.length} failed (error), ${decisions.warnings.length} warned (warning), ` +
        `${decisions.suppressed.length} suppressed, ${decisions.unused.length} unused suppressions`,
    );
  }
  const summary: GateSummary = { checkovVersion: checkov.version, stacks: reports };
  const summaryFiles = writeSummaries(options.reportsDir, summary);
  return { ok: reports.every((r) => r.decisions.failures.length === 0), summary, summaryFiles };
}
