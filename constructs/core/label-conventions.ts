/**
 * The platform's label conventions, shared by the constructs that apply labels (`PlatformLabels`,
 * `PlatformStack`), the reference stacks and the policy rules that judge them. A leaf module: it
 * imports nothing, so a construct can use the conventions without loading the policy pack.
 */

/** Labels every labelled resource must carry. */
export const REQUIRED_LABELS = ['env', 'team', 'cost-center', 'managed-by'] as const;

/** Values of the `env` label that mean "production" (prod-only defaults and rules key on them). */
export const PRODUCTION_ENVS = ['prod', 'production'] as const;
