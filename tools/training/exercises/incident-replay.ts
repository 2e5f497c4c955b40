import { ALERT_DEPENDENCIES, incidentRules } from '../../../constructs/incident-response/alert-dependencies';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../../constructs/core/runbooks';
import { Alert, parseNotification } from '../../../runtime/src/incident/notification';
import { replayAlerts } from '../../../runtime/src/incident/replay';
import { IncidentResponder } from '../../../runtime/src/incident/responder';
import { parseRules } from '../../../runtime/src/incident/rules';

/** What `npm run incident:replay -- <file>` computes, in process: the responder with the reference platform's rules. */
export async function replayNotifications(jsonl: string): Promise<{ counts: Record<string, number>; alerts: Alert[] }> {
  const rules = parseRules(
    incidentRules({
      kinds: Object.keys(ALERT_DEPENDENCIES),
      project: 'replay',
      runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
      latencyObjective: 95,
      latencyThresholdMs: 800,
      windowDays: 30,
    }),
    'default rules',
  );
  const alerts = jsonl
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => parseNotification(JSON.parse(l)));
  const responder = new IncidentResponder({ rules, dryRun: true, notify: async () => undefined });
  await replayAlerts(responder, alerts);
  return { counts: { ...responder.counts }, alerts };
}

/** Alert kinds present that no other present kind explains (ALERT_DEPENDENCIES): where to start. */
export function rootCauseKinds(alerts: readonly Alert[]): string[] {
  const kinds = new Set(alerts.map((a) => a.kind));
  const explained = new Set([...kinds].flatMap((k) => ALERT_DEPENDENCIES[k]?.explains ?? []));
  return [...kinds].filter((k) => !explained.has(k)).sort();
}
