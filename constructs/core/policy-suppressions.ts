import { Lazy, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { ruleById } from './policy-pack/catalog';

/** One recorded exception to a policy check. */
export interface PolicySuppression {
  /** The check id, e.g. `CKV_GCP_79` (checkov) or `CKV_CONVAI_2` (this library's pack). */
  readonly checkId: string;
  /** Why the finding is accepted: at least one full sentence a reviewer can judge. */
  readonly reason: string;
  /** Path of the construct the suppression was recorded on (it covers everything under it). */
  readonly scope: string;
}

/** What lands in the synthesized JSON under `//.policy_suppressions`, one entry per resource and check. */
export interface SynthesizedSuppression {
  readonly check_id: string;
  /** `<type>.<logical id>`, as checkov's graph and YAML checks report it. */
  readonly resource: string;
  readonly construct_path: string;
  readonly reason: string;
  /** Where it was recorded: one `PolicySuppressions.add` call can cover many resources. */
  readonly scope: string;
}

const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;
const MIN_REASON_LENGTH = 20;
const MIN_REASON_WORDS = 4;

/** Suppressions recorded on each construct (not inherited yet: inheritance is resolved at synth). */
const recorded = new WeakMap<IConstruct, PolicySuppression[]>();
/** Stacks that already carry the lazy `//.policy_suppressions` block. */
const wiredStacks = new WeakSet<TerraformStack>();

/**
 * Suppress policy checks, with a reason, on everything under a construct.
 *
 * checkov's own `checkov:skip` comments cannot be written into cdktf's JSON, so suppressions are
 * recorded here and synthesized into the stack's `//.policy_suppressions` block. `npm run policy`
 * turns that block into a checkov allowlist and lists every suppression, with its reason, in the
 * report. The synth-time policy checks (`PolicyChecks`) honour the same suppressions.
 */
export class PolicySuppressions {
  /**
   * Suppress `checkId` on every Terraform resource under `scope` (including `scope` itself).
   *
   * @param scope the resource, or a construct whose resources it covers
   * @param checkId the check id, e.g. `CKV_GCP_79`
   * @param reason why the finding is accepted: a full sentence (4+ words, 20+ characters)
   */
  public static add(scope: IConstruct, checkId: string, reason: string): void {
    const problems: string[] = [];
    if (!CHECK_ID.test(checkId ?? '')) {
      problems.push(`checkId "${checkId}" is not a check id: use the id checkov prints, e.g. CKV_GCP_79 or CKV_CONVAI_2`);
    }
    const text = (reason ?? '').trim();
    if (text.length < MIN_REASON_LENGTH || text.split(/\s+/).length < MIN_REASON_WORDS) {
      problems.push(`reason "${text}" is too short: say in a full sentence why ${checkId} is acceptable here, so a reviewer can judge it`);
    }
    if (problems.length > 0) {
      throw new Error(`PolicySuppressions.add on ${scope.node.path}: ${problems.join('; ')}`);
    }
    const list = recorded.get(scope) ?? [];
    list.push({ checkId, reason: text, scope: scope.node.path });
    recorded.set(scope, list);
    PolicySuppressions.wire(TerraformStack.of(scope));
  }

  /** Every suppression that applies to `construct`: its own and those of all its scopes. */
  public static of(construct: IConstruct): PolicySuppression[] {
    return construct.node.scopes.flatMap((c) => recorded.get(c) ?? []);
  }

  /** True when `checkId` is suppressed on `construct`. */
  public static isSuppressed(construct: IConstruct, checkId: string): boolean {
    return PolicySuppressions.of(construct).some((s) => s.checkId === checkId);
  }

  private static wire(stack: TerraformStack): void {
    if (wiredStacks.has(stack)) return;
    wiredStacks.add(stack);
    // Lazy: logical ids and late-added resources are only final at synth.
    stack.addOverride('//.policy_suppressions', Lazy.anyValue({ produce: () => synthesizedSuppressions(stack) }));
  }
}

/** Every suppression in a stack, resolved to resources, as synthesized. Not part of the jsii API. */
export function synthesizedSuppressions(stack: TerraformStack): SynthesizedSuppression[] {
  return stack.node
    .findAll()
    .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
    .flatMap((resource) =>
      PolicySuppressions.of(resource)
        .filter((s) => appliesTo(s.checkId, resource.terraformResourceType))
        .map((s) => ({
          check_id: s.checkId,
          resource: `${resource.terraformResourceType}.${resource.friendlyUniqueId}`,
          construct_path: resource.node.path,
          reason: s.reason,
          scope: s.scope,
        })),
    );
}

/** Our own checks name their resource types; for checkov's built-ins we cannot tell, so all apply. */
function appliesTo(checkId: string, resourceType: string): boolean {
  const rule = ruleById(checkId);
  return rule === undefined || rule.resourceTypes.includes(resourceType);
}
