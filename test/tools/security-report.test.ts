import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GateSummary } from '../../policies/runner/reports';
import type { Finding } from '../../policies/runner/results';
import { COMPLIANCE_CONTROLS } from '../../tools/security-report/compliance-controls';
import { assertReferences, checkReference } from '../../tools/security-report/references';
import { auditReport, controlMapping } from '../../tools/security-report/report';
import { THREATS } from '../../tools/security-report/threat-model';
import { REPO_ROOT } from '../policies/fixture-scan';

const finding = (checkId: string, resource: string, verdict: Finding['verdict']): Finding => ({
  checkId,
  checkName: `${checkId} title`,
  verdict,
  severity: 'error',
  resource,
  reportedResource: resource,
  file: '/cdk.tf.json',
  lines: [1, 2],
  details: [],
});

const SUMMARY: GateSummary = {
  checkovVersion: '3.3.30',
  stacks: [
    {
      stack: 'dev',
      file: 'x',
      scannedFile: 'x',
      changes: [],
      warnings: [],
      decisions: {
        passed: [
          finding('CKV_CONVAI_30', 'google_secret_manager_secret.s', 'passed'),
          finding('CKV_GCP_43', 'google_kms_crypto_key.k', 'passed'),
        ],
        failures: [finding('CKV_CONVAI_32', 'google_pubsub_topic.t', 'failed')],
        warnings: [],
        suppressed: [
          {
            finding: finding('CKV_GCP_79', 'google_sql_database_instance.db', 'failed'),
            suppression: {
              checkId: 'CKV_GCP_79',
              resource: 'google_sql_database_instance.db',
              constructPath: 'dev/db',
              reason: 'Pinned major.',
              scope: 'dev/db',
            },
          },
        ],
        unused: [],
        skipped: [],
      },
      suppressions: [],
      sarifFile: 'x',
      junitFile: 'x',
      checkovJsonFile: 'x',
    },
  ],
};

const DOC = {
  resource: {
    google_pubsub_topic: { t: { name: 't' } },
    google_secret_manager_secret_iam_member: {
      g: {
        secret_id: '${google_secret_manager_secret.s.id}',
        role: 'roles/secretmanager.secretAccessor',
        member: 'serviceAccount:a@p.iam.gserviceaccount.com',
      },
    },
  },
};

describe('control references', () => {
  test('every reference in the threat model and the compliance mapping resolves', () => {
    expect(() =>
      assertReferences(REPO_ROOT, [...THREATS.flatMap((t) => t.controls), ...COMPLIANCE_CONTROLS.flatMap((c) => c.enforcedBy)]),
    ).not.toThrow();
  });

  test.each([
    ['CKV_CONVAI_99', /not in POLICY_RULES/],
    ['alert:no-such-signal', /no SecurityMonitoring signal "no-such-signal"/],
    ['setting:SecureSecrets.noSuchProp', /SecureSecrets has no prop or member "noSuchProp"/],
    ['setting:NoSuchConstruct.x', /no construct NoSuchConstruct/],
    ['CIS 1.4', /unknown reference kind/],
  ])('%s is reported as broken', (ref, message) => {
    expect(checkReference(REPO_ROOT, ref)).toMatch(message);
  });
});

describe('report rendering', () => {
  const report = auditReport(SUMMARY, [{ name: 'dev', doc: DOC }]);

  test('counts, failures and suppressions with their reasons come from the gate summary', () => {
    expect(report).toMatch(/\| dev\s+\| 2\s+\| 1\s+\| 1\s+\| 0\s+\|/);
    expect(report).toContain('| dev | CKV_CONVAI_32 | google_pubsub_topic.t |');
    expect(report).toContain('| dev | CKV_GCP_79 | google_sql_database_instance.db | Pinned major. |');
  });

  test('IAM grants and encryption coverage come from the synthesized JSON', () => {
    expect(report).toContain(
      '| secret_manager_secret_iam_member.g | secret_id=google_secret_manager_secret.s.id | roles/secretmanager.secretAccessor | serviceAccount:a@p.iam.gserviceaccount.com |',
    );
    expect(report).toContain('| google_pubsub_topic.t | none | NOT CMEK | CKV_CONVAI_32 |');
  });

  test('threats cite controls with evidence from the run', () => {
    expect(report).toContain('CKV_CONVAI_30 (1 passed, 0 failed)');
    expect(report).toContain('CKV_CONVAI_37 (no such resource in the reference stacks)');
  });

  test('deterministic: same inputs, same text; no timestamps', () => {
    expect(auditReport(SUMMARY, [{ name: 'dev', doc: DOC }])).toBe(report);
    expect(report).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(controlMapping(SUMMARY)).toBe(controlMapping(SUMMARY));
  });

  test('the committed documents exist (CI regenerates and diffs them)', () => {
    for (const file of ['docs/security/audit_report.md', 'docs/compliance/control-mapping.md']) {
      expect(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')).toMatch(/^# /);
    }
  });
});
