import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT_DEPENDENCIES, incidentRules } from '../../constructs/incident-response/alert-dependencies';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../constructs/core/runbooks';
import { Diagnostics } from '../../runtime/src/incident/diagnostics';
import { TurnLogImpact } from '../../runtime/src/incident/impact';
import { Alert, parseNotification } from '../../runtime/src/incident/notification';
import { replayAlerts } from '../../runtime/src/incident/replay';
import { IncidentMessage, IncidentResponder, ResponderCounts } from '../../runtime/src/incident/responder';
import { renderReview } from '../../runtime/src/incident/review';
import { IncidentRules, parseRules } from '../../runtime/src/incident/rules';
import { RuntimeFlagExecutor } from '../../runtime/src/incident/runtime-flag-action';
import { IncidentStore, MemoryIncidentStore, PostgresIncidentStore } from '../../runtime/src/incident/store';
import { migrateIncidentStore } from '../../runtime/src/incident/store-migrations';
import { Database, openDatabase } from '../../runtime/src/storage/database';

/** The reference platform's wiring: every kind SloAlerting alerts on, its default SLOs. */
export function referenceRules(project = 'replay'): IncidentRules {
  return parseRules(
    incidentRules({
      kinds: Object.keys(ALERT_DEPENDENCIES),
      project,
      runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
      latencyObjective: 95,
      latencyThresholdMs: 800,
      windowDays: 30,
    }),
    'default rules',
  );
}

/** Notifications as recorded: one Cloud Monitoring Pub/Sub notification (JSON) per line. */
export function readNotifications(file: string): Alert[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      try {
        return parseNotification(JSON.parse(line));
      } catch (error) {
        throw new Error(`${file}:${i + 1}: ${(error as Error).message}`);
      }
    });
}

export interface ReplayResult {
  readonly counts: ResponderCounts;
  readonly responder: IncidentResponder;
  readonly messages: IncidentMessage[];
  readonly store: IncidentStore;
  /** Files written to `reviewDir`. */
  readonly reviews: string[];
}

/**
 * Replay recorded notifications through the responder, always as a dry run: mitigations are
 * recorded, never applied. With a database: impact and burn rates from its turn log, the runtime
 * flags as they are (read only), and the incidents, timelines and audit stored in it (the
 * responder's schema is migrated first). With `reviewDir`: one post-incident review per announced
 * incident, rendered from the store.
 */
export async function runReplay(options: {
  readonly file: string;
  readonly rules?: IncidentRules;
  readonly databaseUrl?: string;
  readonly database?: Database;
  readonly reviewDir?: string;
}): Promise<ReplayResult> {
  const rules = options.rules ?? referenceRules();
  const alerts = readNotifications(options.file);
  const db = options.database ?? (options.databaseUrl ? await openDatabase({ url: options.databaseUrl, maxConnections: 2 }) : undefined);
  try {
    if (db) await migrateIncidentStore(db);
    const store: IncidentStore = db ? new PostgresIncidentStore(db) : new MemoryIncidentStore();
    const turnLog = db ? new TurnLogImpact(db, rules.slo) : undefined;
    const messages: IncidentMessage[] = [];
    const responder = new IncidentResponder({
      rules,
      dryRun: true,
      impact: turnLog,
      store,
      executors: {
        diagnostics: new Diagnostics({ rules, turnLog }),
        ...(db && { 'runtime-flag': new RuntimeFlagExecutor(db) }),
      },
      notify: async (m) => void messages.push(m),
    });
    await replayAlerts(responder, alerts);
    await responder.flush();
    const reviews: string[] = [];
    if (options.reviewDir) {
      mkdirSync(options.reviewDir, { recursive: true });
      for (const incident of responder.incidents.filter((i) => i.state === 'open' || i.state === 'resolved')) {
        const stored = await store.load(incident.id);
        const file = join(options.reviewDir, `${incident.id}.md`);
        writeFileSync(file, renderReview(stored!, { runbookBaseUrl: rules.links.runbookBaseUrl }));
        reviews.push(file);
      }
    }
    return { counts: responder.counts, responder, messages, store, reviews };
  } finally {
    if (db && !options.database) await db.close();
  }
}
