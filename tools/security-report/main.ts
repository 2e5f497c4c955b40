/**
 * `npm run security-report`: synthesize the reference platform, run the policy gate on it, and
 * write docs/security/audit_report.md and docs/compliance/control-mapping.md.
 *
 * Deterministic (sorted, no timestamps, default configuration): CI regenerates both files and
 * fails when `git diff --exit-code` shows them stale. Exit 0 written; 1 the gate failed (the
 * report is still written, listing the failures); 2 bad usage, a setup error or a broken control reference.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { runGate } from '../../policies/runner/gate';
import { findRepoRoot } from '../../policies/runner/main';
import { parseCommandLine } from '../cli-args';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { COMPLIANCE_CONTROLS } from './compliance-controls';
import { assertReferences } from './references';
import { auditReport, controlMapping, type StackDoc } from './report';
import { THREATS } from './threat-model';

export const AUDIT_REPORT = path.join('docs', 'security', 'audit_report.md');
export const CONTROL_MAPPING = path.join('docs', 'compliance', 'control-mapping.md');

export async function main(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  const repoRoot = findRepoRoot(__dirname);
  assertReferences(repoRoot, [...THREATS.flatMap((t) => t.controls), ...COMPLIANCE_CONTROLS.flatMap((c) => c.enforcedBy)]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'security-report-'));
  try {
    // The default configuration, not PLATFORM_CONFIG: the committed report describes the reference platform.
    const app = new App({ outdir: path.join(work, 'out') });
    for (const environment of DEFAULT_CONFIG.environments) new WebhookPlatformStack(app, environment);
    app.synth();
    const stacksDir = path.join(work, 'out', 'stacks');
    const result = await runGate({ repoRoot, stacksDir, reportsDir: path.join(work, 'reports'), log });
    const stacks: StackDoc[] = DEFAULT_CONFIG.environments.map((e) => ({
      name: e.name,
      doc: JSON.parse(fs.readFileSync(path.join(stacksDir, e.name, 'cdk.tf.json'), 'utf8')),
    }));
    for (const [file, text] of [
      [AUDIT_REPORT, auditReport(result.summary, stacks)],
      [CONTROL_MAPPING, controlMapping(result.summary)],
    ] as const) {
      fs.mkdirSync(path.join(repoRoot, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(repoRoot, file), text);
      log(`wrote ${file}`);
    }
    return result.ok ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const USAGE = 'usage: npm run security-report (no arguments: it reports on the default configuration)';

if (require.main === module) {
  try {
    parseCommandLine(process.argv.slice(2), {}, USAGE);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`security report: ${(err as Error).message ?? err}\n`);
      process.exit(2);
    },
  );
}
