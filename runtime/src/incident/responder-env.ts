import { z } from 'zod';
import { DEFAULT_MAX_MIN_INSTANCES } from './min-instances-action';
import { DEFAULT_FLAG_MAX_TTL_MINUTES } from './runtime-flag-action';

// The responder's configuration (responder-main.ts), in a module of its own so tests can parse it
// without starting the service.

const list = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

/** Most shards MultiRegionDb creates (and the webhook's config accepts). */
const MAX_SHARDS = 16;
const ShardUrls = z
  .array(z.string().regex(/^postgres(ql)?:\/\//, 'each shard is a postgres:// URL'), {
    invalid_type_error: 'must be a JSON array of postgres:// URLs, in shard order',
  })
  .min(1)
  .max(MAX_SHARDS)
  .refine((urls) => new Set(urls).size === urls.length, 'lists a shard twice: each URL is one shard');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const ResponderEnv = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    INCIDENT_RULES_JSON: z.string().min(1),
    CHAT_WEBHOOK_URL: z.string().url(),
    PUSH_AUDIENCE: z.string().min(1),
    PUSH_SERVICE_ACCOUNT: z.string().email(),
    /** Record mitigations without applying them. */
    INCIDENT_DRY_RUN: z.enum(['true', 'false']).default('true'),
    /** Who may stop automation (emails); their ID tokens' audiences. */
    INCIDENT_OPERATORS: list,
    OPERATOR_AUDIENCES: list,
    /** Region → the webhook's Cloud Run service there: `{"europe-west1": {"service": "projects/…/services/…", "url": "https://…"}}`. */
    INCIDENT_WEBHOOK_SERVICES: z.string().default('{}'),
    /** Caps over whatever the rules say. */
    INCIDENT_MAX_MIN_INSTANCES: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_MIN_INSTANCES),
    INCIDENT_FLAG_MAX_TTL_MINUTES: z.coerce.number().int().min(1).max(240).default(DEFAULT_FLAG_MAX_TTL_MINUTES),
    /** The Cloud Run Admin API (a test points it at a fake). */
    CLOUD_RUN_API_ENDPOINT: z.string().url().default('https://run.googleapis.com'),
    DATABASE_URL: z.string().optional(),
    /**
     * Every shard of the turn log in shard order, `["postgres://…s0…","postgres://…s1…"]`
     * (MultiRegionDb.runtimeDatabaseEnv): impact and burn rates are read from all of them. The
     * incident store and the runtime flags stay on shard 0 (DATABASE_URL, or the first entry).
     */
    DATABASE_SHARD_URLS: z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined) return undefined;
        const urls = ShardUrls.safeParse(parseJson(s));
        if (urls.success) return urls.data;
        for (const issue of urls.error.issues) ctx.addIssue({ ...issue, path: issue.path });
        return z.NEVER;
      }),
    PG_IAM_AUTH: z.enum(['true', 'false']).default('false'),
    DATABASE_TLS_CA: z.string().optional(),
    DATABASE_TLS_SERVER_NAME: z.string().optional(),
    GOOGLE_CLOUD_PROJECT: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_SHARD_URLS && env.DATABASE_URL && env.DATABASE_SHARD_URLS[0] !== env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_SHARD_URLS'],
        message: 'must start with DATABASE_URL when both are set (DATABASE_URL is shard 0)',
      });
    }
  });

export type ResponderEnvValues = z.infer<typeof ResponderEnv>;

/** Every shard's URL in shard order: DATABASE_SHARD_URLS, else DATABASE_URL alone, else none (no database). */
export function responderShardUrls(e: Pick<ResponderEnvValues, 'DATABASE_URL' | 'DATABASE_SHARD_URLS'>): string[] {
  return e.DATABASE_SHARD_URLS ?? (e.DATABASE_URL ? [e.DATABASE_URL] : []);
}
