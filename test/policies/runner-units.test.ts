/** The runner's pure parts, without checkov. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECKOV_VERSION, CONSTRAINTS_FILE, defaultCacheDir, defaultVenvDir } from '../../policies/runner/checkov';
import { PolicySetupError } from '../../policies/runner/errors';
import { parseArgs, resolveStacksDir } from '../../policies/runner/main';
import { prepareStack, scannableCopy, unscannableResources } from '../../policies/runner/prepare';
import { annotateJunit, annotateSarif, mergeJunit, mergeSarif, type StackReport } from '../../policies/runner/reports';
import { indexResources, parseCheckovJson, resolveResource, type Finding } from '../../policies/runner/results';
import { applySuppressions, readSuppressions, type Suppression } from '../../policies/runner/suppressions';

const finding = (over: Partial<Finding>): Finding => ({
  checkId: 'CKV_CONVAI_1',
  checkName: 'n',
  verdict: 'failed',
  severity: 'error',
  resource: 'google_cloud_run_v2_service.svc',
  reportedResource: 'google_cloud_run_v2_service.svc',
  file: '/cdk.tf.json',
  lines: [10, 20],
  details: [],
  ...over,
});
const supp = (over: Partial<Suppression>): Suppression => ({
  checkId: 'CKV_CONVAI_1',
  resource: 'google_cloud_run_v2_service.svc',
  constructPath: 'stack/svc/resource',
  reason: 'A reason a reviewer can judge.',
  scope: 'stack/svc',
  ...over,
});

describe('resource ids', () => {
  const doc = {
    resource: {
      google_storage_bucket: { same: { name: 'a' }, only_bucket: { name: 'b' } },
      google_pubsub_topic: { same: { name: 'c' } },
    },
  };
  const text = JSON.stringify(doc, null, 2);
  const index = indexResources(doc, text);
  const lineOf = (needle: string, from = 0): number => text.slice(0, text.indexOf(needle, from)).split('\n').length;

  test('Python-check ids (resource.<name>) resolve by unique name', () => {
    expect(resolveResource('resource.only_bucket', 0, index)).toBe('google_storage_bucket.only_bucket');
  });
  test('ambiguous names resolve by the start line checkov reports', () => {
    const topicLine = lineOf('"same"', text.indexOf('google_pubsub_topic'));
    expect(resolveResource('resource.same', topicLine, index)).toBe('google_pubsub_topic.same');
    expect(resolveResource('resource.same', lineOf('"same"'), index)).toBe('google_storage_bucket.same');
    expect(resolveResource('resource.same', 1, index)).toBe('resource.same');
  });
  test('graph/YAML ids are kept', () => {
    expect(resolveResource('google_pubsub_topic.same', 0, index)).toBe('google_pubsub_topic.same');
  });
  test('parseCheckovJson reads passed, failed and parsing errors', () => {
    const raw = {
      check_type: 'terraform_json',
      results: {
        passed_checks: [{ check_id: 'A', resource: 'resource.only_bucket', file_path: '/cdk.tf.json', file_line_range: [3, 5] }],
        failed_checks: [{ check_id: 'B', resource: 'google_pubsub_topic.same', file_path: '/cdk.tf.json', file_line_range: [9, 11] }],
        parsing_errors: ['/x/cdk.tf.json'],
      },
      summary: { checkov_version: '3.3.30' },
    };
    const parsed = parseCheckovJson(raw, () => index);
    expect(parsed.findings.map((f) => `${f.verdict} ${f.checkId} ${f.resource}`)).toEqual([
      'passed A google_storage_bucket.only_bucket',
      'failed B google_pubsub_topic.same',
    ]);
    expect(parsed.parsingErrors).toEqual(['/x/cdk.tf.json']);
    expect(parsed.checkovVersion).toBe('3.3.30');
    // checkov prints a bare summary (no "results") when nothing was scanned.
    expect(parseCheckovJson({ passed: 0, failed: 0 }, () => undefined).findings).toEqual([]);
  });
});

describe('suppressions', () => {
  test('are read from //.policy_suppressions', () => {
    const doc = {
      '//': {
        policy_suppressions: [
          {
            check_id: 'CKV_GCP_79',
            resource: 'google_sql_database_instance.db',
            construct_path: 's/db',
            reason: ' Pinned major version for the extension. ',
            scope: 's',
          },
        ],
      },
    };
    expect(readSuppressions(doc, 'f')).toEqual([
      {
        checkId: 'CKV_GCP_79',
        resource: 'google_sql_database_instance.db',
        constructPath: 's/db',
        reason: 'Pinned major version for the extension.',
        scope: 's',
      },
    ]);
    expect(readSuppressions({}, 'f')).toEqual([]);
  });
  test('without a reason are rejected', () => {
    const doc = { '//': { policy_suppressions: [{ check_id: 'CKV_GCP_79', resource: 'google_sql_database_instance.db', reason: '' }] } };
    expect(() => readSuppressions(doc, 'cdk.tf.json')).toThrow(PolicySetupError);
    expect(() => readSuppressions(doc, 'cdk.tf.json')).toThrow(/policy_suppressions\[0\] has no reason/);
  });
  test('match check id and resource exactly; the rest fail or are unused', () => {
    const d = applySuppressions(
      [
        finding({}),
        finding({ checkId: 'CKV_CONVAI_9', resource: 'google_cloud_run_v2_service.svc', reportedResource: 'resource.svc' }),
        finding({ resource: 'google_cloud_run_v2_service.other', reportedResource: 'google_cloud_run_v2_service.other' }),
        finding({ checkId: 'CKV_CONVAI_10', verdict: 'passed' }),
      ],
      [supp({}), supp({ checkId: 'CKV_CONVAI_9' }), supp({ checkId: 'CKV_CONVAI_10' })],
    );
    expect(d.suppressed.map((s) => s.finding.checkId)).toEqual(['CKV_CONVAI_1', 'CKV_CONVAI_9']);
    expect(d.failures.map((f) => f.resource)).toEqual(['google_cloud_run_v2_service.other']);
    expect(d.passed).toHaveLength(1);
    expect(d.unused.map((u) => u.checkId)).toEqual(['CKV_CONVAI_10']);
  });
  test('unsuppressed failures of warning severity are warnings, not failures; suppressed ones stay suppressed', () => {
    const d = applySuppressions(
      [
        finding({ checkId: 'CKV_CONVAI_13', severity: 'warning' }),
        finding({ checkId: 'CKV_CONVAI_40', severity: 'warning', resource: 'google_monitoring_alert_policy.p' }),
        finding({}),
      ],
      [supp({ checkId: 'CKV_CONVAI_40', resource: 'google_monitoring_alert_policy.p' })],
    );
    expect(d.failures.map((f) => f.checkId)).toEqual(['CKV_CONVAI_1']);
    expect(d.warnings.map((f) => f.checkId)).toEqual(['CKV_CONVAI_13']);
    expect(d.suppressed.map((s) => s.finding.checkId)).toEqual(['CKV_CONVAI_40']);
  });
  test('a suppression recorded on a scope is unused only when none of its resources matched, and is listed once', () => {
    const onScope = (resource: string, scope: string) => supp({ checkId: 'CKV_GCP_1', resource, scope });
    const d = applySuppressions(
      [finding({ checkId: 'CKV_GCP_1', resource: 'google_storage_bucket.a' })],
      [
        onScope('google_storage_bucket.a', 'stack/data'),
        onScope('google_pubsub_topic.b', 'stack/data'),
        onScope('google_pubsub_topic.c', 'stack/events'),
        onScope('google_pubsub_topic.d', 'stack/events'),
      ],
    );
    expect(d.suppressed).toHaveLength(1);
    expect(d.unused.map((u) => u.scope)).toEqual(['stack/events']);
  });
});

describe('report mark-up', () => {
  const suppressed = [
    {
      finding: finding({ checkId: 'CKV_CONVAI_9', reportedResource: 'resource.svc' }),
      suppression: supp({ reason: 'Labels <come> from "org" policy & more.' }),
    },
  ];
  test('JUnit: the suppressed failure becomes <skipped> with the reason; counts follow', () => {
    const xml = [
      '<?xml version="1.0" ?>',
      '<testsuites disabled="0" errors="0" failures="2" tests="3" time="0.0">',
      '\t<testsuite disabled="0" errors="0" failures="2" name="terraform_json scan" skipped="0" tests="3" time="0">',
      '\t\t<testcase name="[NONE][CKV_CONVAI_1] x" classname="/cdk.tf.json.google_cloud_run_v2_service.svc" file="/cdk.tf.json"/>',
      '\t\t<testcase name="[NONE][CKV_CONVAI_9] y" classname="/cdk.tf.json.resource.svc" file="/cdk.tf.json">',
      '\t\t\t<failure type="failure" message="y">\nResource: resource.svc</failure>',
      '\t\t</testcase>',
      '\t\t<testcase name="[NONE][CKV_CONVAI_9] y" classname="/cdk.tf.json.resource.other" file="/cdk.tf.json">',
      '\t\t\t<failure type="failure" message="y">\nResource: resource.other</failure>',
      '\t\t</testcase>',
      '\t</testsuite>',
      '</testsuites>',
    ].join('\n');
    const out = annotateJunit(xml, suppressed);
    expect(out.match(/<failure/g)).toHaveLength(1);
    expect(out).toContain('<skipped type="suppressed" message="suppressed: Labels &lt;come&gt; from &quot;org&quot; policy &amp; more."/>');
    expect(out).toContain('<testsuites disabled="0" errors="0" failures="1" tests="3"');
    expect(out).toMatch(/<testsuite disabled="0" errors="0" failures="1" name="terraform_json scan" skipped="1"/);
    expect(annotateJunit(xml, [])).toBe(xml);
  });
  const region = (startLine: number) => ({ locations: [{ physicalLocation: { region: { startLine } } }] });
  test('SARIF: the suppressed result gets an external suppression with the reason', () => {
    const sarif = {
      runs: [
        {
          results: [
            { ruleId: 'CKV_CONVAI_9', ...region(10) },
            { ruleId: 'CKV_CONVAI_9', ...region(30) },
          ],
        },
      ],
    };
    const out = annotateSarif(sarif, suppressed);
    expect(out.runs[0].results[0].suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'Labels <come> from "org" policy & more.' },
    ]);
    expect(out.runs[0].results[1].suppressions).toBeUndefined();
  });
  test('SARIF: a failing result names its resource and construct path', () => {
    const failure = finding({ lines: [30, 40], constructPath: 'prod/webhook/service-us-central1' });
    const sarif = { runs: [{ results: [{ ruleId: 'CKV_CONVAI_1', message: { text: 'Ingress open' }, ...region(30) }] }] };
    const [result] = annotateSarif(sarif, [], [failure]).runs[0].results;
    expect(result.properties).toEqual({ resource: failure.resource, severity: 'error', constructPath: 'prod/webhook/service-us-central1' });
    expect(result.message.text).toBe(`Ingress open [error; ${failure.resource}, construct prod/webhook/service-us-central1]`);
    expect(result.level).toBe('error');
  });
  test('SARIF: a warning-severity result gets level warning whatever checkov wrote', () => {
    const warning = finding({ checkId: 'CKV_CONVAI_13', severity: 'warning', lines: [30, 40] });
    const sarif = { runs: [{ results: [{ ruleId: 'CKV_CONVAI_13', level: 'error', message: { text: 'No logs' }, ...region(30) }] }] };
    const [result] = annotateSarif(sarif, [], [warning]).runs[0].results;
    expect(result.level).toBe('warning');
    expect(result.properties.severity).toBe('warning');
  });
  test('JUnit: an unsuppressed failure carries its severity as type and message prefix; counts stay', () => {
    const xml = [
      '<testsuites failures="2" tests="2">',
      '\t<testsuite failures="2" name="s" skipped="0" tests="2">',
      '\t\t<testcase name="[NONE][CKV_CONVAI_13] logs" classname="/cdk.tf.json.google_compute_backend_service.b" file="/cdk.tf.json">',
      '\t\t\t<failure type="failure" message="logs">\nResource: b</failure>',
      '\t\t</testcase>',
      '\t\t<testcase name="[NONE][CKV_CONVAI_1] ingress" classname="/cdk.tf.json.google_cloud_run_v2_service.svc" file="/cdk.tf.json">',
      '\t\t\t<failure type="failure" message="ingress">\nResource: svc</failure>',
      '\t\t</testcase>',
      '\t</testsuite>',
      '</testsuites>',
    ].join('\n');
    const failing = [
      finding({ checkId: 'CKV_CONVAI_13', severity: 'warning', reportedResource: 'google_compute_backend_service.b' }),
      finding({}),
    ];
    const out = annotateJunit(xml, [], failing);
    expect(out).toContain('<failure type="warning" message="[warning] logs">');
    expect(out).toContain('<failure type="error" message="[error] ingress">');
    expect(out).toContain('<testsuite failures="2" name="s" skipped="0" tests="2">');
  });
  test('merged SARIF and JUnit: one run per stack with its own category; summed counts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-'));
    try {
      const report = (stack: string, failures: number): StackReport => {
        const sarifFile = path.join(dir, `${stack}.sarif`);
        const junitFile = path.join(dir, `${stack}.junit.xml`);
        const location = { physicalLocation: { artifactLocation: { uri: 'cdk.tf.json' }, region: { startLine: 3 } } };
        fs.writeFileSync(
          sarifFile,
          JSON.stringify({
            version: '2.1.0',
            runs: [{ tool: { driver: { name: 'Checkov' } }, results: [{ ruleId: 'X', locations: [location] }] }],
          }),
        );
        fs.writeFileSync(
          junitFile,
          `<?xml version="1.0" ?>\n<testsuites failures="${failures}" tests="3">\n\t<testsuite errors="0" failures="${failures}" name="terraform_json scan" skipped="1" tests="3">\n\t\t<testcase name="a"/>\n\t</testsuite>\n</testsuites>\n`,
        );
        return {
          stack,
          sarifFile,
          junitFile,
          scannedFile: path.join(dir, 'reports', stack, 'scanned', 'cdk.tf.json'),
        } as unknown as StackReport;
      };
      const reports = [report('dev', 0), report('prod', 2)];
      const sarif = mergeSarif(reports, dir);
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs.map((r: any) => r.automationDetails.id)).toEqual(['convai-policy/dev/', 'convai-policy/prod/']);
      expect(sarif.runs[1].results[0].locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: 'reports/prod/scanned/cdk.tf.json' },
        region: { startLine: 3 },
      });
      const junit = mergeJunit(reports);
      expect(junit).toContain('<testsuites name="convai-policy" tests="6" failures="2" errors="0" skipped="2">');
      expect(junit).toContain('name="prod: terraform_json scan"');
      expect(junit.match(/<testsuite\b/g)).toHaveLength(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('preparing and arguments', () => {
  test('required_version is removed from a copy only', () => {
    const doc = { terraform: { required_version: '>= 1.6', required_providers: {} }, resource: {} };
    const { doc: copy, changes } = scannableCopy(doc);
    expect(copy.terraform).toEqual({ required_providers: {} });
    expect(doc.terraform.required_version).toBe('>= 1.6');
    expect(changes).toHaveLength(1);
    expect(scannableCopy({ resource: {} }).changes).toEqual([]);
  });
  test('a resource with a dynamic block, which checkov would pass unseen, stops the gate with its address and construct path', () => {
    const doc = {
      resource: {
        google_storage_bucket: {
          plain: { name: 'a', location: 'US' },
          nested: {
            '//': { metadata: { path: 'prod/backups/bucket' } },
            name: 'b',
            lifecycle_rule: [{ dynamic: { condition: { for_each: '${var.c}', content: {} } } }],
          },
        },
      },
    };
    expect(unscannableResources(doc)).toEqual(['google_storage_bucket.nested (prod/backups/bucket)']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepare-'));
    try {
      const file = path.join(dir, 'cdk.tf.json');
      fs.writeFileSync(file, JSON.stringify(doc));
      expect(() => prepareStack({ name: 'prod', file }, path.join(dir, 'scan'))).toThrow(PolicySetupError);
      expect(() => prepareStack({ name: 'prod', file }, path.join(dir, 'scan'))).toThrow(
        /prod: checkov cannot scan 1 resource\(s\) with a `dynamic` block .*google_storage_bucket\.nested \(prod\/backups\/bucket\)/,
      );
      delete (doc.resource.google_storage_bucket as Record<string, unknown>).nested;
      fs.writeFileSync(file, JSON.stringify(doc));
      expect(prepareStack({ name: 'prod', file }, path.join(dir, 'scan')).doc.resource.google_storage_bucket.plain).toBeDefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test('flags, env and defaults', () => {
    const env = { HOME: '/home/u' };
    expect(parseArgs([], env, '/repo')).toEqual({
      command: 'policy',
      stacksDir: path.resolve('/repo/cdktf.out/stacks'),
      only: [],
      reportsDir: path.resolve('/repo/reports'),
      cacheDir: path.join(os.homedir(), '.cache', 'convai-policy'),
    });
    expect(parseArgs(['--stacks-dir=out/stacks'], { POLICY_REPORTS_DIR: 'r', XDG_CACHE_HOME: '/xdg' }, '/repo')).toEqual({
      command: 'policy',
      stacksDir: path.resolve('/repo/out/stacks'),
      only: [],
      reportsDir: path.resolve('/repo/r'),
      cacheDir: path.resolve('/xdg/convai-policy'),
    });
    expect(
      parseArgs(
        [
          'policy',
          'out',
          '--stack',
          'dev',
          '--stack=prod',
          '--sarif',
          'r/all.sarif',
          '--junit=r/all.xml',
          '--venv',
          'v',
          '--checkov',
          '/c/checkov',
        ],
        { CONVAI_POLICY_CACHE_DIR: 'cache' },
        '/repo',
      ),
    ).toEqual({
      command: 'policy',
      stacksDir: path.resolve('/repo/out/stacks'),
      only: ['dev', 'prod'],
      reportsDir: path.resolve('/repo/reports'),
      sarifFile: path.resolve('/repo/r/all.sarif'),
      junitFile: path.resolve('/repo/r/all.xml'),
      venvDir: path.resolve('/repo/v'),
      checkovBin: path.resolve('/c/checkov'),
      cacheDir: path.resolve('cache'),
    });
    expect(parseArgs(['install-checkov', '--cache-dir', 'c'], {}, '/repo')).toMatchObject({
      command: 'install-checkov',
      cacheDir: path.resolve('/repo/c'),
    });
    expect(parseArgs(['--help'], {}, '/repo')).toBe('help');
    expect(parseArgs(['policy', '-h'], {}, '/repo')).toBe('help');
    expect(parseArgs(['--version'], {}, '/repo')).toBe('version');
    expect(() => parseArgs(['--reports-dir'], {}, '/repo')).toThrow(/--reports-dir needs a value/);
    expect(() => parseArgs(['a', 'b'], {}, '/repo')).toThrow(/unexpected argument "b"/);
    expect(() => parseArgs(['a', '--stacks-dir', 'b'], {}, '/repo')).toThrow(/give the stacks folder once/);
  });

  test('CDKTF_OUT is cdktf.out or a folder of stacks', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stacks-dir-'));
    try {
      fs.mkdirSync(path.join(dir, 'out', 'stacks', 'prod'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'out', 'stacks', 'prod', 'cdk.tf.json'), '{}');
      expect(resolveStacksDir(path.join(dir, 'out'))).toBe(path.join(dir, 'out', 'stacks'));
      expect(resolveStacksDir(path.join(dir, 'out', 'stacks'))).toBe(path.join(dir, 'out', 'stacks'));
      expect(resolveStacksDir(path.join(dir, 'missing'))).toBe(path.join(dir, 'missing', 'stacks'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the default checkov venv is per version and per constraints file, under the cache dir', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'venv-dir-'));
    try {
      fs.mkdirSync(path.join(dir, 'policies'));
      fs.writeFileSync(path.join(dir, CONSTRAINTS_FILE), 'a==1\n');
      const first = defaultVenvDir(dir, '/cache');
      expect(first).toMatch(new RegExp(`^${path.join('/cache', `checkov-${CHECKOV_VERSION}-`)}[0-9a-f]{10}$`));
      fs.writeFileSync(path.join(dir, CONSTRAINTS_FILE), 'a==2\n');
      expect(defaultVenvDir(dir, '/cache')).not.toBe(first);
      expect(() => defaultVenvDir(path.join(dir, 'nope'), '/cache')).toThrow(PolicySetupError);
      expect(defaultCacheDir({ CONVAI_POLICY_CACHE_DIR: '/c' })).toBe(path.resolve('/c'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
