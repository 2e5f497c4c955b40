import { Database, inTransaction } from '../storage/database';
import { ActionRecord, AppliedMitigation } from './actions';
import { Impact } from './impact';
import { Alert } from './notification';

export type TimelineKind = 'alert' | 'message' | 'action' | 'automation' | 'state';

/** One entry of an incident's timeline. */
export interface TimelineEntry {
  /** `<incident id>/t<n>`: the incident it was first written in (it keeps the id if absorbed). */
  readonly id: string;
  readonly at: number;
  readonly kind: TimelineKind;
  readonly what: string;
}

export interface StoredAlert {
  readonly alert: Alert;
  /** The id of the alert that explains it (inhibition). */
  readonly inhibitedBy?: string;
}

/** An incident as stored: enough to resume it after a restart and to write its review. Times in seconds. */
export interface StoredIncident {
  readonly id: string;
  readonly key: string;
  readonly state: 'pending' | 'open' | 'resolved' | 'dropped';
  readonly severity: 'page' | 'ticket';
  readonly openedAt: number;
  readonly announcedAt?: number;
  readonly resolvedAt?: number;
  readonly notifyAt: number;
  readonly lastActivity: number;
  readonly automationStoppedBy?: string;
  readonly automationStoppedAt?: number;
  readonly alerts: readonly StoredAlert[];
  readonly actedOn: readonly string[];
  readonly mitigations: readonly AppliedMitigation[];
  readonly impact?: Impact;
  readonly entrySeq: number;
  readonly actionSeq: number;
  readonly timeline: readonly TimelineEntry[];
  readonly actions: readonly ActionRecord[];
}

export interface IncidentSummary {
  readonly id: string;
  readonly key: string;
  readonly state: StoredIncident['state'];
  readonly severity: StoredIncident['severity'];
  readonly openedAt: number;
  readonly resolvedAt?: number;
}

/** Where incidents live: Postgres in production, memory in tests and replays without a database. */
export interface IncidentStore {
  /** Write the incident as it is now: its row, its timeline (entries moved here from an absorbed incident follow), new audit rows. */
  save(incident: StoredIncident): Promise<void>;
  load(id: string): Promise<StoredIncident | undefined>;
  /** Pending and open incidents, to resume after a restart. */
  loadActive(): Promise<StoredIncident[]>;
  /** Announced incidents, newest first. */
  list(limit?: number): Promise<IncidentSummary[]>;
}

export class MemoryIncidentStore implements IncidentStore {
  private readonly incidents = new Map<string, StoredIncident>();

  async save(incident: StoredIncident): Promise<void> {
    this.incidents.set(incident.id, structuredClone(incident));
  }

  async load(id: string): Promise<StoredIncident | undefined> {
    const found = this.incidents.get(id);
    return found && structuredClone(found);
  }

  async loadActive(): Promise<StoredIncident[]> {
    return [...this.incidents.values()].filter((i) => i.state === 'pending' || i.state === 'open').map((i) => structuredClone(i));
  }

  async list(limit = 100): Promise<IncidentSummary[]> {
    return [...this.incidents.values()]
      .filter((i) => i.state === 'open' || i.state === 'resolved')
      .sort((a, b) => b.openedAt - a.openedAt)
      .slice(0, limit)
      .map(summary);
  }
}

/** The tables of store-migrations.ts (run `migrateIncidentStore` first). */
export class PostgresIncidentStore implements IncidentStore {
  constructor(private readonly db: Pick<Database, 'query' | 'withSession'>) {}

