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

/** How a runbook says what one declared action does (the runbooks' "Automated first response"). */
function describeDeclaredAction(action: Record<string, unknown>): string {
  switch (action.type) {
    case 'runtime-flag':
      return (
        `runtime flag \`${String(action.flag)}=${String(action.value)}\` in the alert's region for at most ${String(action.ttlMinutes)} min` +
        (action.flag === 'nlp-mode'
          ? ': the webhook answers from the local analyzer without calling the Natural Language API, so no turn waits on a failing API or a half-open breaker (the instances read the flag within 5 s; it expires by itself)'
          : '')
      );
    case 'raise-min-instances':
      return `min instances of the webhook's Cloud Run service in the alert's region raised by ${String(action.step)}, never above ${String(action.cap)} (nor the responder's \`maxMinInstances\`, nor the service's max instances); on GKE recorded as skipped`;
    default:
      return JSON.stringify(action);
  }
}

/**
 * The "Automated first response" section of `kind`'s runbook, generated from the actions and the
 * dependency graph above, so the runbooks say exactly what the responder does (a test compares).
 */
export function firstResponseSection(kind: string): string {
  const actions = ALERT_ACTIONS[kind] ?? [];
  const explains = ALERT_DEPENDENCIES[kind]?.explains ?? [];
  const explainedBy = Object.entries(ALERT_DEPENDENCIES)
    .filter(([, d]) => d.explains?.includes(kind))
    .map(([k]) => k);
  const code = (kinds: string[]) => kinds.map((k) => `\`${k}\``).join(', ');
  return [
    '## Automated first response',
    '',
    'When this alert opens an incident, the incident responder runs, on its own and audited:',
    '',
    "- a diagnostics snapshot, once per incident: each webhook region's readiness (its circuit breakers) read from `/readyz`, latency burn rates and the degraded share now from the turn log, the values the alerts reported, and links to the logs query for the window, Trace Explorer, the dashboard and the runbooks;",
    ...(actions.length > 0
      ? actions.map((a) => `- ${describeDeclaredAction(a)}.`)
      : ['- no mitigation: what fixes this needs a person (see Mitigations above).']),
    '',
    ...(explains.length > 0
      ? [`It explains ${code(explains)} in the same service: those join its incident without a message of their own.`, '']
      : []),
    ...(explainedBy.length > 0
      ? [
          `While ${code(explainedBy)} is open in the same service, this alert joins that incident without a message of its own, and that incident's actions run instead.`,
          '',
        ]
      : []),
    ...(actions.length > 0
      ? [
          'Mitigations are applied in production and recorded as dry runs elsewhere; each is undone when the incident resolves. To stop automation on an incident (and undo what it applied): `POST /incidents/<id>/stop-automation` with `{"revert": true}`.',
          '',
        ]
      : []),
    'Timeline, audit and impact are stored with the incident; the post-incident review is generated from them: `npm run incident:review -- --incident <id> --database-url <url>`. See [incident response](../incident-response.md).',
  ].join('\n');
}
