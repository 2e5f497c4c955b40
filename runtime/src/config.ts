import { z } from 'zod';
import { ExperimentsFile, loadExperimentsFile, parseExperiments } from './experiments/experiment-config';
import { FormRules, loadFormRulesFile, parseFormRules } from './handlers/form-validation';
import { DEFAULT_LOW_CONFIDENCE, DEFAULT_QUALITY_WEIGHTS, QUALITY_COMPONENTS, QualityWeights } from './quality/quality-score';
import { TraceExportOptions } from './telemetry/trace-export';

/**
 * Runtime configuration, read once from environment variables at start and validated, so a
 * typo fails the container at boot with a message naming the variable — not at the first call.
 * Every variable is documented in runtime/README.md.
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A JSON object in one variable, e.g. QUALITY_WEIGHTS='{"feedback":0.3}'. */
const jsonObject = <T extends z.ZodTypeAny>(shape: T) =>
  z
    .string()
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(shape);
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const AUTH_MODES = ['google-id-token', 'shared-secret', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/**
 * Every variable that can say "this is production": NODE_ENV (the image sets it), RUNTIME_ENV
 * (ScalableWebhook sets it on a production webhook) and PLATFORM_ENV (the reference stacks set
 * the platform environment, e.g. `prod`). Any one of them makes the process production, whatever
 * the others say: production rules (authentication above all) must not hang on the one variable
 * a deployment happened to set.
 */
export const PRODUCTION_VARIABLES = ['NODE_ENV', 'RUNTIME_ENV', 'PLATFORM_ENV'] as const;
const PRODUCTION_VALUES = ['production', 'prod'];

/** The first setting that declares production, as `NAME=value`; undefined outside production. */
export function productionDeclaredBy(env: Readonly<Partial<Record<(typeof PRODUCTION_VARIABLES)[number], string>>>): string | undefined {
  const name = PRODUCTION_VARIABLES.find((n) => PRODUCTION_VALUES.includes((env[n] ?? '').trim().toLowerCase()));
  return name && `${name}=${env[name]}`;
}

/**
 * Deadlines of the calls a turn waits on, besides Natural Language (NLP_DEADLINE_MS). They hold
 * when the peer hangs (connection open, no reply), and each expiry counts towards opening the
 * dependency's breaker. Measured on a busy 2-core machine (runtime/README.md, "Dependency
 * deadlines"): healthy calls stay far below these, a hung peer costs at most two Redis deadlines
 * and one database deadline per turn until the breakers open.
 */
export const DEFAULT_REDIS_TIMEOUT_MS = 500;
export const DEFAULT_DATABASE_READ_TIMEOUT_MS = 1_000;

/** Shards a runtime routes over: MultiRegionDb's limit. */
export const MAX_SHARDS = 16;

/** Shortest shared secret accepted: 16 characters, not counting surrounding whitespace. */
const MIN_SHARED_SECRET_LENGTH = 16;

const schema = z
  .object({
    NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
    RUNTIME_ENV: z.string().optional(),
    PLATFORM_ENV: z.string().optional(),
    PORT: int(1, 65535).default(8080),
    WEBHOOK_REGION: z.string().default('local'),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

    AUTH_MODE: z.enum(AUTH_MODES).optional(),
    AUTH_AUDIENCE: list.optional(),
    AUTH_ALLOWED_PRINCIPALS: list.optional(),
    AUTH_JWKS_URL: z.string().url().default('https://www.googleapis.com/oauth2/v3/certs'),
    AUTH_ISSUERS: list.default('https://accounts.google.com,accounts.google.com'),
    // Trimmed: a secret pasted with a trailing newline could never match a header (HTTP trims them).
    WEBHOOK_SHARED_SECRET: z
      .string()
      .transform((v) => v.trim())
      .superRefine((v, ctx) => {
        if (v.length === 0) ctx.addIssue({ code: 'custom', message: 'is blank (only whitespace): set the secret from Secret Manager' });
        else if (v.length < MIN_SHARED_SECRET_LENGTH)
          ctx.addIssue({
            code: 'custom',
            message: `must be at least ${MIN_SHARED_SECRET_LENGTH} characters, not counting surrounding whitespace`,
          });
      })
      .optional(),

    WEBHOOK_BUDGET_MS: int(200, 30_000).default(4_500),
    NLP_DEADLINE_MS: int(50, 30_000).default(1_500),
    NLP_MODE: z.enum(['google', 'local']).optional(),
    NLP_API_ENDPOINT: z.string().optional(),
    NLP_API_PORT: int(1, 65535).optional(),
    NLP_INSECURE: bool.default('false'),
    NLP_MODEL_VERSION: z.string().default('language-v2'),
    NLP_MAX_CONCURRENT: int(1, 10_000).default(64),
    REDIS_TIMEOUT_MS: int(10, 10_000).default(DEFAULT_REDIS_TIMEOUT_MS),
    DATABASE_READ_TIMEOUT_MS: int(10, 10_000).default(DEFAULT_DATABASE_READ_TIMEOUT_MS),
    BREAKER_FAILURES_TO_OPEN: int(1, 1000).default(5),
    BREAKER_HALF_OPEN_MS: int(100, 600_000).default(5_000),
    NLP_SKIP_MIN_CHARS: int(0, 1000).default(4),
    NLP_SKIP_SHORT_REPLIES: bool.default('true'),
    NLP_SKIP_REPEATS: bool.default('true'),
    NEGATIVE_SENTIMENT_THRESHOLD: z.coerce.number().min(-1).max(0).default(-0.25),
    ESCALATE_AFTER_NEGATIVE_TURNS: int(1, 100).default(2),

    CACHE_L1_MAX_BYTES: int(1024, 2 ** 31).default(32 * 1024 * 1024),
    CACHE_TTL_SECONDS: int(1, 90 * 24 * 3600).default(7 * 24 * 3600),
    REDIS_URL: z.string().url().optional(),
    /** Memorystore per region, `{"us-central1":"10.8.0.5:6379"}`: the instance of WEBHOOK_REGION is used. */
    REDIS_ENDPOINTS: jsonObject(z.record(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'each endpoint is "host:port"'))).optional(),
    REDIS_TLS_CA: z.string().includes('BEGIN CERTIFICATE', { message: 'must be PEM certificates' }).optional(),
    REDIS_TLS_SERVER_NAME: z.string().optional(),
    REDIS_IAM_AUTH: bool.default('false'),
    DATABASE_URL: z.string().optional(),
    DATABASE_MODE: z.enum(['postgres', 'embedded', 'pglite', 'off']).optional(),
    /**
     * Every shard's URL in shard order, `["postgres://…s0…","postgres://…s1…"]` (MultiRegionDb.runtimeDatabaseEnv
     * writes it): each session's turn log, conversation, feedback and exposures live on the shard
     * `shardFor(session id, count)` picks (storage/shard-router.ts).
     */
    DATABASE_SHARD_URLS: jsonObject(
      z
        .array(z.string().regex(/^postgres(ql)?:\/\//, 'each shard is a postgres:// URL'))
        .min(1)
        .max(MAX_SHARDS),
    ).optional(),
    EMBEDDED_DATABASE_PATH: z.string().optional(),
    PG_IAM_AUTH: bool.default('false'),
    DATABASE_TLS_CA: z.string().includes('BEGIN CERTIFICATE', { message: 'must be PEM certificates' }).optional(),
    DATABASE_TLS_SERVER_NAME: z.string().optional(),
    PGLITE_DATA_DIR: z.string().optional(),
    TURN_EVENTS_RETENTION_MONTHS: int(1, 120).default(13),
    MAINTENANCE_INTERVAL_MINUTES: int(1, 24 * 60).default(60),

    QUALITY_WEIGHTS: jsonObject(
      z
        .object(Object.fromEntries(QUALITY_COMPONENTS.map((c) => [c, z.number().min(0).max(100).optional()])))
        .strict('keys must be quality components: ' + QUALITY_COMPONENTS.join(', ')),
    ).optional(),
    QUALITY_LOW_CONFIDENCE: z.coerce.number().min(0).max(1).default(DEFAULT_LOW_CONFIDENCE),
    QUALITY_EXPECTED_TURNS: jsonObject(z.record(z.number().int().min(1).max(1000))).default('{"*":10}'),
    EXPERIMENTS_FILE: z.string().optional(),
    EXPERIMENTS_JSON: z.string().optional(),
    FORM_RULES_FILE: z.string().optional(),
    FORM_RULES_JSON: z.string().optional(),
    FEEDBACK_ANALYSIS_BUDGET_MS: int(0, 10_000).default(2_000),
    FEEDBACK_WRITE_DEADLINE_MS: int(100, 30_000).default(2_000),

    RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(300),
    MAX_BODY_BYTES: int(1024, 10 * 1024 * 1024).default(256 * 1024),
    HTTP_HEADERS_TIMEOUT_MS: int(100, 120_000).default(5_000),
    HTTP_REQUEST_TIMEOUT_MS: int(100, 120_000).default(10_000),
    // Above the Google load balancer's 600 s keep-alive to backends, so it never reuses a connection we just closed.
    HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1_000, 3_600_000).default(620_000),
    SHUTDOWN_DEADLINE_MS: int(100, 60_000).default(8_000),

    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(0.05),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    TRACE_EXPORTER: z.enum(['cloud-trace', 'otlp', 'none']).optional(),
    CLOUD_TRACE_ENDPOINT: z.string().url().optional(),
    GOOGLE_CLOUD_PROJECT: z.string().optional(),
    GOOGLE_APPLICATION_CREDENTIALS: z.string().optional(),
    K_SERVICE: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    const production = productionDeclaredBy(env);
    const mode = env.AUTH_MODE ?? (production ? undefined : 'none');
    if (mode === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_MODE'],
        message: `is required in production (${production}): "google-id-token" or "shared-secret"`,
      });
    }
    if (mode === 'none' && production) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_MODE'],
        message: `"none" is refused when ${production}; verification is never skipped in production`,
      });
    }
    if (mode === 'google-id-token' && production && !env.AUTH_ALLOWED_PRINCIPALS?.length) {
      // Any Google account can mint an ID token for any audience: the audience alone lets everyone in.
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_ALLOWED_PRINCIPALS'],
        message: `is required with AUTH_MODE=google-id-token in production (${production}): the caller emails to accept, e.g. the Dialogflow service agent`,
      });
    }
    if (mode === 'google-id-token' && !env.AUTH_AUDIENCE?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_AUDIENCE'],
        message: 'is required with AUTH_MODE=google-id-token: the webhook URL the tokens are minted for',
      });
    }
    if (mode === 'shared-secret' && !env.WEBHOOK_SHARED_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_SHARED_SECRET'],
        message: 'is required with AUTH_MODE=shared-secret (mount it from Secret Manager)',
      });
    }
    if (env.TRACE_EXPORTER === 'cloud-trace' && !env.GOOGLE_CLOUD_PROJECT) {
      ctx.addIssue({
        code: 'custom',
        path: ['GOOGLE_CLOUD_PROJECT'],
        message:
          'is required with TRACE_EXPORTER=cloud-trace: Cloud Trace files spans, and Cloud Logging links log lines, under the project',
      });
    }
    if (env.TRACE_EXPORTER === 'otlp' && !env.OTEL_EXPORTER_OTLP_ENDPOINT) {
      ctx.addIssue({
        code: 'custom',
        path: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
        message: 'is required with TRACE_EXPORTER=otlp: the collector URL',
      });
    }
    if (env.REDIS_URL && env.REDIS_ENDPOINTS) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_ENDPOINTS'], message: 'set REDIS_URL or REDIS_ENDPOINTS, not both' });
    }
    if (env.REDIS_ENDPOINTS && !env.REDIS_ENDPOINTS[env.WEBHOOK_REGION]) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_ENDPOINTS'],
        message: `has no endpoint for WEBHOOK_REGION "${env.WEBHOOK_REGION}" (it has ${Object.keys(env.REDIS_ENDPOINTS).join(', ') || 'none'})`,
      });
    }
    if (env.REDIS_IAM_AUTH && !env.REDIS_TLS_CA && !env.REDIS_URL?.startsWith('rediss:')) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_TLS_CA'],
        message: 'is required with REDIS_IAM_AUTH=true: the access token is the password and must not cross the network in clear',
      });
    }
    if (/[?&]sslmode=verify-(ca|full)\b/.test(env.DATABASE_URL ?? '') && !env.DATABASE_TLS_CA) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_TLS_CA'],
        message: "is required when DATABASE_URL asks for sslmode=verify-ca/verify-full: the server CA's PEM certificate",
      });
    }
    if (env.DATABASE_MODE === 'postgres' && !env.DATABASE_URL && !env.DATABASE_SHARD_URLS) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is required with DATABASE_MODE=postgres, e.g. postgres://webhook@10.0.0.4/convai (or DATABASE_SHARD_URLS)',
      });
    }
    if (env.DATABASE_SHARD_URLS && env.DATABASE_URL && env.DATABASE_URL !== env.DATABASE_SHARD_URLS[0]) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_SHARD_URLS'],
        message: 'must start with DATABASE_URL when both are set (DATABASE_URL is shard 0)',
      });
    }
    if (env.DATABASE_SHARD_URLS && new Set(env.DATABASE_SHARD_URLS).size !== env.DATABASE_SHARD_URLS.length) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_SHARD_URLS'], message: 'lists a shard twice: each URL is one shard' });
    }
    if (env.DATABASE_SHARD_URLS && env.DATABASE_MODE && env.DATABASE_MODE !== 'postgres') {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_MODE'],
        message: `is "${env.DATABASE_MODE}" but DATABASE_SHARD_URLS names Postgres shards`,
      });
    }
    const databaseMode = env.DATABASE_MODE ?? (env.DATABASE_URL || env.DATABASE_SHARD_URLS ? 'postgres' : 'embedded');
    if (production && (databaseMode === 'embedded' || databaseMode === 'pglite')) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: `is required in production (${production}; the embedded database lives and dies with one instance); or set DATABASE_MODE=off`,
      });
    }
    if (env.EXPERIMENTS_FILE && env.EXPERIMENTS_JSON) {
      ctx.addIssue({ code: 'custom', path: ['EXPERIMENTS_JSON'], message: 'set EXPERIMENTS_FILE or EXPERIMENTS_JSON, not both' });
    }
    if (env.FORM_RULES_FILE && env.FORM_RULES_JSON) {
      ctx.addIssue({ code: 'custom', path: ['FORM_RULES_JSON'], message: 'set FORM_RULES_FILE or FORM_RULES_JSON, not both' });
    }
    if (env.QUALITY_WEIGHTS && Object.values({ ...DEFAULT_QUALITY_WEIGHTS, ...env.QUALITY_WEIGHTS }).every((w) => !w)) {
      ctx.addIssue({ code: 'custom', path: ['QUALITY_WEIGHTS'], message: 'gives every component weight 0: at least one must count' });
    }
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: `must not exceed HTTP_REQUEST_TIMEOUT_MS (${env.HTTP_REQUEST_TIMEOUT_MS}): the headers are part of the request`,
      });
    }
    if (env.NLP_DEADLINE_MS >= env.WEBHOOK_BUDGET_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['NLP_DEADLINE_MS'],
        message: `must be below WEBHOOK_BUDGET_MS (${env.WEBHOOK_BUDGET_MS}) so a slow NLP call still leaves time to answer`,
      });
    }
  });

