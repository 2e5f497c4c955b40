import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { stackViolations } from '../../constructs/core/policy-checks';
import { SynthesizedSuppression, synthesizedSuppressions } from '../../constructs/core/policy-suppressions';
import { loadLearnerModule } from './learner-module';

/** What the policy gate's synth-time half says about a learner's stack. */
export interface LearnerStack {
  /** Resources by type and logical id, as in cdk.tf.json. */
  readonly resources: Record<string, Record<string, Record<string, any>>>;
  /** Unsuppressed violations of the policy pack (CKV_CONVAI_*), one message each. */
  readonly violations: string[];
  readonly suppressions: SynthesizedSuppression[];
}

/**
 * Synthesize the stack a workspace's `stack.ts` builds (it exports `build(scope)`), with the same
 * validations `npm run synth` runs, then evaluate the policy pack on it as `PolicyChecks` does.
 * Returns the problem instead when the file does not load, export `build` or synthesize.
 */
export function synthLearnerStack(dir: string, file = 'stack.ts'): { stack?: LearnerStack; problem?: string } {
  let mod: { build?: (scope: any) => TerraformStack };
  try {
    mod = loadLearnerModule(path.join(dir, file));
  } catch (error) {
    return { problem: `${file} does not compile or load: ${(error as Error).message}` };
  }
  if (typeof mod.build !== 'function') return { problem: `${file} must export function build(scope): TerraformStack` };
  try {
    const stack = mod.build(Testing.app());
    // `true` runs the construct validations, which plain synth skips silently.
    const doc = JSON.parse(Testing.synth(stack, true)) as { resource?: LearnerStack['resources'] };
    return { stack: { resources: doc.resource ?? {}, violations: stackViolations(stack), suppressions: synthesizedSuppressions(stack) } };
  } catch (error) {
    return { problem: `synth failed: ${(error as Error).message.split('\n').slice(0, 6).join('\n')}` };
  }
}
