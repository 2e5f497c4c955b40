/**
 * Compliance controls mapped to what enforces them in this repository. Rendered into
 * docs/compliance/control-mapping.md by `npm run security-report`, which checks every reference
 * (same syntax as the threat model) and adds the evidence from the latest scan.
 */
export interface ComplianceControl {
  readonly framework: string;
  readonly id: string;
  readonly title: string;
  readonly enforcedBy: readonly string[];
  /** What a reviewer should know beyond the references: scope, prerequisites, gaps. */
  readonly note?: string;
}

export const COMPLIANCE_CONTROLS: readonly ComplianceControl[] = [
  {
    framework: 'CIS GCP 3.0',
    id: '1.4',
    title: 'Only GCP-managed service account keys',
    enforcedBy: ['CKV_CONVAI_37', 'CKV2_GCP_3', 'alert:service-account-key-created'],
  },
  {
    framework: 'CIS GCP 3.0',
    id: '1.5',
    title: 'Service accounts have no admin privileges',
    enforcedBy: ['CKV_GCP_42', 'setting:ScalableWebhook.serviceAccount'],
    note: 'The webhook account holds only run-time grants on its secrets; no project roles.',
  },
  { framework: 'CIS GCP 3.0', id: '1.6', title: 'No Service Account User / Token Creator at project level', enforcedBy: ['CKV_GCP_41'] },
  {
    framework: 'CIS GCP 3.0',
    id: '1.9',
    title: 'KMS keys not anonymously or publicly accessible',
    enforcedBy: ['CKV2_GCP_6', 'CKV_GCP_112', 'CKV_CONVAI_38'],
  },
  {
    framework: 'CIS GCP 3.0',
    id: '1.10',
    title: 'KMS keys rotated within 90 days',
    enforcedBy: ['CKV_GCP_43', 'setting:SecureSecrets.rotationPeriod'],
  },
  {
    framework: 'CIS GCP 3.0',
    id: '2.1',
    title: 'Cloud Audit Logging configured (data access)',
    enforcedBy: ['setting:SecureSecrets.dataAccessAuditLogs', 'setting:SecureSecrets.auditLogRetention', 'CKV_CONVAI_36'],
    note: 'Audit logs are also kept 400 days in a CMEK log bucket. Covers Cloud KMS, Secret Manager and Cloud SQL; allServices is an organization decision (docs/security/organization-prerequisites.md).',
  },
  {
    framework: 'CIS GCP 3.0',
    id: '2.4',
    title: 'Log metric and alert for project ownership / IAM changes',
    enforcedBy: ['alert:iam-policy-change'],
  },
  {
    framework: 'CIS GCP 3.0',
    id: '2.6',
    title: 'Log metric and alert for custom role / IAM changes',
    enforcedBy: ['alert:iam-policy-change'],
  },
  {
    framework: 'CIS GCP 3.0',
    id: '3.9',
    title: 'No HTTPS or SSL proxy load balancers with weak cipher suites',
    enforcedBy: ['CKV_CONVAI_6', 'CKV_CONVAI_7'],
  },
  {
    framework: 'CIS GCP 3.0',
    id: '6.1.1',
    title: 'Cloud SQL requires SSL for incoming connections',
    enforcedBy: ['CKV_GCP_6', 'setting:MultiRegionDb.sslMode'],
    note: 'MultiRegionDb requires TLS (ssl_mode ENCRYPTED_ONLY) with IAM database authentication; CKV_GCP_6 is suppressed with that reason because it accepts only client certificates.',
  },
  {
    framework: 'CIS GCP 3.0',
    id: '5.1',
    title: 'Cloud Storage buckets not anonymously or publicly accessible',
    enforcedBy: ['CKV_GCP_28'],
  },
  {
    framework: 'SOC 2',
    id: 'CC6.1',
    title: 'Logical access: least privilege, encryption of data at rest',
    enforcedBy: ['CKV_CONVAI_3', 'CKV_CONVAI_30', 'CKV_CONVAI_33', 'CKV_CONVAI_35', 'setting:PlatformSecret.grantAccess'],
  },
  {
    framework: 'SOC 2',
    id: 'CC6.6',
    title: 'Protection at the system boundary',
    enforcedBy: ['CKV_CONVAI_1', 'CKV_CONVAI_5', 'CKV_CONVAI_11'],
  },
  {
    framework: 'SOC 2',
    id: 'CC6.7',
    title: 'Data in transit is encrypted',
    enforcedBy: ['CKV_CONVAI_6', 'CKV_CONVAI_7', 'CKV_CONVAI_8', 'CKV_GCP_6', 'CKV_GCP_97'],
    note: 'The database requires TLS (MultiRegionDb, see CIS 6.1.1); CKV_GCP_97 (Memorystore in-transit encryption) applies when a Memorystore cache tier is added — the reference stacks have none yet, the runtime accepts rediss:// URLs.',
  },
  {
    framework: 'SOC 2',
    id: 'CC7.2',
    title: 'Security events are monitored and anomalies alerted',
    enforcedBy: ['alert:iam-policy-change', 'alert:unexpected-secret-access', 'alert:kms-key-disabled', 'alert:webhook-auth-failures'],
  },
  { framework: 'SOC 2', id: 'CC8.1', title: 'Changes are authorised and traceable', enforcedBy: ['CKV_CONVAI_9', 'CKV_CONVAI_12'] },
  {
    framework: 'GDPR',
    id: 'Art. 32(1)(a)',
    title: 'Encryption of personal data',
    enforcedBy: ['CKV_CONVAI_30', 'CKV_CONVAI_32', 'CKV_CONVAI_33', 'CKV_CONVAI_35', 'CKV_CONVAI_36', 'CKV_CONVAI_7'],
  },
  {
    framework: 'GDPR',
    id: 'Art. 5(1)(e)',
    title: 'Storage limitation (retention)',
    enforcedBy: [
      'setting:PlatformSecret.versionDestroyTtl',
      'setting:DrBackup.retention',
      'setting:DrBackup.deleteAfter',
      'setting:MultiRegionDb.transactionLogRetention',
    ],
    note: 'Conversation data in the runtime lives in monthly partitions of turn_events (runtime/src/storage/migrations.ts): a month past retention is dropped whole.',
  },
  {
    framework: 'GDPR',
    id: 'Art. 17',
    title: 'Erasure: data can be made unreadable',
    enforcedBy: ['setting:SecureSecrets.destroyScheduledDuration'],
    note: 'Per-purpose keys allow crypto-shredding one class of data (e.g. backups) without touching the others; record-level erasure is the runtime’s job.',
  },
  { framework: 'GDPR', id: 'Art. 44', title: 'Data residency of replicas and messages', enforcedBy: ['setting:SecureSecrets.regions'] },
];