/** The variables and their rules, read by the generated environment reference (tools/docs-site). */
export const ENV_SCHEMA = schema;

export type RawEnv = z.input<typeof schema>;

export interface RuntimeConfig {
  /** Any of PRODUCTION_VARIABLES says production: authentication is mandatory. */
  readonly production: boolean;
  readonly port: number;
  readonly region: string;
  readonly logLevel: string;
  readonly auth: {
    readonly mode: AuthMode;
    readonly audiences: string[];
    readonly allowedPrincipals: string[];
    readonly jwksUrl: string;
    readonly issuers: string[];
    readonly sharedSecret?: string;
  };
  readonly budgetMs: number;
  readonly nlp: {
    /** `google` calls the Natural Language API; `local` uses the bundled analyzer only. */
    readonly mode: 'google' | 'local';
    readonly apiEndpoint?: string;
    readonly apiPort?: number;
    readonly insecure: boolean;
    readonly deadlineMs: number;
    readonly modelVersion: string;
    readonly maxConcurrent: number;
    readonly skip: { readonly minChars: number; readonly shortReplies: boolean; readonly repeats: boolean };
    readonly negativeThreshold: number;
    readonly escalateAfterNegativeTurns: number;
  };
  readonly cache: { readonly l1MaxBytes: number; readonly ttlSeconds: number };
  readonly redisUrl?: string;
  /** How to reach Redis (`redisUrl`, or this region's REDIS_ENDPOINTS entry): TLS and IAM auth. */
  readonly redis?: {
    readonly url: string;
    /** PEM CA bundle the server must chain to; TLS on when set. */
    readonly tlsCa?: string;
    readonly tlsServerName?: string;
    readonly iamAuth: boolean;
  };
  readonly database: {
    /**
     * `postgres` (DATABASE_URL or DATABASE_SHARD_URLS), `embedded` (SQLite, the default without a
     * URL), `pglite` (Postgres in WASM, in-process) or `off` (no L3, no turn log).
     */
    readonly mode: 'postgres' | 'embedded' | 'pglite' | 'off';
    /** Shard 0's URL (DATABASE_URL, or the first of DATABASE_SHARD_URLS). */
    readonly url?: string;
    /** Every shard's URL in shard order; one entry when unsharded; empty without Postgres. */
    readonly shardUrls: string[];
    /** SQLite file of the embedded database; absent: a private temporary database deleted at exit. */
    readonly embeddedPath?: string;
    readonly iamAuth: boolean;
    /** PEM CA bundle the server must chain to: verified TLS (identity checked against `tlsServerName`, else the host). */
    readonly tlsCa?: string;
    readonly tlsServerName?: string;
    readonly pgliteDataDir?: string;
    /** Months of turn events kept (monthly partitions beyond are dropped). */
    readonly turnEventsRetentionMonths: number;
    /** How often partitions are rolled and expired cache rows purged. */
    readonly maintenanceIntervalMinutes: number;
  };
  /** Deadlines of Redis calls and request-path database reads (each expiry counts as a breaker failure). */
  readonly timeouts: { readonly redisMs: number; readonly databaseReadMs: number };
  /** Circuit breakers: consecutive failures to open, and time open before a trial call. */
  readonly breaker: { readonly failuresToOpen: number; readonly halfOpenAfterMs: number };
  readonly quality: {
    readonly weights: QualityWeights;
    /** Intent confidence below which a match counts as low-confidence. */
    readonly lowConfidence: number;
    /** Expected turns per CX flow id; `*` for the rest. */
    readonly expectedTurns: Readonly<Record<string, number>>;
  };
  /** The versioned experiments document; absent runs no experiments. */
  readonly experiments?: ExperimentsFile;
  /** Rules of the `validate-form` handler; absent accepts every form value. */
  readonly formRules?: FormRules;
  /** Longest wait for the analysis of a feedback comment. */
  readonly feedbackAnalysisBudgetMs: number;
  /** Longest wait for a feedback's commit before answering 503 (the client retries; the write is idempotent). */
  readonly feedbackWriteDeadlineMs: number;
  readonly rateLimitPerMinute: number;
  readonly maxBodyBytes: number;
  /** HTTP server: bounds on receiving headers and body, and the idle keep-alive time. */
  readonly http: { readonly headersMs: number; readonly requestMs: number; readonly keepAliveMs: number };
  readonly shutdownDeadlineMs: number;
  readonly tracing: { readonly sampleRatio: number; readonly export: TraceExportOptions };
  readonly projectId?: string;
}

