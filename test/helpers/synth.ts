import { App, TerraformStack, Testing } from 'cdktf';
import { PlatformStack, PlatformStackProps } from '../../constructs/core/platform-stack';

export type Json = Record<string, any>;

export const DEV_PROPS: PlatformStackProps = {
  projectId: 'acme-convai-dev',
  environment: 'dev',
  regions: ['us-central1'],
  team: 'convai',
  costCenter: 'cc-42',
};

export const PROD_PROPS: PlatformStackProps = {
  ...DEV_PROPS,
  projectId: 'acme-convai-prod',
  environment: 'prod',
  regions: ['us-central1', 'europe-west1', 'asia-northeast1'],
};

export const IMAGE = `us-docker.pkg.dev/acme/convai/webhook@sha256:${'a'.repeat(64)}`;

export function platformStack(props: PlatformStackProps = DEV_PROPS, app: App = Testing.app()): PlatformStack {
  return new PlatformStack(app, 'test', props);
}

/** Synthesize with validations on (the `true`): without it, validations are silently skipped. */
export function synth(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack, true));
}

/** All blocks of one resource type, keyed by logical id. */
export function resources(json: Json, type: string): Record<string, Json> {
  return json.resource?.[type] ?? {};
}

export function only(json: Json, type: string): Json {
  const all = Object.values(resources(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** Synthesize with validations and keep cdktf's `//` metadata blocks (Testing.synth strips them). */
export function synthWithMetadata(stack: TerraformStack): Json {
  synth(stack);
  return stack.toTerraform();
}
