import { Testing } from 'cdktf';
import { PlatformConfigShape, loadConfig } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';

/** The recovery objectives one stack's DrBackup declares. */
export interface StackObjectives {
  readonly stack: string;
  readonly production: boolean;
  readonly rpoSeconds: number;
  readonly rtoSeconds: number;
}

/** What the drill is judged against: the strictest objectives of the production stacks. */
export interface DrillObjectives {
  readonly rpoSeconds: number;
  readonly rtoSeconds: number;
  /** The stacks judged (the production ones, or all when none is production). */
  readonly judged: string[];
  readonly stacks: StackObjectives[];
}

/**
 * Read the objectives from DrBackup as the reference app configures it (stacks/, PLATFORM_CONFIG
 * or the defaults), by building the stacks: the drill judges what would be deployed, not a copy
 * of the numbers that could drift from it.
 */
export function referenceObjectives(config: PlatformConfigShape = loadConfig()): DrillObjectives {
  const stacks = config.environments.map((env): StackObjectives => {
    const stack = new WebhookPlatformStack(Testing.app(), env);
    return {
      stack: env.name,
      production: stack.production,
      rpoSeconds: stack.backups.rpo.toSeconds(),
      rtoSeconds: stack.backups.rto.toSeconds(),
    };
  });
  const judged = stacks.some((s) => s.production) ? stacks.filter((s) => s.production) : stacks;
  return {
    rpoSeconds: Math.min(...judged.map((s) => s.rpoSeconds)),
    rtoSeconds: Math.min(...judged.map((s) => s.rtoSeconds)),
    judged: judged.map((s) => s.stack),
    stacks,
  };
}
