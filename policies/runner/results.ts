/**
 * Turn checkov's JSON output into findings with one resource-id form.
 *
 * Measured with checkov 3.3.30 on terraform_json: Python checks (built-in and ours) report the
 * resource as `resource.<name>` (the block type, not the resource type), graph/YAML checks as
 * `<type>.<name>`. Findings here always carry `<type>.<name>` (what `//.policy_suppressions`
 * records); Python findings are resolved through the scanned document: by name when the name is
 * unique across resource types, else by the start line checkov reports.
 */

export type Verdict = 'passed' | 'failed' | 'skipped';

/**
 * How much a failing finding weighs (the policy pack's severities, constructs/core/policy-pack):
 * `error` fails the gate, `warning` is reported and does not.
 */
export type Severity = 'error' | 'warning';

/**
 * The gate's severity of a checkov severity. Our checks declare HIGH (error) or MEDIUM (warning),
 * which checkov also turns into SARIF levels error and warning; built-in checks carry none offline,
 * and count as errors, as they always have.
 */
export function severityOf(checkovSeverity: unknown): Severity {
  return typeof checkovSeverity === 'string' && ['MEDIUM', 'LOW', 'INFO'].includes(checkovSeverity.toUpperCase()) ? 'warning' : 'error';
}

export interface Finding {
  readonly checkId: string;
  readonly checkName: string;
  readonly verdict: Verdict;
  /** From the check's declared severity (see `severityOf`). */
  readonly severity: Severity;
  /** `<type>.<name>` when it could be resolved, else what checkov printed. */
  readonly resource: string;
  /** The resource exactly as checkov printed it (SARIF/JUnit use this form). */
  readonly reportedResource: string;
  /** The scanned file, as checkov printed it (relative to the scanned folder, with a leading `/`). */
  readonly file: string;
  /** First and last line of the resource in the scanned file. */
  readonly lines: readonly [number, number];
  /** Extra lines checkov gave (e.g. which labels are missing). */
  readonly details: readonly string[];
  /**
   * The construct that made the resource (cdktf's `//.metadata.path`, e.g. `prod/webhook/service-us-central1`),
   * when the scanned document records it: what a user looks for in their own code.
   */
  readonly constructPath?: string;
}

export interface CheckovResults {
  readonly findings: Finding[];
  /** Files checkov could not parse: no check ran on them. */
  readonly parsingErrors: string[];
  readonly checkovVersion?: string;
}

/** Where each resource starts, for a document written with 2-space indentation (JSON.stringify or json.dump). */
export interface ResourceIndex {
  /** Resource types per resource name. */
  readonly typesByName: ReadonlyMap<string, string[]>;
  /** `<type>.<name>` per 1-based line of the resource's `"<name>": {` line. */
  readonly byLine: ReadonlyMap<number, string>;
  /** Construct path per `<type>.<name>`, from cdktf's `"//": {"metadata": {"path": ...}}` on each resource. */
  readonly constructPaths?: ReadonlyMap<string, string>;
}

export function indexResources(doc: Record<string, any>, text: string): ResourceIndex {
  const typesByName = new Map<string, string[]>();
  const constructPaths = new Map<string, string>();
  const resources = doc.resource && typeof doc.resource === 'object' ? doc.resource : {};
  for (const [type, byName] of Object.entries<Record<string, any>>(resources)) {
    for (const [name, body] of Object.entries<any>(byName ?? {})) {
      typesByName.set(name, [...(typesByName.get(name) ?? []), type]);
      const constructPath = body?.['//']?.metadata?.path;
      if (typeof constructPath === 'string' && constructPath) constructPaths.set(`${type}.${name}`, constructPath);
    }
  }
  const byLine = new Map<number, string>();
  let top: string | undefined;
  let type: string | undefined;
  text.split('\n').forEach((line, i) => {
    const m = /^( *)"((?:[^"\\]|\\.)*)": [{[]/.exec(line);
    if (!m) return;
    const depth = m[1].length;
    const key = JSON.parse(`"${m[2]}"`) as string;
    if (depth === 2) top = key;
    else if (depth === 4 && top === 'resource') type = key;
    else if (depth === 6 && top === 'resource' && type) byLine.set(i + 1, `${type}.${key}`);
  });
  return { typesByName, byLine, constructPaths };
}

/** The `<type>.<name>` form of a resource as checkov reported it. */
export function resolveResource(reported: string, startLine: number, index: ResourceIndex | undefined): string {
  if (!reported.startsWith('resource.') || !index) return reported;
  const name = reported.slice('resource.'.length);
  const types = index.typesByName.get(name) ?? [];
  if (types.length === 1) return `${types[0]}.${name}`;
  const atLine = index.byLine.get(startLine);
  if (atLine && atLine.endsWith(`.${name}`)) return atLine;
  return reported;
}

/** The reports in a checkov JSON output: one object, a list (several frameworks), or an empty summary. */
function reportsOf(raw: unknown): Record<string, any>[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((r): r is Record<string, any> => !!r && typeof r === 'object' && 'results' in r);
}

/**
 * Parse checkov's `results_json.json`.
 * @param indexFor the resource index of a scanned file (by checkov's `file_path`), to resolve Python findings
 */
export function parseCheckovJson(raw: unknown, indexFor: (file: string) => ResourceIndex | undefined): CheckovResults {
  const findings: Finding[] = [];
  const parsingErrors: string[] = [];
  let checkovVersion: string | undefined;
  for (const report of reportsOf(raw)) {
    checkovVersion = checkovVersion ?? report.summary?.checkov_version;
    parsingErrors.push(...((report.results.parsing_errors as string[] | undefined) ?? []));
    const groups: [Verdict, unknown][] = [
      ['passed', report.results.passed_checks],
      ['failed', report.results.failed_checks],
      ['skipped', report.results.skipped_checks],
    ];
    for (const [verdict, records] of groups) {
      for (const r of (records as Record<string, any>[] | undefined) ?? []) {
        const lines: [number, number] = Array.isArray(r.file_line_range) ? [r.file_line_range[0], r.file_line_range[1]] : [0, 0];
        const file = String(r.file_path ?? '');
        const index = indexFor(file);
        const resource = resolveResource(String(r.resource), lines[0], index);
        const constructPath = index?.constructPaths?.get(resource);
        findings.push({
          checkId: String(r.check_id),
          checkName: String(r.check_name ?? ''),
          verdict,
          severity: severityOf(r.severity),
          resource,
          reportedResource: String(r.resource),
          file,
          lines,
          details: Array.isArray(r.details) ? r.details.map(String) : [],
          ...(constructPath ? { constructPath } : {}),
        });
      }
    }
  }
  return { findings, parsingErrors, checkovVersion };
}
