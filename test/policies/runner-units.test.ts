/** The runner's pure parts, without checkov. */
import * as path from 'node:path';
import { PolicySetupError } from '../../policies/runner/errors';
import { parseArgs } from '../../policies/runner/main';
import { scannableCopy } from '../../policies/runner/prepare';
import { annotateJunit, annotateSarif } from '../../policies/runner/reports';
import { indexResources, parseCheckovJson, resolveResource, type Finding } from '../../policies/runner/results';
import { applySuppressions, readSuppressions, type Suppression } from '../../policies/runner/suppressions';

const finding = (over: Partial<Finding>): Finding => ({
  checkId: 'CKV_CONVAI_1',
  checkName: 'n',
  verdict: 'failed',
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
  test('SARIF: the suppressed result gets an external suppression with the reason', () => {
    const region = (startLine: number) => ({ locations: [{ physicalLocation: { region: { startLine } } }] });
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
  test('flags, env and defaults', () => {
    expect(parseArgs([], {}, '/repo')).toEqual({
      stacksDir: path.resolve('/repo/cdktf.out/stacks'),
      reportsDir: path.resolve('/repo/reports'),
    });
    expect(parseArgs(['--stacks-dir=out/stacks'], { POLICY_REPORTS_DIR: 'r' }, '/repo')).toEqual({
      stacksDir: path.resolve('/repo/out/stacks'),
      reportsDir: path.resolve('/repo/r'),
    });
    expect(parseArgs(['--help'], {}, '/repo')).toBe('help');
    expect(() => parseArgs(['--reports-dir'], {}, '/repo')).toThrow(/--reports-dir needs a value/);
  });
});