  async save(i: StoredIncident): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      await tx.query(
        `INSERT INTO incidents (id, key, state, severity, opened_at, announced_at, resolved_at, notify_at, last_activity,
                                automation_stopped_by, automation_stopped_at, alerts, acted_on, mitigations, impact, entry_seq, action_seq, updated_at)
         VALUES ($1, $2, $3, $4, to_timestamp($5), to_timestamp($6), to_timestamp($7), to_timestamp($8), to_timestamp($9),
                 $10, to_timestamp($11), $12, $13, $14, $15, $16, $17, now())
         ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, severity = EXCLUDED.severity, announced_at = EXCLUDED.announced_at,
           resolved_at = EXCLUDED.resolved_at, notify_at = EXCLUDED.notify_at, last_activity = EXCLUDED.last_activity,
           automation_stopped_by = EXCLUDED.automation_stopped_by, automation_stopped_at = EXCLUDED.automation_stopped_at,
           alerts = EXCLUDED.alerts, acted_on = EXCLUDED.acted_on, mitigations = EXCLUDED.mitigations, impact = EXCLUDED.impact,
           entry_seq = EXCLUDED.entry_seq, action_seq = EXCLUDED.action_seq, updated_at = now()`,
        [
          i.id,
          i.key,
          i.state,
          i.severity,
          i.openedAt,
          i.announcedAt ?? null,
          i.resolvedAt ?? null,
          i.notifyAt,
          i.lastActivity,
          i.automationStoppedBy ?? null,
          i.automationStoppedAt ?? null,
          JSON.stringify(i.alerts),
          [...i.actedOn],
          JSON.stringify(i.mitigations),
          i.impact ? JSON.stringify(i.impact) : null,
          i.entrySeq,
          i.actionSeq,
        ],
      );
      if (i.timeline.length > 0) {
        await tx.query(
          `INSERT INTO incident_timeline (id, incident_id, ord, at, kind, what)
           SELECT e.id, $1, e.ord, to_timestamp(e.at), e.kind, e.what
             FROM unnest($2::text[], $3::int[], $4::float8[], $5::text[], $6::text[]) AS e(id, ord, at, kind, what)
           ON CONFLICT (id) DO UPDATE SET incident_id = EXCLUDED.incident_id, ord = EXCLUDED.ord`,
          [
            i.id,
            i.timeline.map((e) => e.id),
            i.timeline.map((_, n) => n),
            i.timeline.map((e) => e.at),
            i.timeline.map((e) => e.kind),
            i.timeline.map((e) => e.what),
          ],
        );
      }
      if (i.actions.length > 0) {
        await tx.query(
          `INSERT INTO incident_actions (id, incident_id, at, type, scope, mode, actor, summary, target, details, reverts)
           SELECT a.id, $1, to_timestamp(a.at), a.type, a.scope, a.mode, a.actor, a.summary, a.target, a.details::jsonb, a.reverts
             FROM unnest($2::text[], $3::float8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
                  AS a(id, at, type, scope, mode, actor, summary, target, details, reverts)
           ON CONFLICT (id) DO NOTHING`,
          [
            i.id,
            i.actions.map((a) => a.id),
            i.actions.map((a) => a.at),
            i.actions.map((a) => a.type),
            i.actions.map((a) => a.scope),
            i.actions.map((a) => a.mode),
            i.actions.map((a) => a.actor),
            i.actions.map((a) => a.summary),
            i.actions.map((a) => a.target ?? null),
            i.actions.map((a) => JSON.stringify(a.details ?? {})),
            i.actions.map((a) => a.reverts ?? null),
          ],
        );
      }
    });
  }

  async load(id: string): Promise<StoredIncident | undefined> {
    const { rows } = await this.db.query<IncidentRow>(`${SELECT_INCIDENT} WHERE id = $1`, [id]);
    return rows[0] && this.complete(rows[0]);
  }

  async loadActive(): Promise<StoredIncident[]> {
    const { rows } = await this.db.query<IncidentRow>(`${SELECT_INCIDENT} WHERE state IN ('pending', 'open') ORDER BY opened_at`);
    return Promise.all(rows.map((r) => this.complete(r)));
  }

  async list(limit = 100): Promise<IncidentSummary[]> {
    const { rows } = await this.db.query<IncidentRow>(
      `${SELECT_INCIDENT} WHERE state IN ('open', 'resolved') ORDER BY opened_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => summary(fromRow(r, [], [])));
  }

  private async complete(row: IncidentRow): Promise<StoredIncident> {
    const [timeline, actions] = await Promise.all([
      this.db.query<{ id: string; at: number; kind: TimelineKind; what: string }>(
        'SELECT id, extract(epoch FROM at)::float8 AS at, kind, what FROM incident_timeline WHERE incident_id = $1 ORDER BY ord',
        [row.id],
      ),
      this.db.query<ActionRow>(
        `SELECT id, incident_id, extract(epoch FROM at)::float8 AS at, type, scope, mode, actor, summary, target, details, reverts
           FROM incident_actions WHERE incident_id = $1 ORDER BY at, id`,
        [row.id],
      ),
    ]);
    return fromRow(
      row,
      timeline.rows.map((e) => ({ ...e, at: Number(e.at) })),
      actions.rows.map((a) => ({
        id: a.id,
        incidentId: a.incident_id,
        at: Number(a.at),
        type: a.type,
        scope: a.scope,
        mode: a.mode,
        actor: a.actor,
        summary: a.summary,
        ...(a.target !== null && { target: a.target }),
        details: a.details,
        ...(a.reverts !== null && { reverts: a.reverts }),
      })),
    );
  }
}

const epoch = (column: string) => `extract(epoch FROM ${column})::float8 AS ${column}`;
const SELECT_INCIDENT = `SELECT id, key, state, severity, ${epoch('opened_at')}, ${epoch('announced_at')}, ${epoch('resolved_at')},
  ${epoch('notify_at')}, ${epoch('last_activity')}, automation_stopped_by, ${epoch('automation_stopped_at')},
  alerts, acted_on, mitigations, impact, entry_seq, action_seq FROM incidents`;

interface IncidentRow extends Record<string, unknown> {
  id: string;
  key: string;
  state: StoredIncident['state'];
  severity: StoredIncident['severity'];
  opened_at: number;
  announced_at: number | null;
  resolved_at: number | null;
  notify_at: number;
  last_activity: number;
  automation_stopped_by: string | null;
  automation_stopped_at: number | null;
  alerts: StoredAlert[];
  acted_on: string[];
  mitigations: AppliedMitigation[];
  impact: Impact | null;
  entry_seq: number;
  action_seq: number;
}

interface ActionRow extends Record<string, unknown> {
  id: string;
  incident_id: string;
  at: number;
  type: ActionRecord['type'];
  scope: string;
  mode: ActionRecord['mode'];
  actor: string;
  summary: string;
  target: string | null;
  details: Record<string, unknown>;
  reverts: string | null;
}

function fromRow(r: IncidentRow, timeline: TimelineEntry[], actions: ActionRecord[]): StoredIncident {
  const optional = (x: number | null) => (x === null ? undefined : Number(x));
  return {
    id: r.id,
    key: r.key,
    state: r.state,
    severity: r.severity,
    openedAt: Number(r.opened_at),
    announcedAt: optional(r.announced_at),
    resolvedAt: optional(r.resolved_at),
    notifyAt: Number(r.notify_at),
    lastActivity: Number(r.last_activity),
    automationStoppedBy: r.automation_stopped_by ?? undefined,
    automationStoppedAt: optional(r.automation_stopped_at),
    alerts: r.alerts,
    actedOn: r.acted_on,
    mitigations: r.mitigations,
    impact: r.impact ?? undefined,
    entrySeq: Number(r.entry_seq),
    actionSeq: Number(r.action_seq),
    timeline,
    actions,
  };
}

function summary(i: StoredIncident): IncidentSummary {
  return { id: i.id, key: i.key, state: i.state, severity: i.severity, openedAt: i.openedAt, resolvedAt: i.resolvedAt };
}
