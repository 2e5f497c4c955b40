import { Database, Queryable } from '../storage/database';
import { Migration, applyPostgresMigrations } from '../storage/migrations';

/**
 * The responder's schema, in the platform database beside the webhook's: applied by the responder
 * at start under its own advisory lock and in its own ledger (`incident_schema_migrations`), so the
 * webhook's migrations (storage/migrations.ts) and these never wait on or renumber each other.
 * Never edit a shipped migration: add the next one.
 */
export const INCIDENT_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'incidents, their timelines, the action audit, runtime flags',
    statements: [
      // One row per incident, rewritten as it changes; `alerts` holds each alert with the one that
      // explains it (inhibition), `mitigations` what is applied and how to undo it.
      `CREATE TABLE IF NOT EXISTS incidents (
        id                     text PRIMARY KEY,
        key                    text NOT NULL,
        state                  text NOT NULL CHECK (state IN ('pending', 'open', 'resolved', 'dropped')),
        severity               text NOT NULL CHECK (severity IN ('page', 'ticket')),
        opened_at              timestamptz NOT NULL,
        announced_at           timestamptz,
        resolved_at            timestamptz,
        notify_at              timestamptz NOT NULL,
        last_activity          timestamptz NOT NULL,
        automation_stopped_by  text,
        automation_stopped_at  timestamptz,
        alerts                 jsonb NOT NULL,
        acted_on               text[] NOT NULL DEFAULT '{}',
        mitigations            jsonb NOT NULL DEFAULT '[]',
        impact                 jsonb,
        entry_seq              integer NOT NULL,
        action_seq             integer NOT NULL,
        updated_at             timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX IF NOT EXISTS incidents_active ON incidents (state) WHERE state IN ('pending', 'open')`,
      `CREATE INDEX IF NOT EXISTS incidents_opened_at ON incidents (opened_at)`,
      // The timeline. An entry keeps its id when an incident absorbs another's (its row moves).
      `CREATE TABLE IF NOT EXISTS incident_timeline (
        id           text PRIMARY KEY,
        incident_id  text NOT NULL REFERENCES incidents (id),
        ord          integer NOT NULL,
        at           timestamptz NOT NULL,
        kind         text NOT NULL,
        what         text NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS incident_timeline_incident ON incident_timeline (incident_id, ord)`,
      // The audit of every automated action and revert: append-only (inserted once, never updated).
      `CREATE TABLE IF NOT EXISTS incident_actions (
        id           text PRIMARY KEY,
        incident_id  text NOT NULL REFERENCES incidents (id),
        at           timestamptz NOT NULL,
        type         text NOT NULL,
        scope        text NOT NULL,
        mode         text NOT NULL,
        actor        text NOT NULL,
        summary      text NOT NULL,
        target       text,
        details      jsonb NOT NULL DEFAULT '{}',
        reverts      text,
        recorded_at  timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX IF NOT EXISTS incident_actions_incident ON incident_actions (incident_id, at)`,
      // Flags the webhook instances poll (resilience/runtime-flags.ts). Every row expires; a
      // reverted row is kept (who set what, when, why) until the flag is set again.
      `CREATE TABLE IF NOT EXISTS runtime_flags (
        flag         text NOT NULL,
        region       text NOT NULL,
        value        text NOT NULL,
        set_at       timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        set_by       text NOT NULL,
        reason       text NOT NULL,
        reverted_at  timestamptz,
        PRIMARY KEY (flag, region)
      )`,
      // The webhook's database user reads the flags; nothing in them is confidential, and only this
      // schema's owner (the responder) may write them.
      `GRANT SELECT ON runtime_flags TO PUBLIC`,
    ],
  },
];

const LOCK_ID = 0x696e6364; // "incd": the responder's schema

/** Apply the responder's migrations; returns the ids applied now. */
export async function migrateIncidentStore(database: Pick<Database, 'withSession'>): Promise<number[]> {
  return database.withSession((db: Queryable) =>
    applyPostgresMigrations(db, { ledger: 'incident_schema_migrations', lockId: LOCK_ID, migrations: INCIDENT_MIGRATIONS }),
  );
}
