/**
 * The project's policy pack, laid out like cdk-nag: one file of rules per area, and this catalog
 * that lists them. Each rule has a severity (`error` fails synth and the gate, `warning` is
 * reported) and two implementations of one id: a checkov check under `policies/checks/` and, for
 * `resource` rules, a TypeScript evaluator run at synth time by `PolicyChecks`.
 *
 * `test/policies/catalog.test.ts` keeps the two sides in step: every id here has a checkov check
 * with the same title, resource types and severity, every check in the pack is listed here, and on
 * the shared fixture table (`test/policies/fixtures/<id>/`) both give the same verdict.
 */
import { CLOUD_RUN_RULES } from './cloud-run';
import { DATABASE_RULES } from './database';
import { EDGE_RULES } from './edge';
import { ENCRYPTION_RULES } from './encryption';
import { IAM_RULES } from './iam';
import { KUBERNETES_RULES } from './kubernetes';
import { LABEL_RULES } from './labels';
import { MEMORYSTORE_RULES } from './memorystore';
import { MONITORING_RULES } from './monitoring';
import type { PolicyRule } from './policy-rule';

/** The rule files, by area. The id ranges are conventions for new rules, not enforced. */
export const POLICY_AREAS: Readonly<Record<string, readonly PolicyRule[]>> = {
  'cloud-run': CLOUD_RUN_RULES, // 1-4, 10, 12
  edge: EDGE_RULES, // 5-8, 11, 13
  labels: LABEL_RULES, // 9
  database: DATABASE_RULES, // 20-29
  encryption: ENCRYPTION_RULES, // 30-36
  iam: IAM_RULES, // 37-39
  monitoring: MONITORING_RULES, // 40-49
  kubernetes: KUBERNETES_RULES, // 50-59
  memorystore: MEMORYSTORE_RULES, // 60-69
};

const idNumber = (id: string): number => Number(/(\d+)$/.exec(id)?.[1] ?? Number.MAX_SAFE_INTEGER);

/** Every rule of the pack, by id number. */
export const POLICY_RULES: readonly PolicyRule[] = Object.values(POLICY_AREAS)
  .flat()
  .sort((a, b) => idNumber(a.id) - idNumber(b.id));

export function ruleById(id: string): PolicyRule | undefined {
  return POLICY_RULES.find((r) => r.id === id);
}
