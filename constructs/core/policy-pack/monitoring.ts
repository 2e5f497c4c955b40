/** Rules on monitoring: runbooks on alerts, someone hears production alerts, SLOs exist and page. */
import { first, isProductionEnv, isUnresolved } from './block-values';
import type { PolicyRule } from './policy-rule';

export const MONITORING_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_40',
    title: 'Alert policy documentation links a runbook',
    fix: 'put a line "Runbook: <https URL>" in documentation.content (SloAlerting does, from Runbooks.url)',
    // The alert still fires and reaches someone; a missing runbook slows the response: reported, not blocking.
    severity: 'warning',
    resourceTypes: ['google_monitoring_alert_policy'],
    scope: 'resource',
    evaluate: (b) => {
      const content = first(b.documentation)?.content;
      return typeof content === 'string' && /(^|\n)Runbook: https:\/\/\S+/.test(content)
        ? undefined
        : 'documentation.content has no "Runbook: https://..." line';
    },
  },
  {
    id: 'CKV_CONVAI_41',
    title: 'Alert policy is labelled with its environment and, in production, notifies at least one channel',
    fix: 'label the policy user_labels.env (PlatformStack does) and give it notification_channels (SloAlerting, DrBackup, SecurityMonitoring: pageChannels / ticketChannels)',
    severity: 'error',
    resourceTypes: ['google_monitoring_alert_policy'],
    scope: 'resource',
    // Without `env` a policy could not be judged, and so once passed unheard: it fails instead.
    evaluate: (b) => {
      if (isUnresolved(b.user_labels)) return undefined;
      const env = b.user_labels?.env;
      if (isUnresolved(env)) return undefined;
      if (!(typeof env === 'string' && env !== '')) return 'user_labels.env is unset: the policy cannot be judged for production';
      if (!isProductionEnv(env)) return undefined;
      const channels = b.notification_channels;
      if (isUnresolved(channels)) return undefined;
      const list: unknown[] = Array.isArray(channels) ? channels : typeof channels === 'string' ? [channels] : [];
      return list.some((c) => typeof c === 'string' && c !== '') ? undefined : 'notification_channels is empty';
    },
  },
  {
    id: 'CKV_CONVAI_42',
    title: 'SLO has a paging burn-rate alert policy',
    fix: 'watch the SLO with a select_slo_burn_rate policy labelled severity=page (SloAlerting creates two per SLO)',
    severity: 'error',
    resourceTypes: ['google_monitoring_slo'],
    // The SLO <- alert policy link decides it.
    scope: 'graph',
  },
  {
    id: 'CKV_CONVAI_43',
    title: 'Monitoring service has a request-based availability SLO',
    fix: 'add a request-based good/total SLO to the service (SloAlerting creates one)',
    // A service without an SLO is unmeasured, not exposed; the paging rule (42) guards the SLOs that exist.
    severity: 'warning',
    resourceTypes: ['google_monitoring_custom_service'],
    // The service <- SLO link decides it.
    scope: 'graph',
  },
  {
    id: 'CKV_CONVAI_44',
    title: 'Monitoring service has a request-based latency SLO',
    fix: 'add a request-based distribution-cut SLO to the service (SloAlerting creates one)',
    severity: 'warning',
    resourceTypes: ['google_monitoring_custom_service'],
    // The service <- SLO link decides it.
    scope: 'graph',
  },
  {
    id: 'CKV_CONVAI_45',
    title: 'Production Cloud Run service is watched by a Monitoring service with SLOs',
    fix: 'watch the service with SloAlerting (SloTarget.cloudRun({ services }))',
    severity: 'error',
    resourceTypes: ['google_cloud_run_v2_service'],
    // The Cloud Run service <- Monitoring service link decides it.
    scope: 'graph',
  },
];
