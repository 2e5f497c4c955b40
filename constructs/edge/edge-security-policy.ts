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

/**
 * Requests a second each unit of configured capacity is assumed to serve when the edge flood
 * guard is sized from it (one concurrent-request slot completing one request a second: the
 * runtime answers in well under a second, so real capacity is at least this).
 */
export const EDGE_REQUESTS_PER_SLOT_PER_SECOND = 1;
/**
 * The flood guard's threshold when nothing else is known: the capacity of `ScalableWebhook`'s
 * default sizing (10 instances × 80 concurrent requests × 1 request a second × 60 s).
 */
export const DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE = 10 * 80 * EDGE_REQUESTS_PER_SLOT_PER_SECOND * 60;

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
   * Requests per minute one source IP may send; the excess (not the source) is answered 429.
   *
   * A flood guard, not a per-user limit. Every Dialogflow webhook call arrives from Google's
   * shared egress addresses, so one "client IP" can carry a whole agent's traffic, and each 429
   * becomes a `webhook.error` for a real user. No rate-limit key tells Dialogflow from an abuser
   * either: header, cookie, XFF and user-IP keys are chosen by the caller (an abuser rotates them
   * to get fresh buckets), and region, SNI and TLS fingerprints are shared with Google's own
   * egress. So the threshold is the platform's capacity: a single source is throttled only when
   * it alone sends more than the backends can serve. Per-session limits belong to the runtime
   * (SessionRateLimiter), which sees the Dialogflow session and answers with a reply, not an error.
   * @default 48000 - the capacity of ScalableWebhook's default sizing (10 instances × 80 concurrent requests × 1 request a second × 60 s); ScalableWebhook passes its own capacity
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
 * a per-source-IP flood guard sized from the platform's capacity (see `rateLimitPerMinute`),
 * Adaptive Protection, and optional default-deny by source range.
 *
 * Shared by every exposure path (Cloud Run serverless NEGs today, GKE later) so both get the same
 * edge protection.
 */
export class EdgeSecurityPolicy extends Construct {
  /** The preconfigured WAF rules the policy enables (the module constant `PRECONFIGURED_WAF_RULES` holds the same, for JavaScript and TypeScript only) */
  public static readonly PRECONFIGURED_WAF_RULES: string[] = [...PRECONFIGURED_WAF_RULES];
  /** Requests a second one webhook concurrency slot serves, for sizing the rate limit (the module constant `EDGE_REQUESTS_PER_SLOT_PER_SECOND` holds the same, for JavaScript and TypeScript only) */
  public static readonly REQUESTS_PER_SLOT_PER_SECOND = EDGE_REQUESTS_PER_SLOT_PER_SECOND;
  /** The default per-IP rate limit a minute (the module constant `DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE` holds the same, for JavaScript and TypeScript only) */
  public static readonly DEFAULT_RATE_LIMIT_PER_MINUTE = DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE;
  /** Escape hatch: the Cloud Armor policy. */
  public readonly policy: ComputeSecurityPolicy;
  /** Requests a minute one source IP may send before the excess is answered 429. */
  public readonly rateLimitPerMinute: number;

  /**
   * The flood guard's threshold for a backend that serves `requestsPerSecond` at full scale:
   * that capacity over a minute, so no single source is throttled before the backends would be
   * saturated anyway.
   * @param requestsPerSecond requests a second the platform serves at its configured maximum
   */
  public static floodGuardPerMinute(requestsPerSecond: number): number {
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
      throw new Error(
        `EdgeSecurityPolicy.floodGuardPerMinute: requestsPerSecond is ${requestsPerSecond}: give the platform's capacity, above 0`,
      );
    }
    return Math.ceil(requestsPerSecond * 60);
  }

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
        say: (p) =>
          `rateLimitPerMinute is ${p.rateLimitPerMinute}: use a whole number of requests per minute, at least 1, sized from the platform capacity (EdgeSecurityPolicy.floodGuardPerMinute)`,
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
    // Flood guard: conforming requests are allowed (ending evaluation), the excess gets 429.
    // Throttle, never rate_based_ban: the source over the limit may be Google's egress carrying
    // every Dialogflow call, and banning it would turn a spike into an outage.
    this.rateLimitPerMinute = props.rateLimitPerMinute ?? DEFAULT_EDGE_RATE_LIMIT_PER_MINUTE;
    const throttle: ComputeSecurityPolicyRule = {
      priority: SOURCE_RULE_PRIORITY,
      action: 'throttle',
      description: `${props.allowedSourceRanges ? 'Allowed caller ranges; flood' : 'Flood'} guard: at most ${this.rateLimitPerMinute} requests a minute per source IP (the platform's capacity)`,
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: sources } },
      rateLimitOptions: {
        conformAction: 'allow',
        exceedAction: 'deny(429)',
        enforceOnKey: 'IP',
        rateLimitThreshold: { count: this.rateLimitPerMinute, intervalSec: 60 },
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
