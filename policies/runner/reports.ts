/**
 * Reports: checkov's own SARIF and JUnit XML per stack, marked up with our suppressions, and a
 * summary of every stack in Markdown and JSON.
 *
 * checkov knows nothing of our allowlist, so its SARIF and JUnit list suppressed findings as
 * failures. We mark them: SARIF 2.1.0 `result.suppressions` (kind external, with the reason as
 * justification, which code-scanning UIs show as dismissed), and JUnit `<skipped>` in place of
 * `<failure>`, with the counts adjusted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from './results';
import type { Decisions, SuppressedFinding, Suppression } from './suppressions';

export interface StackReport {
  readonly stack: string;
  /** The synthesized file (cdktf.out). */
  readonly file: string;
  /** The copy checkov scanned. */
  readonly scannedFile: string;
  readonly changes: readonly string[];
  /** Checks checkov could not run (they crashed on a resource): no verdict, so worth a look. */
  readonly warnings: readonly string[];
  readonly decisions: Decisions;
  readonly suppressions: readonly Suppression[];
  readonly sarifFile: string;
  readonly junitFile: string;
  readonly checkovJsonFile: string;
}

export interface GateSummary {
  readonly checkovVersion: string;
  readonly stacks: readonly StackReport[];
}

const sameFinding = (a: Finding, checkId: string, reportedResource: string): boolean =>
  a.checkId === checkId && a.reportedResource === reportedResource;

/**
 * Mark suppressed results in a checkov SARIF document (matched by rule id and start line), and name
 * the resource, construct and severity of every failing one (in `properties` and at the end of the
 * message, which code scanning shows: the construct path is what a user finds in their code). The
 * result's `level` is the finding's severity (`error` or `warning`), whatever checkov chose.
 */
export function annotateSarif(sarif: any, suppressed: readonly SuppressedFinding[], failures: readonly Finding[] = []): any {
  for (const run of sarif?.runs ?? []) {
    for (const result of run.results ?? []) {
      const startLine = result.locations?.[0]?.physicalLocation?.region?.startLine;
      const hit = suppressed.find((s) => s.finding.checkId === result.ruleId && s.finding.lines[0] === startLine);
      if (hit) {
        result.suppressions = [{ kind: 'external', status: 'accepted', justification: hit.suppression.reason }];
        result.properties = { ...(result.properties ?? {}), resource: hit.finding.resource, constructPath: hit.suppression.constructPath };
        continue;
      }
      const failure = failures.find((f) => f.checkId === result.ruleId && f.lines[0] === startLine);
      if (failure) {
        result.level = failure.severity;
        result.properties = {
          ...(result.properties ?? {}),
          resource: failure.resource,
          severity: failure.severity,
          ...(failure.constructPath ? { constructPath: failure.constructPath } : {}),
        };
        if (typeof result.message?.text === 'string') {
          result.message.text += ` [${failure.severity}; ${failure.resource}${failure.constructPath ? `, construct ${failure.constructPath}` : ''}]`;
        }
      }
    }
  }
  return sarif;
}

/**
 * One SARIF document for all stacks (for a single code-scanning upload): one run per stack, each
 * with its own `automationDetails.id` (`convai-policy/<stack>/`), because code scanning refuses
 * several runs of one tool in one upload unless their categories differ. Locations are rewritten to
 * the scanned copy relative to `baseDir`, with forward slashes, so they resolve from the checkout.
 */
export function mergeSarif(reports: readonly StackReport[], baseDir: string): any {
  const runs: any[] = [];
  let schema: string | undefined;
  for (const report of reports) {
    if (!fs.existsSync(report.sarifFile)) continue;
    const sarif = JSON.parse(fs.readFileSync(report.sarifFile, 'utf8'));
    schema = schema ?? sarif.$schema;
    const uri = path.relative(baseDir, report.scannedFile).split(path.sep).join('/');
    for (const run of sarif.runs ?? []) {
      run.automationDetails = { id: `convai-policy/${report.stack}/` };
      for (const result of run.results ?? []) {
        for (const location of result.locations ?? []) {
          if (location.physicalLocation?.artifactLocation) location.physicalLocation.artifactLocation = { uri };
        }
      }
      for (const artifact of run.artifacts ?? []) if (artifact.location) artifact.location = { uri };
      runs.push(run);
    }
  }
  return { $schema: schema ?? 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs };
}

/**
 * One JUnit XML document for all stacks: every stack's `<testsuite>` elements (renamed
 * `<stack>: <name>`) under one `<testsuites>` whose counts are their sums.
 */
