/**
 * The platform's threat model as data, so the audit report renders it and checks that every
 * control it cites exists (a policy id, an alert, a construct setting): it cannot drift from code.
 *
 * Control references: `CKV_…` a check (our pack or checkov's), `alert:<name>` a SecurityMonitoring
 * signal, `setting:<Construct>.<prop>` a construct prop or default.
 */

export interface Asset {
  readonly id: string;
  readonly what: string;
  readonly where: string;
}

export interface TrustBoundary {
  readonly id: string;
  readonly between: string;
  readonly crossing: string;
}

export interface Threat {
  readonly id: string;
  readonly threat: string;
  readonly assets: readonly string[];
  readonly boundary: string;
  readonly controls: readonly string[];
}

export const ASSETS: readonly Asset[] = [
  {
    id: 'A1',
    what: 'Customer utterances and session parameters (personal data)',
    where: 'in transit to the webhook; Cloud Run memory; logs',
  },
  { id: 'A2', what: 'Conversation records and feedback', where: 'Cloud SQL, buckets (backups, exports)' },
  { id: 'A3', what: 'Secrets (webhook shared secret, API credentials)', where: 'Secret Manager' },
  { id: 'A4', what: 'Encryption keys', where: 'Cloud KMS key rings per region' },
  { id: 'A5', what: 'The webhook service and its identity', where: 'Cloud Run, its service account' },
  { id: 'A6', what: 'Audit and security logs', where: 'Cloud Logging, Pub/Sub topics' },
];

export const TRUST_BOUNDARIES: readonly TrustBoundary[] = [
  { id: 'B1', between: 'Internet ↔ global load balancer', crossing: 'HTTPS requests from Dialogflow (and anyone else)' },
  { id: 'B2', between: 'Load balancer ↔ Cloud Run', crossing: 'Serverless NEG traffic with Google ID tokens' },
  { id: 'B3', between: 'Workload ↔ Google APIs', crossing: 'Secret reads, database connections, NLP calls as the service account' },
  { id: 'B4', between: 'Operators and pipelines ↔ project control plane', crossing: 'IAM changes, key management, deployments' },
];

export const THREATS: readonly Threat[] = [
  {
    id: 'T1',
    threat: 'Eavesdropping or tampering on the wire (downgraded TLS, plain HTTP)',
    assets: ['A1'],
    boundary: 'B1',
    controls: ['CKV_CONVAI_6', 'CKV_CONVAI_7', 'CKV_CONVAI_8'],
  },
  {
    id: 'T2',
    threat: 'Calls that bypass the edge (direct run.app URL) or come from anyone on the internet',
    assets: ['A1', 'A5'],
    boundary: 'B2',
    controls: ['CKV_CONVAI_1', 'CKV_CONVAI_4', 'alert:webhook-auth-failures'],
  },
  {
    id: 'T3',
    threat: 'Web attacks and floods against the webhook (OWASP, Log4j-style, volumetric)',
    assets: ['A1', 'A5'],
    boundary: 'B1',
    controls: ['CKV_CONVAI_5', 'CKV_CONVAI_11', 'CKV_CONVAI_13', 'alert:cloud-armor-blocked-spike'],
  },
  {
    id: 'T4',
    threat: 'A stolen credential: service account key leaked from a laptop or CI',
    assets: ['A3', 'A5'],
    boundary: 'B4',
    controls: ['CKV_CONVAI_37', 'alert:service-account-key-created'],
  },
  {
    id: 'T5',
    threat: 'Secret values exposed via Terraform state, the repository or over-broad readers',
    assets: ['A3'],
    boundary: 'B3',
    controls: ['CKV_CONVAI_38', 'setting:PlatformSecret.grantAccess', 'alert:unexpected-secret-access'],
  },
  {
    id: 'T6',
    threat: 'Privilege escalation or exposure by an IAM change (basic roles, public members, project-wide grants)',
    assets: ['A2', 'A3', 'A4', 'A5'],
    boundary: 'B4',
    controls: ['CKV_CONVAI_38', 'CKV_CONVAI_39', 'CKV_CONVAI_3', 'alert:iam-policy-change'],
  },
  {
    id: 'T7',
    threat: 'Data at rest read from storage media or backups outside our control',
    assets: ['A2', 'A3', 'A6'],
    boundary: 'B3',
    controls: ['CKV_CONVAI_30', 'CKV_CONVAI_32', 'CKV_CONVAI_33', 'CKV_CONVAI_34', 'CKV_CONVAI_35', 'CKV_CONVAI_36'],
  },
  {
    id: 'T8',
    threat: 'Crypto-shredding by accident or sabotage: a key disabled or destroyed',
    assets: ['A2', 'A3', 'A4'],
    boundary: 'B4',
    controls: ['CKV_GCP_82', 'setting:SecureSecrets.destroyScheduledDuration', 'alert:kms-key-disabled'],
  },
  {
    id: 'T9',
    threat: 'Long-lived keys and secrets: a compromise stays useful forever',
    assets: ['A3', 'A4'],
    boundary: 'B3',
    controls: ['CKV_GCP_43', 'CKV_CONVAI_31', 'setting:SecureSecrets.rotationPeriod'],
  },
  {
    id: 'T10',
    threat: 'Actions without a trace: who read a secret or used a key is unknown',
    assets: ['A3', 'A4', 'A6'],
    boundary: 'B4',
    controls: ['setting:SecureSecrets.dataAccessAuditLogs', 'setting:SecureSecrets.auditLogRetention', 'CKV_CONVAI_36', 'CKV_CONVAI_9'],
  },
];
