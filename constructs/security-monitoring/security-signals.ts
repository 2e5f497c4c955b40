/**
 * The security events the platform watches, each a log-based metric, an alert and a runbook.
 * Filters use Cloud Audit Logs (admin activity is always on; KMS and Secret Manager data access
 * is turned on by SecureSecrets), Cloud Armor's load balancer logs and the runtime's JSON logs.
 */
export interface SecuritySignal {
  /** Kebab-case id: the metric name suffix, the construct id suffix and the runbook name (API). */
  readonly name: string;
  /** Alert title. */
  readonly title: string;
  /** What it means, for the alert documentation. */
  readonly summary: string;
  /** Alert severity as Cloud Monitoring names it. */
  readonly severity: 'CRITICAL' | 'ERROR' | 'WARNING';
}

export const SIGNALS = {
  iamPolicyChange: {
    name: 'iam-policy-change',
    title: 'IAM policy changed',
    summary: 'Someone changed an IAM policy (project, secret, key, service or bucket). Check it was a reviewed change.',
    severity: 'WARNING',
  },
  serviceAccountKeyCreated: {
    name: 'service-account-key-created',
    title: 'Service account key created',
    summary: 'A service account key was created or uploaded. The platform uses none: treat it as a possible credential leak.',
    severity: 'CRITICAL',
  },
  unexpectedSecretAccess: {
    name: 'unexpected-secret-access',
    title: 'Secret read by an unexpected principal',
    summary: 'A principal outside the platform’s expected accessors read a secret value.',
    severity: 'CRITICAL',
  },
  kmsKeyDisabled: {
    name: 'kms-key-disabled',
    title: 'KMS key version disabled or scheduled for destruction',
    summary: 'A Cloud KMS key version was disabled or scheduled for destruction: data encrypted with it becomes unreadable.',
    severity: 'CRITICAL',
  },
  cloudArmorBlockedSpike: {
    name: 'cloud-armor-blocked-spike',
    title: 'Cloud Armor blocked-request spike',
    summary: 'Cloud Armor is denying requests at an unusual rate: an attack, a scanner, or a rule blocking real traffic.',
    severity: 'WARNING',
  },
  webhookAuthFailures: {
    name: 'webhook-auth-failures',
    title: 'Webhook authentication failures',
    summary: 'The webhook runtime is rejecting callers (event webhook.auth_failed): a misconfigured agent, a rotated secret, or probing.',
    severity: 'WARNING',
  },
} satisfies Record<string, SecuritySignal>;