export function mergeJunit(reports: readonly StackReport[]): string {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const report of reports) {
    if (!fs.existsSync(report.junitFile)) continue;
    const xml = fs.readFileSync(report.junitFile, 'utf8');
    for (const m of xml.matchAll(/<testsuite\b([^>]*?)(\/>|>[\s\S]*?<\/testsuite>)/g)) {
      const attrs = m[1];
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) {
        totals[key] += Number(new RegExp(`\\b${key}="(\\d+)"`).exec(attrs)?.[1] ?? 0);
      }
      const renamed = /\bname="/.test(attrs)
        ? attrs.replace(/\bname="([^"]*)"/, (_x, name: string) => `name="${xmlEscape(report.stack)}: ${name}"`)
        : `${attrs} name="${xmlEscape(report.stack)}"`;
      suites.push(`\t<testsuite${renamed}${m[2]}`);
    }
  }
  const counts = Object.entries(totals)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return `<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="convai-policy" ${counts}>\n${suites.join('\n')}\n</testsuites>\n`;
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const xmlUnescape = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * Mark checkov's JUnit XML with our decisions: the `<failure>` of a suppressed test case becomes
 * `<skipped>` (counts adjusted); every other failure of a check gets its severity as the failure's
 * `type` and at the head of its message (`[warning] ...`). JUnit has no warning outcome, so a
 * warning stays a `<failure>`: the gate's exit code, not the JUnit counts, says whether it failed.
 */
