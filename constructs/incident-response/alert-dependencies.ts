/**
 * The platform's dependency graph as the alerts see it: which dependency each alert kind (its
 * runbook name) is about, and which alerts a firing cause explains. The webhook calls Natural
 * Language, Redis and Postgres; an open NLP breaker therefore explains degraded replies, slow turns
 * (latency burn) and worse intent handling in the same service. The responder's rules document is
 * derived from this and from the alert policies a stack actually has.
 */
export const ALERT_DEPENDENCIES: { readonly [kind: string]: { readonly dependency: string; readonly explains?: string[] } } = {
  'nlp-breaker-open': {
    dependency: 'nlp',
    explains: ['webhook-degraded-replies', 'slo-latency-burn', 'webhook-no-match-rate', 'conversation-quality-low', 'nlp-quota-saturation'],
  },
  'nlp-quota-saturation': { dependency: 'nlp' },
  'cloud-sql-saturation': { dependency: 'postgres' },
  'cloud-run-saturation': { dependency: 'instances', explains: ['slo-latency-burn'] },
  'webhook-uptime': { dependency: 'edge', explains: ['slo-availability-burn'] },
  'slo-availability-burn': { dependency: 'slo' },
  'slo-latency-burn': { dependency: 'slo' },
  'webhook-degraded-replies': { dependency: 'replies' },
  'webhook-no-match-rate': { dependency: 'dialogflow' },
  'conversation-quality-low': { dependency: 'dialogflow' },
};

/** Actions per kind, as the runbooks call for them: safe, reversible, capped. Diagnostics always run. */
export const ALERT_ACTIONS: { readonly [kind: string]: ReadonlyArray<Record<string, unknown>> } = {
  'nlp-breaker-open': [{ type: 'runtime-flag', flag: 'nlp-mode', value: 'local', ttlMinutes: 60 }],
  'cloud-run-saturation': [{ type: 'raise-min-instances', step: 1, cap: 5 }],
};

export interface IncidentRulesOptions {
  /** The kinds (runbook names) of the alert policies wired to the responder. */
  readonly kinds: string[];
  readonly project: string;
  readonly runbookBaseUrl: string;
  readonly dashboardUrl?: string;
  readonly latencyObjective: number;
  readonly latencyThresholdMs: number;
  readonly windowDays: number;
  readonly groupWaitSeconds?: number;
  readonly groupWindowSeconds?: number;
}

/** The responder's rules document (runtime/src/incident/rules.ts) for the kinds a stack has. */
export function incidentRules(o: IncidentRulesOptions): Record<string, unknown> {
  const kinds = [...new Set(o.kinds)].sort();
  const known = new Set(kinds);
  return {
    version: 1,
    groupWaitSeconds: o.groupWaitSeconds ?? 120,
    groupWindowSeconds: o.groupWindowSeconds ?? 1800,
    kinds: Object.fromEntries(kinds.map((k) => [k, { dependency: ALERT_DEPENDENCIES[k]?.dependency ?? k }])),
    inhibit: kinds
      .map((k) => ({ source: k, targets: (ALERT_DEPENDENCIES[k]?.explains ?? []).filter((t) => known.has(t)), equal: ['service'] }))
      .filter((r) => r.targets.length > 0),
    actions: Object.fromEntries(kinds.filter((k) => ALERT_ACTIONS[k]).map((k) => [k, ALERT_ACTIONS[k]])),
    slo: { latencyObjective: o.latencyObjective, latencyThresholdMs: o.latencyThresholdMs, windowDays: o.windowDays },
    links: { project: o.project, runbookBaseUrl: o.runbookBaseUrl, ...(o.dashboardUrl && { dashboardUrl: o.dashboardUrl }) },
  };
}
