import { Annotations, IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { POLICY_RULES } from './policy-pack/catalog';
import { PolicySuppressions } from './policy-suppressions';

/**
 * Runs this library's policy pack at synth time, so users see a violation when they synthesize,
 * not minutes later in CI.
 *
 * Added to a stack, it registers one validation that evaluates the rules on the stack's fully
 * resolved JSON — the same JSON checkov scans. A violation of an `error` rule fails synth; one of a
 * `warning` rule becomes a cdktf warning annotation on the construct, which `cdktf synth` prints
 * and which does not fail synth. Each names the construct path, the check id and its severity,
 * what is wrong and the fix. Suppressions recorded with `PolicySuppressions.add` are honoured.
 * Rules that need several resources (graph rules) run only in `npm run policy`.
 */
export class PolicyChecks implements IAspect {
  /**
   * Every unsuppressed violation in `stack`, one message each: what synth would fail with
   * (the function `stackViolations` does the same, for JavaScript and TypeScript only).
   */
  public static violations(stack: TerraformStack): string[] {
    return stackViolations(stack);
  }

  /**
   * Every unsuppressed violation of a `warning` rule in `stack`: reported at synth, not failing
   * (the function `stackWarnings` does the same, for JavaScript and TypeScript only).
   */
  public static warnings(stack: TerraformStack): string[] {
    return stackWarnings(stack);
  }

  public visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) {
      node.node.addValidation({
        validate: () => {
          const found = evaluateStack(node);
          for (const w of found.filter((v) => v.severity === 'warning')) warnOnce(w.scope, w.message);
          return found.filter((v) => v.severity === 'error').map((v) => v.message);
        },
      });
    }
  }
}

/** Every unsuppressed violation of an `error` rule in the stack, one message each: what fails synth. */
export function stackViolations(stack: TerraformStack): string[] {
  return evaluateStack(stack)
    .filter((v) => v.severity === 'error')
    .map((v) => v.message);
}

/** Every unsuppressed violation of a `warning` rule in the stack, one message each: reported, not failing. */
export function stackWarnings(stack: TerraformStack): string[] {
  return evaluateStack(stack)
    .filter((v) => v.severity === 'warning')
    .map((v) => v.message);
}

interface Violation {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Where a warning is annotated: the resource's construct, else the stack. */
  readonly scope: IConstruct;
}

function evaluateStack(stack: TerraformStack): Violation[] {
  const json = stack.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  const byAddress = new Map<string, TerraformResource>();
  for (const c of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(c)) byAddress.set(`${c.terraformResourceType}.${c.friendlyUniqueId}`, c);
  }
  const violations: Violation[] = [];
  for (const [type, blocks] of Object.entries(json.resource ?? {})) {
    const rules = POLICY_RULES.filter((r) => r.evaluate && r.resourceTypes.includes(type));
    for (const [name, block] of Object.entries(blocks)) {
      const resource = byAddress.get(`${type}.${name}`);
      for (const rule of rules) {
        if (resource && PolicySuppressions.isSuppressed(resource, rule.id)) continue;
        const problem = rule.evaluate!(block, type);
        if (problem === undefined) continue;
        const where = resource?.node.path ?? `${type}.${name}`;
        violations.push({
          severity: rule.severity,
          scope: resource ?? stack,
          message: `[${rule.severity}] ${rule.id} at ${where} (${rule.title}): ${problem}. Fix: ${rule.fix}, or record a reasoned PolicySuppressions.add.`,
        });
      }
    }
  }
  return violations;
}

/** Validations run on every synth of the stack; annotate each warning once. */
function warnOnce(scope: IConstruct, message: string): void {
  if (scope.node.metadata.some((m) => m.data === message)) return;
  Annotations.of(scope).addWarning(message);
}
