/** Rules on the webhook's GKE workload: the restricted pod standard's seccomp profile, evictable pods. */
import { asList, first, isUnresolved } from './block-values';
import type { PolicyRule } from './policy-rule';

const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];

export const KUBERNETES_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_50',
    title: 'Kubernetes Deployment pods use the RuntimeDefault or Localhost seccomp profile',
    fix: 'set spec.template.spec.security_context.seccomp_profile.type = RuntimeDefault (ScalableWebhook on GKE does)',
    severity: 'error',
    resourceTypes: ['kubernetes_deployment_v1', 'kubernetes_deployment'],
    scope: 'resource',
    // checkov's Terraform Kubernetes checks have no seccomp check; the restricted pod standard needs one.
    evaluate: (b) => {
      const pod = first(first(first(b.spec)?.template)?.spec);
      const containers = asList(pod?.container);
      if (containers.length === 0) return 'no containers';
      const profile = (spec: Record<string, any> | undefined): unknown => first(first(spec?.security_context)?.seccomp_profile)?.type;
      const podProfile = profile(pod);
      const bad = containers
        .map((c) => profile(c) ?? podProfile)
        .filter((t) => !isUnresolved(t) && !(typeof t === 'string' && SECCOMP_ALLOWED.includes(t)));
      return bad.length > 0 ? `seccomp profile is ${bad.map((t) => t ?? 'unset').join(', ')}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_51',
    title: 'PodDisruptionBudget allows at least one voluntary eviction',
    fix: 'use max_unavailable ≥ 1 or a min_available below the replica count (ScalableWebhook defaults to minReplicas - 1)',
    severity: 'error',
    resourceTypes: ['kubernetes_pod_disruption_budget_v1', 'kubernetes_pod_disruption_budget'],
    scope: 'resource',
    evaluate: (b) => {
      const spec = first(b.spec);
      const maxUnavailable = spec?.max_unavailable;
      const minAvailable = spec?.min_available;
      if (maxUnavailable !== undefined && !isUnresolved(maxUnavailable) && ['0', '0%'].includes(String(maxUnavailable).trim())) {
        return `max_unavailable is ${maxUnavailable}, so no pod can ever be evicted`;
      }
      if (minAvailable !== undefined && !isUnresolved(minAvailable) && String(minAvailable).trim() === '100%') {
        return 'min_available is 100%, so no pod can ever be evicted';
      }
      return undefined;
    },
  },
];
