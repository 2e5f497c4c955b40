import { ComputeSecurityPolicy, ComputeSecurityPolicyRule } from '@cdktf/provider-google/lib/compute-security-policy';
import { Construct } from 'constructs';
import { validateProps, isToken } from '../core/validation';

/**
 * The OWASP ModSecurity CRS rule sets Cloud Armor ships preconfigured (v3.3), plus the
 * `cve-canary` set (Log4j and similar). Each becomes one deny rule.
 */
export const PRECONFIGURED_WAF_RULES: readonly string[] = [
  'sqli-v33-stable',
  'xss-v33-stable',
  'lfi-v33-stable',
  'rfi-v33-stable',
  'rce-v33-stable',
  'scannerdetection-v33-stable',
  'protocolattack-v33-stable',
  'sessionfixation-v33-stable',
  'cve-canary',
];

const WAF_FIRST_PRIORITY = 1000;
const SOURCE_RULE_PRIORITY = 2000;
const DEFAULT_RULE_PRIORITY = 2147483647;

export interface EdgeSecurityPolicyProps {
  /** Policy name, unique in the project. */
  readonly name: string;
  /**
   * OWASP CRS sensitivity (paranoia level) for the preconfigured rules, 1 (fewest false
   * positives) to 4. Webhook bodies carry what customers typed, so higher levels block real
   * utterances; raise only with the rules in preview first.
   * @default 1
   */
  readonly wafSensitivity?: number;
  /**
   * Requests per minute one client IP may send before it is answered 429.
   * @default 600
   */
  readonly rateLimitPerMinute?: number;
  /**
   * Caller IP ranges allowed through; when given, everyone else is denied (default-deny).
   * @default - every source is allowed (subject to the WAF and rate-limit rules)
   */
  readonly allowedSourceRanges?: string[];
  /**
   * Cloud Armor Adaptive Protection (layer-7 DDoS detection).
   * @default true
   */
  readonly adaptiveProtection?: boolean;
  /**
   * Put the WAF rules in preview: they log matches but block nothing. For tuning only.
   * @default false
   */
  readonly wafPreview?: boolean;
}

/**
 * A Cloud Armor policy for a conversational webhook: OWASP preconfigured rules and `cve-canary`,
 * per-client rate limiting, Adaptive Protection, and optional default-deny by source range.
 *
 * Shared by every exposure path (Cloud Run serverless NEGs today, GKE later) so both get the same
 * edge protection.
 */
export class EdgeSecurityPolicy extends Construct {
  /** Escape hatch: the Cloud Armor policy. */
  public readonly policy: ComputeSecurityPolicy;

  constructor(scope: Construct, id: string, props: EdgeSecurityPolicyProps) {
    super(scope, id);
    validateProps(this.node.path, props, [
      {
        when: (p) => p.wafSensitivity !== undefined && !isToken(p.wafSensitivity) && ![1, 2, 3, 4].includes(p.wafSensitivity),
        say: (p) => `wafSensitivity is ${p.wafSensitivity}: use 1, 2, 3 or 4 (1 blocks the fewest real utterances)`,
      },
      {
        when: (p) =>
          p.rateLimitPerMinute !== undefined &&
          !isToken(p.rateLimitPerMinute) &&
          !(Number.isInteger(p.rateLimitPerMinute) && p.rateLimitPerMinute >= 1),
        say: (p) => `rateLimitPerMinute is ${p.rateLimitPerMinute}: use a whole number of requests per minute, at least 1`,
      },
      {
        when: (p) => p.allowedSourceRanges !== undefined && !isToken(p.allowedSourceRanges) && p.allowedSourceRanges.length === 0,
        say: () => 'allowedSourceRanges is empty, which would deny every caller: omit it to allow all sources, or list the caller ranges',
      },
      {
        when: (p) => (p.allowedSourceRanges ?? []).length > 10,
        say: (p) =>
          `allowedSourceRanges has ${p.allowedSourceRanges!.length} ranges: Cloud Armor takes at most 10 per rule; aggregate them`,
      },
    ]);

    const sensitivity = props.wafSensitivity ?? 1;
    const waf: ComputeSecurityPolicyRule[] = PRECONFIGURED_WAF_RULES.map((set, i) => ({
      priority: WAF_FIRST_PRIORITY + i,
      action: 'deny(403)',
      preview: props.wafPreview ?? false,
      description: `OWASP/Google preconfigured rule set ${set}`,
      match: { expr: { expression: `evaluatePreconfiguredWaf('${set}', {'sensitivity': ${sensitivity}})` } },
    }));
    const sources = props.allowedSourceRanges ?? ['*'];
    // Throttle: conforming requests are allowed (ending evaluation), the excess gets 429.
    const throttle: ComputeSecurityPolicyRule = {
      priority: SOURCE_RULE_PRIORITY,
      action: 'throttle',
      description: props.allowedSourceRanges ? 'Allowed caller ranges, rate limited per client IP' : 'Rate limit per client IP',
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: sources } },
      rateLimitOptions: {
        conformAction: 'allow',
        exceedAction: 'deny(429)',
        enforceOnKey: 'IP',
        rateLimitThreshold: { count: props.rateLimitPerMinute ?? 600, intervalSec: 60 },
      },
    };
    const defaultRule: ComputeSecurityPolicyRule = {
      priority: DEFAULT_RULE_PRIORITY,
      action: props.allowedSourceRanges ? 'deny(403)' : 'allow',
      description: props.allowedSourceRanges ? 'Default deny: caller outside allowedSourceRanges' : 'Default allow',
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
    };

    this.policy = new ComputeSecurityPolicy(this, 'policy', {
      name: props.name,
      type: 'CLOUD_ARMOR',
      description: 'Edge policy for the conversational webhook (managed by cdktf)',
      rule: [...waf, throttle, defaultRule],
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: props.adaptiveProtection ?? true } },
    });
  }
}
