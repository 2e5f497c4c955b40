import { Duration } from '../core/duration';
import { Grantee } from '../core/grantee';
import { TlsProfile } from '../edge/global-https-load-balancer';
import { Platform } from './platform';

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
  /**
   * Where the webhook runs: Cloud Run in every region, or a Deployment on a GKE cluster. Both
   * share the load balancer, certificate, SSL policy and Cloud Armor policy.
   * @default Platform.cloudRun()
   */
  readonly platform?: Platform;
  /** Domains the webhook is served on; one Google-managed certificate covers them. */
  readonly domains: string[];
  /** Regions to serve from, first is primary. @default - the enclosing PlatformStack's regions (GKE: the region of its zones) */
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
  /** Environment variables read from Secret Manager; the service account gets accessor on each secret. Cloud Run only for now. @default - none */
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
   * Per-request timeout (1 s to 1 h). Dialogflow CX waits 5 s by default and 30 s
   * at most, so anything longer only holds instances.
   * @default Duration.seconds(30)
   */
  readonly requestTimeout?: Duration;
  /**
   * Who may call the webhook. Cloud Run: granted `roles/run.invoker`. GKE: service accounts only,
   * whose Google ID tokens the runtime accepts for `audiences` (AUTH_MODE=google-id-token).
   * @default - the project's Dialogflow service agent only
   */
  readonly invokers?: Grantee[];
  /**
   * ID-token audiences the services accept besides their run.app URLs (Cloud Run custom audiences).
   * Callers reach the services through the load balancer, so their tokens name the public URL.
   * @default - `https://<domain>` for each domain
   */
  readonly audiences?: string[];
  /** Project number, to name the Dialogflow service agent. @default - read with a google_project data source */
  readonly projectNumber?: string;
  /**
   * Requests per minute one source IP may send at the edge (Cloud Armor throttle; the excess is
   * answered 429). A flood guard, not a per-user limit: Dialogflow calls every webhook from
   * Google's shared egress addresses, so a limit below what the whole agent sends throttles real
   * users (each 429 is a `webhook.error`). Per-session limits are the runtime's
   * (`RATE_LIMIT_PER_MINUTE`, per Dialogflow session). A value below the capacity is accepted,
   * with a synth warning.
   * @default - this webhook's capacity over all regions: Cloud Run, maxInstances × concurrency × 1 request a second × 60 per region (48,000 a minute with one region and the defaults); GKE, maxReplicas × 100 requests a second per pod × 60
   */
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
  /**
   * Export the runtime's sampled traces to Cloud Trace (OTLP to the Telemetry API): sets
   * `TRACE_EXPORTER=cloud-trace` and `GOOGLE_CLOUD_PROJECT` (which Cloud Logging needs to link each
   * log line to its trace) and grants the service account `roles/cloudtrace.agent`, the one role that
   * writes spans. The sampling ratio stays the runtime's (`OTEL_TRACES_SAMPLER_ARG`, 5%).
   * @default true
   */
  readonly traceExport?: boolean;
}
