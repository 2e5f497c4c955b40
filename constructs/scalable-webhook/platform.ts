import { Construct } from 'constructs';
import { Duration } from '../core/duration';
import { Grantee } from '../core/grantee';
import { Rule, isToken } from '../core/validation';
import { EDGE_REQUESTS_PER_SLOT_PER_SECOND } from '../edge/edge-security-policy';
import { TlsProfile } from '../edge/global-https-load-balancer';
import { CloudRunBinding } from './cloud-run-binding';
import { GkeBinding } from './gke-binding';
import type { GkePlatformOptions } from './gke-platform-options';
import { resolveGkeOptions } from './gke-workload';
import type { IPlatformBinding } from './platform-binding';
import type { PlatformJudgedProps } from './platform-inputs';
import { MAX_RATE_PER_POD } from './runtime-settings';
import type { SecretEnvVar } from './secret-env-var';

// The webhook's props, the Platform they name and the PlatformBindOptions Platform.bind takes
// (which carry those props) refer to each other in the public API, so they share this file: split
// apart, the files would import each other. Everything a platform delegates to (the bindings, the
// GKE options, what a binding exposes) lives in files that import none of the three.
export { GkePlatformOptions } from './gke-platform-options';
export { IPlatformBinding, WebhookBackend } from './platform-binding';
export { SecretEnvVar } from './secret-env-var';

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

/** What a ScalableWebhook resolved from its props, for the platform it is bound to. */
export interface PlatformBindOptions {
  /** The webhook's props as given. */
  readonly props: ScalableWebhookProps;
  /** Base name of the GCP resources. */
  readonly name: string;
  /** Regions served, primary first. */
  readonly regions: string[];
  /** Production defaults and rules. */
  readonly production: boolean;
  /** Project the webhook runs in. */
  readonly projectId: string;
  /** Instances kept warm per region. */
  readonly minInstances: number;
  /** Instance ceiling per region. */
  readonly maxInstances: number;
  /** Concurrent requests per instance. */
  readonly concurrency: number;
  /** CPUs per instance. */
  readonly cpu: string;
  /** Memory per instance. */
  readonly memory: string;
  /** Who may call the webhook: `invokers`, else the project's Dialogflow service agent. */
  readonly invokers: Grantee[];
  /** Runtime settings the webhook sets on every platform (trace export) that the user's `env` does not override. */
  readonly runtimeEnv: { [name: string]: string };
}

/**
 * Where the webhook runs. Enum-like class: jsii has no unions. Each platform deploys itself
 * (`bind`), so the webhook, its SLOs and the reference stack never branch on which one it is.
 *
 * - `Platform.cloudRun()`: one Cloud Run service per region (scale to zero, no cluster to run);
 * - `Platform.gke(options)`: a Deployment on an existing GKE cluster (pods always on, scales with
 *   an HPA), for teams that run everything on Kubernetes.
 *
 * Both are exposed through the same global HTTPS load balancer, Cloud Armor and SSL policy.
 */
export abstract class Platform {
  /** Cloud Run v2 in every region (the default). */
  public static cloudRun(): Platform {
    return new CloudRunPlatform();
  }

  /** A Deployment on a GKE cluster, behind container-native load balancing. */
  public static gke(options: GkePlatformOptions): Platform {
    return new GkePlatform(options);
  }

  /**
   * Deploy the webhook on this platform, inside `scope` (the ScalableWebhook): its service account
   * and compute. The webhook then puts its load balancer in front of `backend` and calls `connect`.
   */
  public abstract bind(scope: Construct, options: PlatformBindOptions): IPlatformBinding;

  /**
   * Regions to serve from when the webhook's props give none.
   * @internal
   */
  public _defaultRegions(stackRegions: string[]): string[] {
    return stackRegions;
  }

  /**
   * The rules this platform adds to the webhook's.
   * @internal
   */
  public _rules(): ReadonlyArray<Rule<PlatformJudgedProps>> {
    return [];
  }

  /**
   * Factors whose product is the requests per second one region serves at its configured maximum.
   * @internal
   */
  public abstract _capacityFactors(p: PlatformJudgedProps): number[];
}

class CloudRunPlatform extends Platform {
  public bind(scope: Construct, options: PlatformBindOptions): IPlatformBinding {
    return new CloudRunBinding(scope, options);
  }

  public _capacityFactors(p: PlatformJudgedProps): number[] {
    return [p.maxInstances, p.concurrency, EDGE_REQUESTS_PER_SLOT_PER_SECOND];
  }
}

/** The region of a GKE platform's zones, when known. */
function zonesRegion(options: GkePlatformOptions): string | undefined {
  const zone = options.zones?.[0];
  return zone === undefined || isToken(zone) ? undefined : zone.replace(/-[a-z]$/, '');
}

class GkePlatform extends Platform {
  constructor(public readonly options: GkePlatformOptions) {
    super();
  }

  public bind(scope: Construct, options: PlatformBindOptions): IPlatformBinding {
    return new GkeBinding(scope, options, this.options);
  }

  public _defaultRegions(stackRegions: string[]): string[] {
    const region = zonesRegion(this.options);
    return region ? [region] : stackRegions;
  }

  public _capacityFactors(p: PlatformJudgedProps): number[] {
    return [resolveGkeOptions(p.name, p.production, this.options).maxReplicas, MAX_RATE_PER_POD];
  }

  public _rules(): ReadonlyArray<Rule<PlatformJudgedProps>> {
    const region = zonesRegion(this.options);
    return [
      {
        when: (p) => Object.keys(p.secretEnv ?? {}).length > 0,
        say: (p) =>
          `secretEnv (${Object.keys(p.secretEnv ?? {}).join(', ')}) is not supported on Platform.gke yet: read the secret in the runtime with the Secret Manager client (the pods' service account can be granted accessor), or use Platform.cloudRun()`,
      },
      {
        when: (p) => (p.invokers ?? []).some((g) => g.serviceAccountEmail === undefined),
        say: (p) =>
          `invokers ${JSON.stringify((p.invokers ?? []).map((g) => g.member))} on Platform.gke must all be service accounts (Grantee.fromServiceAccount, Grantee.fromServiceAccountEmail, or a "serviceAccount:" member): the runtime checks the ID token's email against them (AUTH_ALLOWED_PRINCIPALS)`,
      },
      {
        when: (p) => !isToken(p.regions) && region !== undefined && (p.regions.length !== 1 || p.regions[0] !== region),
        say: (p) =>
          `regions is ${JSON.stringify(p.regions)} but Platform.gke serves from one cluster in ${region}: omit regions or give ["${region}"] (one ScalableWebhook per cluster)`,
      },
    ];
  }
}
