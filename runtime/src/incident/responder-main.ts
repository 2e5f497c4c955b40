import { serve } from '@hono/node-server';
import { z } from 'zod';
import { Authenticator } from '../security/authenticator';
import { openDatabase } from '../storage/database';
import { createLogger } from '../telemetry/logger';
import { TurnLogImpact } from './impact';
import { IncidentResponder } from './responder';
import { createResponderApp } from './responder-app';
import { parseRules } from './rules';

const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

const Env = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  INCIDENT_RULES_JSON: z.string().min(1),
  CHAT_WEBHOOK_URL: z.string().url(),
  PUSH_AUDIENCE: z.string().min(1),
  PUSH_SERVICE_ACCOUNT: z.string().email(),
  INCIDENT_DRY_RUN: z.enum(['true', 'false']).default('true'),
  DATABASE_URL: z.string().optional(),
  PG_IAM_AUTH: z.enum(['true', 'false']).default('false'),
  GOOGLE_CLOUD_PROJECT: z.string().optional(),
});

/** The incident responder service (IncidentResponse deploys it on Cloud Run): `node dist/incident/responder-main.js`. */
async function main(): Promise<void> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    process.stderr.write(
      `Invalid responder configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}\n`,
    );
    process.exit(78);
  }
  const e = parsed.data;
  const logger = createLogger({ level: 'info', projectId: e.GOOGLE_CLOUD_PROJECT });
  const rules = parseRules(JSON.parse(e.INCIDENT_RULES_JSON), 'INCIDENT_RULES_JSON');
  const db = e.DATABASE_URL ? await openDatabase({ url: e.DATABASE_URL, iamAuth: e.PG_IAM_AUTH === 'true', maxConnections: 2 }) : undefined;
  const now = () => Math.floor(Date.now() / 1000);
  const responder = new IncidentResponder({
    rules,
    dryRun: e.INCIDENT_DRY_RUN === 'true',
    impact: db ? new TurnLogImpact(db, rules.slo) : undefined,
    // Google Chat incoming webhook: one message per incident and state change, threaded per incident.
    notify: async (m) => {
      const url = `${e.CHAT_WEBHOOK_URL}${e.CHAT_WEBHOOK_URL.includes('?') ? '&' : '?'}messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=UTF-8' },
        body: JSON.stringify({ text: m.text, thread: { threadKey: m.incident } }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) logger.error({ event: 'incident.notify_failed', status: res.status, incident: m.incident }, 'chat message refused');
    },
  });
  // Pub/Sub push tokens are Google ID tokens for the push account, minted for our audience.
  const authenticator = new Authenticator({
    mode: 'google-id-token',
    audiences: [e.PUSH_AUDIENCE],
    allowedPrincipals: [e.PUSH_SERVICE_ACCOUNT],
    jwksUrl: GOOGLE_JWKS_URL,
    issuers: GOOGLE_ISSUERS,
  });
  const app = createResponderApp({ responder, authenticator, logger, now });
  // Group waits end on a timer here; the replay drives the same calls from a virtual clock.
  setInterval(() => void responder.tick(now()).catch((error: unknown) => logger.error({ err: error }, 'tick failed')), 5_000).unref();
  serve({ fetch: app.fetch, port: e.PORT, hostname: '0.0.0.0' }, (info) =>
    logger.info({ port: info.port }, 'incident responder listening'),
  );
}

void main();
