// What a platform reads of its ScalableWebhook. These views are declared here, not taken from
// ScalableWebhookProps / PlatformBindOptions, because those name Platform, which constructs the
// bindings that read them: importing them would make the bindings and platform.ts import each
// other. TypeScript checks the props and bind options still satisfy these views where Platform
// passes them on, so a renamed or retyped prop fails to compile here rather than drifting.
import { Duration } from '../core/duration';
import { Grantee } from '../core/grantee';
import type { SecretEnvVar } from './secret-env-var';

/** The container fields of ScalableWebhookProps that the platform bindings deploy. */
export interface WebhookContainerProps {
  readonly image: string;
  readonly domains: string[];
  readonly env?: { [name: string]: string };
  readonly secretEnv?: { [name: string]: SecretEnvVar };
  readonly secretFiles?: { [path: string]: SecretEnvVar };
  readonly containerPort?: number;
  readonly healthPath?: string;
  readonly readinessPath?: string;
  readonly requestTimeout?: Duration;
  readonly audiences?: string[];
  readonly deletionProtection?: boolean;
}

/** PlatformBindOptions as the bindings read it: the webhook's resolved settings and its container. */
export interface PlatformBindInputs {
  readonly props: WebhookContainerProps;
  readonly name: string;
  readonly regions: string[];
  readonly production: boolean;
  readonly projectId: string;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly concurrency: number;
  readonly cpu: string;
  readonly memory: string;
  readonly invokers: Grantee[];
  readonly runtimeEnv: { [name: string]: string };
}

/** The resolved props (ResolvedWebhookProps) a platform's own rules and capacity judge. */
export interface PlatformJudgedProps {
  readonly name: string;
  readonly production: boolean;
  readonly regions: string[];
  readonly maxInstances: number;
  readonly concurrency: number;
  readonly secretEnv?: { [name: string]: SecretEnvVar };
  readonly invokers?: Grantee[];
}
