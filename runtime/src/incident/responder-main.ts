import { serve } from '@hono/node-server';
import { z } from 'zod';
import { Authenticator } from '../security/authenticator';
import { openDatabase } from '../storage/database';
import { createLogger } from '../telemetry/logger';
import { ActionExecutors } from './actions';
import { Diagnostics } from './diagnostics';
import { googleAccessTokenHttp, googleIdTokenHttp } from './google-http';
import { TurnLogImpact } from './impact';
import { MinInstancesExecutor } from './min-instances-action';
import { IncidentResponder } from './responder';
import { createResponderApp } from './responder-app';
import { ResponderEnv, responderShardUrls } from './responder-env';
import { parseRules } from './rules';
import { RuntimeFlagExecutor } from './runtime-flag-action';
import { PostgresIncidentStore } from './store';
import { migrateIncidentStore } from './store-migrations';

const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

const WebhookServices = z.record(
  z.object({ service: z.string().regex(/^projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+$/), url: z.string().url() }),
);

/** The incident responder service (IncidentResponse deploys it on Cloud Run): `node dist/incident/responder-main.js`. */
async function main(): Promise<void> {
  const parsed = ResponderEnv.safeParse(process.env);
  const services = parsed.success ? WebhookServices.safeParse(JSON.parse(parsed.data.INCIDENT_WEBHOOK_SERVICES)) : undefined;
  if (!parsed.success || !services?.success) {
    const issues = [
      ...(parsed.error?.issues ?? []),
      ...(services?.error?.issues.map((i) => ({ ...i, path: ['INCIDENT_WEBHOOK_SERVICES', ...i.path] })) ?? []),
    ];
    process.stderr.write(`Invalid responder configuration:\n${issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
    process.exit(78);
  }
  const e = parsed.data;
  const logger = createLogger({ level: 'info', projectId: e.GOOGLE_CLOUD_PROJECT });
  const rules = parseRules(JSON.parse(e.INCIDENT_RULES_JSON), 'INCIDENT_RULES_JSON');
  // Shard 0 holds the incident store and the runtime flags; every shard holds its sessions' turns.
  // One CA bundle and one list of names verify every shard (MultiRegionDb lists all instances).
  const shardUrls = responderShardUrls(e);
  const connect = (url: string) =>
    openDatabase({
      url,
      iamAuth: e.PG_IAM_AUTH === 'true',
      tlsCa: e.DATABASE_TLS_CA,
      tlsServerName: e.DATABASE_TLS_SERVER_NAME,
      maxConnections: 2,
    });
  const db = shardUrls.length > 0 ? await connect(shardUrls[0]) : undefined;
  const otherShards = await Promise.all(shardUrls.slice(1).map(connect));
  const store = db ? new PostgresIncidentStore(db) : undefined;
  if (db) {
    // The store is the memory of open incidents across restarts: no serving without it.
    for (let attempt = 0; ; attempt++) {
      try {
        const applied = await migrateIncidentStore(db);
        if (applied.length > 0) logger.info({ applied }, 'incident schema migrated');
        break;
      } catch (error) {
        logger.warn({ err: error, attempt }, 'incident schema migration failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 10_000)));
      }
    }
  }
  const now = () => Math.floor(Date.now() / 1000);
  const turnLog = db ? new TurnLogImpact([db, ...otherShards], rules.slo) : undefined;
  const webhookServices = services.data;
  const executors: ActionExecutors = {
    diagnostics: new Diagnostics({
      rules,
      turnLog,
      readiness: {
        targets: Object.entries(webhookServices).map(([region, s]) => ({ region, url: s.url })),
        http: googleIdTokenHttp(),
      },
    }),
    ...(db && { 'runtime-flag': new RuntimeFlagExecutor(db, { maxTtlMinutes: e.INCIDENT_FLAG_MAX_TTL_MINUTES }) }),
    ...(Object.keys(webhookServices).length > 0 && {
      'raise-min-instances': new MinInstancesExecutor(googleAccessTokenHttp(), {
        services: Object.fromEntries(Object.entries(webhookServices).map(([region, s]) => [region, s.service])),
        maxMinInstances: e.INCIDENT_MAX_MIN_INSTANCES,
        endpoint: e.CLOUD_RUN_API_ENDPOINT,
      }),
    }),
  };
  const responder = new IncidentResponder({
    rules,
    dryRun: e.INCIDENT_DRY_RUN === 'true',
    impact: turnLog,
    executors,
    store,
    onAudit: (record) => logger.info({ event: 'incident.action', ...record }, `incident action ${record.type}: ${record.mode}`),
    onStoreError: (error) =>
      logger.error({ event: 'incident.store_failed', err: error }, 'incident not stored; retried with the next change'),
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
  if (store) {
    const active = await store.loadActive();
    responder.restore(active);
    if (active.length > 0) logger.info({ incidents: active.map((i) => i.id) }, 'resumed open incidents');
  }
  // Pub/Sub push tokens are Google ID tokens for the push account, minted for our audience.
  const authenticator = new Authenticator({
    mode: 'google-id-token',
    audiences: [e.PUSH_AUDIENCE],
    allowedPrincipals: [e.PUSH_SERVICE_ACCOUNT],
    jwksUrl: GOOGLE_JWKS_URL,
    issuers: GOOGLE_ISSUERS,
  });
  // Operators: their own Google ID tokens, only the listed principals (never an empty list: that would admit anyone).
  const operators =
    e.INCIDENT_OPERATORS.length > 0 && e.OPERATOR_AUDIENCES.length > 0
      ? new Authenticator({
          mode: 'google-id-token',
          audiences: e.OPERATOR_AUDIENCES,
          allowedPrincipals: e.INCIDENT_OPERATORS,
          jwksUrl: GOOGLE_JWKS_URL,
          issuers: GOOGLE_ISSUERS,
        })
      : undefined;
  const app = createResponderApp({ responder, authenticator, operators, store, runbookBaseUrl: rules.links.runbookBaseUrl, logger, now });
  // Group waits end on a timer here; the replay drives the same calls from a virtual clock.
  setInterval(() => void responder.tick(now()).catch((error: unknown) => logger.error({ err: error }, 'tick failed')), 5_000).unref();
  serve({ fetch: app.fetch, port: e.PORT, hostname: '0.0.0.0' }, (info) =>
    logger.info(
      { port: info.port, dryRun: e.INCIDENT_DRY_RUN === 'true', executors: Object.keys(executors) },
      'incident responder listening',
    ),
  );
}

void main();
