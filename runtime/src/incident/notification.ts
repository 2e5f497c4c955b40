import { z } from 'zod';

/**
 * One Cloud Monitoring notification, as the Pub/Sub channel delivers it (schema version 1.2): the
 * fields the responder reads. Unknown fields are accepted; Monitoring adds them over time.
 */
const Incident = z
  .object({
    incident_id: z.string().min(1),
    policy_name: z.string().default(''),
    state: z.enum(['open', 'closed']),
    started_at: z.number().int().nonnegative(),
    ended_at: z.number().int().nonnegative().nullable().optional(),
    summary: z.string().default(''),
    url: z.string().optional(),
    observed_value: z.string().optional(),
    severity: z.string().optional(),
    policy_user_labels: z.record(z.string()).default({}),
    resource: z
      .object({ type: z.string().optional(), labels: z.record(z.string()).default({}) })
      .passthrough()
      .optional(),
    metric: z
      .object({ type: z.string().optional(), labels: z.record(z.string()).default({}) })
      .passthrough()
      .optional(),
    documentation: z
      .object({ links: z.array(z.object({ url: z.string() }).passthrough()).optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const Notification = z.object({ version: z.string().optional(), incident: Incident }).passthrough();

/** An alert as the responder reasons about it. */
export interface Alert {
  /** Cloud Monitoring's incident id: one per firing of a policy (per resource). */
  readonly id: string;
  /** The runbook name: the alert's kind (the `runbook` policy label, else the runbook link). */
  readonly kind: string;
  readonly policy: string;
  readonly service: string;
  /** The region the condition fired in, when the metric or resource has one. */
  readonly region?: string;
  readonly severity: 'page' | 'ticket';
  readonly state: 'open' | 'closed';
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly summary: string;
  readonly observedValue?: string;
  /** Cloud Monitoring's page for this alert. */
  readonly url?: string;
}

/** Parse one notification (the JSON Monitoring publishes); throws naming what is wrong. */
export function parseNotification(json: unknown): Alert {
  const parsed = Notification.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `not a Cloud Monitoring notification: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const i = parsed.data.incident;
  const labels = i.policy_user_labels;
  const link = i.documentation?.links?.map((l) => /\/([a-z0-9-]+)\.md$/.exec(l.url)?.[1]).find(Boolean);
  return {
    id: i.incident_id,
    kind: labels.runbook ?? link ?? 'unknown',
    policy: i.policy_name,
    service: labels.service ?? 'unknown',
    region: i.metric?.labels.region ?? i.resource?.labels.location ?? i.resource?.labels.region,
    severity: labels.severity === 'page' || i.severity?.toLowerCase() === 'critical' ? 'page' : 'ticket',
    state: i.state,
    startedAt: i.started_at,
    endedAt: i.ended_at ?? undefined,
    summary: i.summary,
    observedValue: i.observed_value,
    url: i.url,
  };
}