/** A variable holding a JSON document, or an error naming the variable (JSON.parse's own names nothing). */
function jsonVariable(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${name}: not JSON: ${(error as Error).message}`);
  }
}

/** Thrown with every invalid variable listed, so one restart fixes them all. */
export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid runtime configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let experiments: ExperimentsFile | undefined;
  let formRules: FormRules | undefined;
  try {
    if (e.EXPERIMENTS_FILE) experiments = loadExperimentsFile(e.EXPERIMENTS_FILE);
    else if (e.EXPERIMENTS_JSON) experiments = parseExperiments(jsonVariable('EXPERIMENTS_JSON', e.EXPERIMENTS_JSON), 'EXPERIMENTS_JSON');
    if (e.FORM_RULES_FILE) formRules = loadFormRulesFile(e.FORM_RULES_FILE);
    else if (e.FORM_RULES_JSON) formRules = parseFormRules(jsonVariable('FORM_RULES_JSON', e.FORM_RULES_JSON), 'FORM_RULES_JSON');
  } catch (error) {
    throw new ConfigError(`Invalid runtime configuration:\n  - ${(error as Error).message}`);
  }
  const production = productionDeclaredBy(e) !== undefined;
  const regionEndpoint = e.REDIS_ENDPOINTS?.[e.WEBHOOK_REGION];
  const redisUrl = e.REDIS_URL ?? (regionEndpoint ? `${e.REDIS_TLS_CA ? 'rediss' : 'redis'}://${regionEndpoint}` : undefined);
  // Without credentials there is nothing to call: run on the local analyzer so `npm start` works offline.
  const hasGoogle = Boolean(e.GOOGLE_APPLICATION_CREDENTIALS || e.K_SERVICE || e.NLP_API_ENDPOINT);
  return {
    production,
    port: e.PORT,
    region: e.WEBHOOK_REGION,
    logLevel: e.LOG_LEVEL,
    auth: {
      mode: e.AUTH_MODE ?? 'none',
      audiences: e.AUTH_AUDIENCE ?? [],
      allowedPrincipals: e.AUTH_ALLOWED_PRINCIPALS ?? [],
      jwksUrl: e.AUTH_JWKS_URL,
      issuers: e.AUTH_ISSUERS,
      sharedSecret: e.WEBHOOK_SHARED_SECRET,
    },
    budgetMs: e.WEBHOOK_BUDGET_MS,
    nlp: {
      mode: e.NLP_MODE ?? (hasGoogle ? 'google' : 'local'),
      apiEndpoint: e.NLP_API_ENDPOINT,
      apiPort: e.NLP_API_PORT,
      insecure: e.NLP_INSECURE,
      deadlineMs: e.NLP_DEADLINE_MS,
      modelVersion: e.NLP_MODEL_VERSION,
      maxConcurrent: e.NLP_MAX_CONCURRENT,
      skip: { minChars: e.NLP_SKIP_MIN_CHARS, shortReplies: e.NLP_SKIP_SHORT_REPLIES, repeats: e.NLP_SKIP_REPEATS },
      negativeThreshold: e.NEGATIVE_SENTIMENT_THRESHOLD,
      escalateAfterNegativeTurns: e.ESCALATE_AFTER_NEGATIVE_TURNS,
    },
    cache: { l1MaxBytes: e.CACHE_L1_MAX_BYTES, ttlSeconds: e.CACHE_TTL_SECONDS },
    redisUrl,
    redis: redisUrl
      ? { url: redisUrl, tlsCa: e.REDIS_TLS_CA, tlsServerName: e.REDIS_TLS_SERVER_NAME, iamAuth: e.REDIS_IAM_AUTH }
      : undefined,
    database: {
      mode: e.DATABASE_MODE ?? (e.DATABASE_URL || e.DATABASE_SHARD_URLS ? 'postgres' : 'embedded'),
      url: e.DATABASE_URL ?? e.DATABASE_SHARD_URLS?.[0],
      shardUrls: e.DATABASE_SHARD_URLS ?? (e.DATABASE_URL ? [e.DATABASE_URL] : []),
      embeddedPath: e.EMBEDDED_DATABASE_PATH,
      iamAuth: e.PG_IAM_AUTH,
      tlsCa: e.DATABASE_TLS_CA,
      tlsServerName: e.DATABASE_TLS_SERVER_NAME,
      pgliteDataDir: e.PGLITE_DATA_DIR,
      turnEventsRetentionMonths: e.TURN_EVENTS_RETENTION_MONTHS,
      maintenanceIntervalMinutes: e.MAINTENANCE_INTERVAL_MINUTES,
    },
    timeouts: { redisMs: e.REDIS_TIMEOUT_MS, databaseReadMs: e.DATABASE_READ_TIMEOUT_MS },
    breaker: { failuresToOpen: e.BREAKER_FAILURES_TO_OPEN, halfOpenAfterMs: e.BREAKER_HALF_OPEN_MS },
    quality: {
      weights: { ...DEFAULT_QUALITY_WEIGHTS, ...(e.QUALITY_WEIGHTS as Partial<QualityWeights> | undefined) },
      lowConfidence: e.QUALITY_LOW_CONFIDENCE,
      expectedTurns: e.QUALITY_EXPECTED_TURNS,
    },
    experiments,
    formRules,
    feedbackAnalysisBudgetMs: e.FEEDBACK_ANALYSIS_BUDGET_MS,
    feedbackWriteDeadlineMs: e.FEEDBACK_WRITE_DEADLINE_MS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    maxBodyBytes: e.MAX_BODY_BYTES,
    http: { headersMs: e.HTTP_HEADERS_TIMEOUT_MS, requestMs: e.HTTP_REQUEST_TIMEOUT_MS, keepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS },
    shutdownDeadlineMs: e.SHUTDOWN_DEADLINE_MS,
    tracing: {
      sampleRatio: e.OTEL_TRACES_SAMPLER_ARG,
      // A collector endpoint alone keeps its old meaning (OTLP to it); Cloud Trace is asked for by name.
      export: {
        kind: e.TRACE_EXPORTER ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'none'),
        endpoint: e.TRACE_EXPORTER === 'cloud-trace' ? e.CLOUD_TRACE_ENDPOINT : e.OTEL_EXPORTER_OTLP_ENDPOINT,
      },
    },
    projectId: e.GOOGLE_CLOUD_PROJECT,
  };
}
