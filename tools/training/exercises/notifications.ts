/**
 * Cloud Monitoring Pub/Sub notifications (schema 1.2) for the incident exercises, shaped like the
 * recorded scenarios in test/incident/scenarios/: what `npm run incident:replay` reads.
 */
export interface AlertSpec {
  readonly id: string;
  /** Runbook name: the alert kind (docs/monitoring/runbooks/<kind>.md). */
  readonly kind: string;
  readonly policy: string;
  readonly severity: 'page' | 'ticket';
  readonly region?: string;
  readonly service?: string;
  /** Seconds after the scenario's start. */
  readonly at: number;
  readonly closedAt?: number;
}

/** 2026-12-01T00:00:00Z: scenarios start here. */
export const SCENARIO_START = 1_796_083_200;

export function notificationLines(alerts: readonly AlertSpec[]): string {
  const lines: string[] = [];
  for (const a of alerts) {
    lines.push(JSON.stringify(notification(a, 'open')));
    if (a.closedAt !== undefined) lines.push(JSON.stringify(notification(a, 'closed')));
  }
  return `${lines.join('\n')}\n`;
}

function notification(a: AlertSpec, state: 'open' | 'closed'): Record<string, unknown> {
  const service = a.service ?? 'webhook';
  return {
    version: '1.2',
    incident: {
      incident_id: a.id,
      scoping_project_id: 'acme-convai-prod',
      scoping_project_number: 123456789012,
      url: `https://console.cloud.google.com/monitoring/alerting/incidents/${a.id}?project=acme-convai-prod`,
      started_at: SCENARIO_START + a.at,
      ended_at: state === 'closed' ? SCENARIO_START + a.closedAt! : null,
      state,
      summary: `${a.policy} is above`,
      observed_value: '1',
      policy_name: a.policy,
      policy_user_labels: { env: 'prod', service, severity: a.severity, runbook: a.kind },
      condition_name: a.policy,
      severity: a.severity === 'page' ? 'Critical' : 'Warning',
      resource: a.region
        ? { type: 'cloud_run_revision', labels: { location: a.region, service_name: service } }
        : { type: 'global', labels: {} },
      ...(a.region && { metric: { type: 'logging.googleapis.com/user/webhook-turns', labels: { region: a.region } } }),
      documentation: {
        content: '...',
        mime_type: 'text/markdown',
        subject: a.policy,
        links: [
          { displayName: 'Runbook', url: `https://github.com/convai-platform/cdktf-gcp/blob/main/docs/monitoring/runbooks/${a.kind}.md` },
        ],
      },
    },
  };
}
