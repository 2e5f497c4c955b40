import { IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { POLICY_RULES } from './policy-catalog';
import { PolicySuppressions } from './policy-suppressions';

/**
 * Runs this library's policy pack at synth time, so users see a violation when they synthesize,
 * not minutes later in CI.
 *
 * Added to a stack, it registers one validation that evaluates the rules on the stack's fully
 * resolved JSON — the same JSON checkov scans — and fails synth listing, for each violation, the
 * construct path, the check id, what is wrong and the fix. Suppressions recorded with
 * `PolicySuppressions.add` are honoured. Rules that need several resources (graph rules) run
 * only in `npm run policy`.
 */
export class PolicyChecks implements IAspect {
  /**
   * Every unsuppressed violation in `stack`, one message each: what synth would fail with
   * (the function `stackViolations` does the same, for JavaScript and TypeScript only).
   */
  public static violations(stack: TerraformStack): string[] {
    return stackViolations(stack);
  }

  public visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) {
      node.node.addValidation({ validate: () => stackViolations(node) });
    }
  }
}

/** Every unsuppressed violation in the stack, one message each. */
export function stackViolations(stack: TerraformStack): string[] {
  const json = stack.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  const byAddress = new Map<string, TerraformResource>();
  for (const c of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(c)) byAddress.set(`${c.terraformResourceType}.${c.friendlyUniqueId}`, c);
  }
  const messages: string[] = [];
  for (const [type, blocks] of Object.entries(json.resource ?? {})) {
    const rules = POLICY_RULES.filter((r) => r.evaluate && r.resourceTypes.includes(type));
    for (const [name, block] of Object.entries(blocks)) {
      const resource = byAddress.get(`${type}.${name}`);
      for (const rule of rules) {
        if (resource && PolicySuppressions.isSuppressed(resource, rule.id)) continue;
        const problem = rule.evaluate!(block, type);
        if (problem === undefined) continue;
        const where = resource?.node.path ?? `${type}.${name}`;
        messages.push(`${rule.id} at ${where} (${rule.title}): ${problem}. Fix: ${rule.fix}, or record a reasoned PolicySuppressions.add.`);
      }
    }
  }
  return messages;
}
