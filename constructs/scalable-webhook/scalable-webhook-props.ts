import { TlsProfile } from '../edge/global-https-load-balancer';

/** A secret exposed to the container as an environment variable. */
export interface SecretEnvVar {
  /** Secret Manager secret: its id (`projects/p/secrets/name`) or, in the same project, its name. */
  readonly secret: string;
  /** Version to read. Pin a number in production for repeatable rollouts. @default "latest" */
  readonly version?: string;
}

export interface ScalableWebhookProps {
  /**
   * Container image: a full reference with registry host and a tag or digest, e.g.
   * `us-docker.pkg.dev/acme/convai/webhook@sha256:...`. Use a digest in production so a rollout
   * deploys exactly what was scanned.
   */
  readonly image: string;
  /** Domains the webhook is served on; one Google-managed certificate covers them. */
  readonly domains: string[];
  /** Regions to serve from, first is primary. @default - the enclosing PlatformStack's regions */
  readonly regions?: string[];
  /** Base name for the GCP resources (2-26 lowercase letters, digits, "-"). @default - the construct id, lowercased */
  readonly name?: string;
  /** Production defaults and rules. @default - the enclosing PlatformStack's, else false */
  readonly production?: boolean;
  /** Instances kept warm per region. @default - 1 in production, 0 elsewhere */
  readonly minInstances?: number;
  /** Instance ceiling per region. @default 10 */
  readonly maxInstances?: number;
  /** Concurrent requests per instance, 1..1000. @default 80 */
  readonly concurrency?: number;
  /** CPUs per instance: 1, 2, 4, 6 or 8. @default "1" */
  readonly cpu?: string;
  /** Memory per instance, e.g. "512Mi", "2Gi"; must suit `cpu`. @default "512Mi" */
  readonly memory?: string;
  /** Plain environment variables. Never put secrets here: use `secretEnv`. @default - none */
  readonly env?: { [name: string]: string };
  /** Environment variables read from Secret Manager; the service account gets accessor on each secret. @default - none */
  readonly secretEnv?: { [name: string]: SecretEnvVar };
  /**
   * Secrets mounted as read-only files, keyed by the file's absolute path (e.g.
   * `/secrets/db/password`); one secret per directory. The service account gets accessor on each
   * secret, as for `secretEnv`.
   * @default - none
   */
  readonly secretFiles?: { [path: string]: SecretEnvVar };
  /** Port the container listens on. @default 8080 */
  readonly containerPort?: number;
  /** Path of the runtime's liveness endpoint. @default "/healthz" */
  readonly healthPath?: string;
  /** Path of the runtime's readiness endpoint, used as the startup probe. @default "/readyz" */
  readonly readinessPath?: string;
  /**
   * Per-request timeout in seconds. Dialogflow CX waits 5 s by default and 30 s at most, so
   * anything longer only holds instances.
   * @default 30
   */
  readonly requestTimeoutSeconds?: number;
  /**
   * Members granted `roles/run.invoker` (e.g. `serviceAccount:...`).
   * @default - the project's Dialogflow service agent only
   */
  readonly invokers?: string[];
  /**
   * ID-token audiences the services accept besides their run.app URLs (Cloud Run custom audiences).
   * Callers reach the services through the load balancer, so their tokens name the public URL.
   * @default - `https://<domain>` for each domain
   */
  readonly audiences?: string[];
  /** Project number, to name the Dialogflow service agent. @default - read with a google_project data source */
  readonly projectNumber?: string;
  /** Requests per minute per client IP at the edge. @default 600 */
  readonly rateLimitPerMinute?: number;
  /** Allowed caller ranges; everyone else is denied at the edge. @default - all sources allowed */
  readonly allowedSourceRanges?: string[];
  /** OWASP CRS sensitivity 1..4. @default 1 */
  readonly wafSensitivity?: number;
  /** An existing Cloud Armor policy to attach instead of creating one. @default - one is created */
  readonly securityPolicy?: string;
  /** TLS profile of the SSL policy. @default TlsProfile.MODERN */
  readonly tlsProfile?: TlsProfile;
  /**
   * Terraform refuses to delete the services while true. Turn off only to tear a stack down.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Accept regions missing from the library's list (for regions Google adds after this release).
   * @default false
   */
  readonly allowUnlistedRegions?: boolean;
}
