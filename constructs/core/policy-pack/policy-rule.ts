/**
 * The shape of one rule of the project's policy pack (see `catalog.ts`).
 *
 * Each rule has one id shared by two implementations: a checkov check under `policies/checks/`
 * (YAML or Python), run by the policy gate over the synthesized JSON in CI; and, where the rule can
 * be judged from one resource's synthesized block, a TypeScript evaluator run at synth time by
 * `PolicyChecks`, so users see the problem before CI.
 */

/** A resolved resource block, as it appears under `resource.<type>.<name>` in cdk.tf.json. */
export type ResourceBlock = Record<string, any>;

/**
 * How much a violation weighs, as in cdk-nag's error and warning levels.
 * - `error`: fails synth and the policy gate (exit 1).
 * - `warning`: reported at synth (a cdktf warning annotation) and by the gate (SARIF level
 *   `warning`, a JUnit failure of type `warning`, a WARNING line), but fails neither.
 */
export type PolicySeverity = 'error' | 'warning';

/** Every severity, most severe first. */
export const POLICY_SEVERITIES: readonly PolicySeverity[] = ['error', 'warning'];

/**
 * Where the rule is judged:
 * - `resource`: from one resource's block; has a TypeScript `evaluate` and a checkov twin.
 * - `graph`: needs the links between resources (a checkov connection check); checkov only.
 */
export type PolicyRuleScope = 'resource' | 'graph';

export interface PolicyRule {
  /** Stable id; suppressions and reports use it. Never renumber. */
  readonly id: string;
  /** What must hold, in one line (as checkov prints it). */
  readonly title: string;
  /** How to fix a failure, in one line, for synth errors. */
  readonly fix: string;
  /** Whether a violation fails synth and the gate (`error`) or is only reported (`warning`). */
  readonly severity: PolicySeverity;
  /** Resource types the rule looks at. */
  readonly resourceTypes: readonly string[];
  /** Where the rule is judged; a `resource` rule has `evaluate`, a `graph` rule has none. */
  readonly scope: PolicyRuleScope;
  /** Synth-time evaluator: undefined when it passes, else what is wrong. Only on `resource` rules. */
  readonly evaluate?: (block: ResourceBlock, type: string) => string | undefined;
}
