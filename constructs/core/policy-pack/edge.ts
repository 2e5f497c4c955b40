/** Rules on the edge in front of the webhook: load balancer backends, TLS, HTTP redirects, Cloud Armor. */
import { first } from './block-values';
import type { PolicyRule, ResourceBlock } from './policy-rule';

/** The scheme of an internet-facing backend service (unset means EXTERNAL), else undefined. */
function externalScheme(block: ResourceBlock): string | undefined {
  const scheme = block.load_balancing_scheme ?? 'EXTERNAL';
  return scheme === 'EXTERNAL' || scheme === 'EXTERNAL_MANAGED' ? scheme : undefined;
}

export const EDGE_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_5',
    title: 'External backend service has a Cloud Armor security policy',
    fix: 'attach a Cloud Armor policy (ScalableWebhook creates one unless you pass your own)',
    severity: 'error',
    resourceTypes: ['google_compute_backend_service'],
    scope: 'resource',
    evaluate: (b) => {
      const scheme = externalScheme(b);
      if (!scheme) return undefined;
      return b.security_policy ? undefined : `${scheme} backend service has no security_policy`;
    },
  },
  {
    id: 'CKV_CONVAI_6',
    title: 'HTTPS proxy has an SSL policy',
    fix: 'attach an SSL policy with min_tls_version TLS_1_2 and profile MODERN or RESTRICTED',
    severity: 'error',
    resourceTypes: ['google_compute_target_https_proxy'],
    scope: 'resource',
    evaluate: (b) => (b.ssl_policy ? undefined : 'ssl_policy is unset, so Google’s default (TLS 1.0) applies'),
  },
  {
    id: 'CKV_CONVAI_7',
    title: 'SSL policy requires TLS 1.2 or newer with the MODERN or RESTRICTED profile',
    fix: 'set min_tls_version to TLS_1_2 and profile to MODERN or RESTRICTED',
    severity: 'error',
    resourceTypes: ['google_compute_ssl_policy'],
    scope: 'resource',
    evaluate: (b) => {
      const problems: string[] = [];
      const tls = b.min_tls_version ?? 'TLS_1_0';
      if (!['TLS_1_2', 'TLS_1_3'].includes(tls)) problems.push(`min_tls_version is ${tls}`);
      const profile = b.profile ?? 'COMPATIBLE';
      if (!['MODERN', 'RESTRICTED'].includes(profile)) problems.push(`profile is ${profile}`);
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_8',
    title: 'Plain-HTTP proxies only redirect to HTTPS',
    fix: 'point the HTTP proxy at a URL map whose default_url_redirect has https_redirect = true',
    severity: 'error',
    resourceTypes: ['google_compute_target_http_proxy'],
    // The proxy -> URL map link decides it.
    scope: 'graph',
  },
  {
    id: 'CKV_CONVAI_11',
    title: 'Cloud Armor policy denies Log4j-style exploits (cve-canary) outside preview',
    fix: "add a deny rule matching evaluatePreconfiguredWaf('cve-canary') with preview off (EdgeSecurityPolicy does)",
    severity: 'error',
    resourceTypes: ['google_compute_security_policy'],
    scope: 'resource',
    // checkov's own CKV_GCP_73 crashes on terraform_json (it needs the HCL graph), so we carry it.
    evaluate: (b) => {
      const rules: Record<string, any>[] = Array.isArray(b.rule) ? b.rule : b.rule ? [b.rule] : [];
      const blocks = rules.some((r) => {
        const expression = first(first(r.match)?.expr)?.expression;
        return (
          typeof expression === 'string' &&
          /evaluatePreconfigured(Waf|Expr)\(\s*'cve-canary'/.test(expression) &&
          String(r.action ?? '').startsWith('deny') &&
          r.preview !== true
        );
      });
      return blocks ? undefined : 'no enforced deny rule evaluates the cve-canary rule set';
    },
  },
  {
    id: 'CKV_CONVAI_13',
    title: 'External backend service logs requests',
    fix: 'set log_config.enable = true (GlobalHttpsLoadBalancer does, with logSampleRate 1 by default)',
    // Missing request logs cost an investigation its evidence, but expose nothing: reported, not blocking.
    severity: 'warning',
    resourceTypes: ['google_compute_backend_service'],
    scope: 'resource',
    evaluate: (b) => {
      const scheme = externalScheme(b);
      if (!scheme) return undefined;
      return first(b.log_config)?.enable === true ? undefined : `${scheme} backend service has request logging off`;
    },
  },
];
