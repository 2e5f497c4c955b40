import { ALERT_DEPENDENCIES, incidentRules } from '../../../constructs/incident-response/alert-dependencies';
import { IncidentRules, parseRules } from '../../../runtime/src/incident/rules';

/** The responder's rules as IncidentResponse writes them, for every alert kind: a 95 % / 800 ms latency SLO over 30 days. */
export function testRules(project: string, source: string): IncidentRules {
  return parseRules(
    incidentRules({
      kinds: Object.keys(ALERT_DEPENDENCIES),
      project,
      runbookBaseUrl: 'https://example.invalid/runbooks',
      latencyObjective: 95,
      latencyThresholdMs: 800,
      windowDays: 30,
    }),
    source,
  );
}
