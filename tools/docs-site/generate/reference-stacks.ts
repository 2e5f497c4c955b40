import { Testing } from 'cdktf';
import { DEFAULT_CONFIG } from '../../../stacks/config';
import { WebhookPlatformStack } from '../../../stacks/webhook-platform-stack';

/** A synthesized reference stack, with cdktf's `//` metadata (construct paths) kept. */
export interface SynthesizedStack {
  readonly name: string;
  readonly json: Record<string, any>;
}

/**
 * The reference app's environment stacks exactly as `cdktf synth` builds them from the default
 * configuration (the one a fresh clone synthesizes), constructed in-process so the docs do not
 * depend on a previous `npm run synth` having left cdktf.out/ behind.
 */
export function synthesizeReferenceStacks(): SynthesizedStack[] {
  return DEFAULT_CONFIG.environments.map((environment) => {
    const stack = new WebhookPlatformStack(Testing.app(), environment);
    Testing.synth(stack, true); // runs the validations (policy checks, Terraform checks) a real synth runs
    return { name: environment.name, json: stack.toTerraform() };
  });
}

/** Every resource block of a stack as [type, logical name, block]. */
export function resourceBlocks(json: Record<string, any>): Array<[string, string, Record<string, any>]> {
  const out: Array<[string, string, Record<string, any>]> = [];
  for (const [type, byName] of Object.entries<Record<string, any>>(json.resource ?? {})) {
    for (const [name, block] of Object.entries<Record<string, any>>(byName)) out.push([type, name, block]);
  }
  return out;
}