export function annotateJunit(xml: string, suppressed: readonly SuppressedFinding[], failing: readonly Finding[] = []): string {
  let changed = 0;
  const out = xml.replace(
    /(<testcase\b[^>]*\bname="([^"]*)"[^>]*\bclassname="([^"]*)"[^>]*\bfile="([^"]*)"[^>]*>)(\s*)(<failure\b[^>]*>)([\s\S]*?<\/failure>)/g,
    (whole, open: string, name: string, classname: string, file: string, space: string, failureOpen: string, failureRest: string) => {
      const id = /\[([A-Z0-9_]+)\]/g;
      let checkId: string | undefined;
      for (let m = id.exec(name); m; m = id.exec(name)) checkId = m[1];
      const reported = xmlUnescape(classname).slice(xmlUnescape(file).length + 1);
      const hit = checkId ? suppressed.find((s) => sameFinding(s.finding, checkId!, reported)) : undefined;
      if (!hit) {
        const failure = checkId ? failing.find((f) => sameFinding(f, checkId!, reported)) : undefined;
        if (!failure) return whole;
        const typed = failureOpen
          .replace(/\btype="[^"]*"/, `type="${failure.severity}"`)
          .replace(/\bmessage="/, `message="[${failure.severity}] `);
        return `${open}${space}${typed}${failureRest}`;
      }
      changed++;
      return `${open}${space}<skipped type="suppressed" message="${xmlEscape(`suppressed: ${hit.suppression.reason}`)}"/>`;
    },
  );
  if (changed === 0) return out;
  const adjust = (tag: string, attrs: string): string =>
    attrs
      .replace(/\bfailures="(\d+)"/, (_m, n) => `failures="${Number(n) - changed}"`)
      .replace(/\bskipped="(\d+)"/, (_m, n) => `skipped="${Number(n) + changed}"`)
      .replace(/^/, tag);
  return out
    .replace(/<testsuites\b([^>]*)>/, (_m, attrs: string) => `${adjust('<testsuites', attrs)}>`)
    .replace(/<testsuite\b([^>]*)>/, (_m, attrs: string) => `${adjust('<testsuite', attrs)}>`);
}

const rel = (file: string): string => path.relative(process.cwd(), file) || file;

const findingJson = (f: Finding): Record<string, unknown> => ({
  check_id: f.checkId,
  check_name: f.checkName,
  severity: f.severity,
  resource: f.resource,
  construct_path: f.constructPath ?? '',
  lines: f.lines,
  details: f.details,
});

/** The JSON summary: per stack counts, every failure and warning, every suppression with its reason. */
export function summaryJson(summary: GateSummary): Record<string, unknown> {
  const stacks = summary.stacks.map((s) => ({
    stack: s.stack,
    file: rel(s.file),
    scanned_file: rel(s.scannedFile),
    prepared: s.changes,
    warnings: s.warnings,
    passed: s.decisions.passed.length,
    failed: s.decisions.failures.length,
    warned: s.decisions.warnings.length,
    suppressed: s.decisions.suppressed.length,
    skipped: s.decisions.skipped.length,
    failures: s.decisions.failures.map(findingJson),
    warning_findings: s.decisions.warnings.map(findingJson),
    suppressions: s.decisions.suppressed.map(({ finding, suppression }) => ({
      check_id: finding.checkId,
      check_name: finding.checkName,
      resource: finding.resource,
      construct_path: suppression.constructPath,
      reason: suppression.reason,
    })),
    unused_suppressions: s.decisions.unused.map((u) => ({
      check_id: u.checkId,
      recorded_on: u.scope,
      reason: u.reason,
    })),
    reports: { sarif: rel(s.sarifFile), junit: rel(s.junitFile), checkov_json: rel(s.checkovJsonFile) },
  }));
  const total = (k: 'passed' | 'failed' | 'warned' | 'suppressed' | 'skipped'): number => stacks.reduce((n, s) => n + s[k], 0);
  return {
    checkov_version: summary.checkovVersion,
    ok: total('failed') === 0,
    totals: {
      passed: total('passed'),
      failed: total('failed'),
      warned: total('warned'),
      suppressed: total('suppressed'),
      skipped: total('skipped'),
    },
    stacks,
  };
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function findingTable(findings: readonly any[]): string[] {
  if (findings.length === 0) return ['None.'];
  return [
    '| check | severity | resource | construct | what | details |',
    '| --- | --- | --- | --- | --- | --- |',
    ...findings.map(
      (f) =>
        `| ${f.check_id} | ${f.severity} | \`${f.resource}\` | ${f.construct_path ? `\`${cell(f.construct_path)}\`` : ''} | ${cell(f.check_name)} | ${cell(f.details.join('; '))} |`,
    ),
  ];
}

/** The Markdown summary, for humans and CI job summaries. */
export function summaryMarkdown(summary: GateSummary): string {
  const json = summaryJson(summary) as any;
  const lines: string[] = [];
  lines.push(`# Policy gate: ${json.ok ? 'PASSED' : 'FAILED'}`, '');
  lines.push(
    `checkov ${summary.checkovVersion}, built-in checks plus the policy pack of @convai-platform/cdktf-gcp (policies/checks).`,
    '',
  );
  lines.push(
    '| stack | passed | failed (error) | warned (warning) | suppressed | unused suppressions |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const s of json.stacks) {
    lines.push(`| ${cell(s.stack)} | ${s.passed} | ${s.failed} | ${s.warned} | ${s.suppressed} | ${s.unused_suppressions.length} |`);
  }
  for (const s of json.stacks) {
    lines.push(
      '',
      `## ${s.stack}`,
      '',
      `Scanned \`${s.scanned_file}\` (copy of \`${s.file}\`${s.prepared.length ? `; ${s.prepared.join('; ')}` : ''}).`,
      '',
    );
    lines.push(`### Failures (${s.failed}, severity error: they fail the gate)`, '', ...findingTable(s.failures));
    if (s.warning_findings.length > 0) {
      lines.push(
        '',
        `### Warning findings (${s.warned}, severity warning: reported, not failing)`,
        '',
        ...findingTable(s.warning_findings),
      );
    }
    lines.push('', `### Suppressed (${s.suppressed})`, '');
    if (s.suppressions.length === 0) lines.push('None.');
    else {
      lines.push('| check | resource | construct | reason |', '| --- | --- | --- | --- |');
      for (const x of s.suppressions)
        lines.push(`| ${x.check_id} | \`${x.resource}\` | \`${cell(x.construct_path)}\` | ${cell(x.reason)} |`);
    }
    if (s.unused_suppressions.length > 0) {
      lines.push('', `### Unused suppressions (${s.unused_suppressions.length}): they match no failing finding; remove them`, '');
      lines.push('| check | recorded on | reason |', '| --- | --- | --- |');
      for (const x of s.unused_suppressions) lines.push(`| ${x.check_id} | \`${cell(x.recorded_on)}\` | ${cell(x.reason)} |`);
    }
    if (s.warnings.length > 0) {
      lines.push('', `### Warnings (${s.warnings.length})`, '', ...s.warnings.map((w: string) => `- ${w}`));
    }
    lines.push('', `Reports: \`${s.reports.sarif}\`, \`${s.reports.junit}\`, \`${s.reports.checkov_json}\`.`);
  }
  return `${lines.join('\n')}\n`;
}

/** Write `policy-summary.md` and `policy-summary.json` under `reportsDir`. */
export function writeSummaries(reportsDir: string, summary: GateSummary): { markdown: string; json: string } {
  fs.mkdirSync(reportsDir, { recursive: true });
  const markdown = path.join(reportsDir, 'policy-summary.md');
  const json = path.join(reportsDir, 'policy-summary.json');
  fs.writeFileSync(markdown, summaryMarkdown(summary));
  fs.writeFileSync(json, `${JSON.stringify(summaryJson(summary), null, 2)}\n`);
  return { markdown, json };
}
