import { ActionExecutors, ActionRecord, AppliedMitigation, DiagnosticsCollector, MitigationExecutor } from './actions';
import { Diagnostics } from './diagnostics';
import { Impact, TurnLogImpact, describeImpact } from './impact';
import { Alert } from './notification';
import { ActionSpec, IncidentRules } from './rules';
import { IncidentStore, StoredIncident, TimelineEntry, TimelineKind } from './store';

export type { TimelineEntry } from './store';

export interface Incident {
  /** `inc-<opened, UTC>-<key>`: readable, and the same on every replay of a recording. */
  readonly id: string;
  readonly key: string;
  /** The first alert's time (an absorbed incident's, when earlier). */
  openedAt: number;
  announcedAt?: number;
  resolvedAt?: number;
  state: 'pending' | 'open' | 'resolved' | 'dropped';
  severity: 'page' | 'ticket';
  notifyAt: number;
  lastActivity: number;
  readonly alerts: Alert[];
  readonly timeline: TimelineEntry[];
  /** The audit of every action and revert on this incident. */
  readonly actions: ActionRecord[];
  /** Mitigations applied (and whether undone since). */
  readonly mitigations: AppliedMitigation[];
  /** `<kind>@<region>` whose actions already ran (once per incident). */
  readonly actedOn: Set<string>;
  automationStopped: boolean;
  automationStoppedBy?: string;
  automationStoppedAt?: number;
  impact?: Impact;
  entrySeq: number;
  actionSeq: number;
}

/** A message for the incident channel: one per incident and state change. */
export interface IncidentMessage {
  readonly incident: string;
  readonly change: 'opened' | 'escalated' | 'resolved';
  readonly text: string;
}

export interface ResponderOptions {
  readonly rules: IncidentRules;
  /** Sends a message to the incident channel (Google Chat). */
  readonly notify: (message: IncidentMessage) => Promise<void>;
  /** Impact from the turn log; absent reports it as unknown. */
  readonly impact?: TurnLogImpact;
  /** Record mitigations without applying them (diagnostics, which only read, still run). */
  readonly dryRun: boolean;
  /**
   * What runs the actions. Diagnostics default to links and the alerts' own values; a mitigation
   * without an executor is recorded as a dry run (dry run) or skipped (not dry run).
   */
  readonly executors?: ActionExecutors;
  /** Durable incidents, timelines and audit; absent keeps them in memory only. */
  readonly store?: IncidentStore;
  /** Every audit record as it is made (the service logs them). */
  readonly onAudit?: (record: ActionRecord) => void;
  /** A store write failed: the incident stays dirty and is written with the next change. */
  readonly onStoreError?: (error: unknown) => void;
}

export interface ResponderCounts {
  alerts: number;
  incidents: number;
  notifications: number;
  inhibited: number;
  actions: number;
}

export interface StopResult {
  readonly incident: string;
  readonly stoppedBy: string;
  /** Mitigations undone now (`revert: true`). */
  readonly reverted: string[];
  /** Mitigations still applied: undone when the incident resolves, flags also at their expiry. */
  readonly stillApplied: string[];
}

/**
 * Correlation and first response. Alerts group into incidents by `<service>/<dependency>` within
 * the group window; an alert a firing cause explains (inhibition rule) joins the cause's incident
 * silently. An incident is announced after `groupWaitSeconds` (so a cause arriving just after its
 * symptoms still explains them), escalated when an unexplained page joins, and resolved when its
 * last alert closes. On announcement (and for each later unexplained alert) the declared actions
 * run: a diagnostics snapshot once, then the kind's mitigations once per kind and region, each
 * audited; applied mitigations are undone at resolution. Time is passed in (`now`, seconds) so a
 * replay runs on a virtual clock. Calls are serialized: one alert is handled at a time.
 */
export class IncidentResponder {
  readonly incidents: Incident[] = [];
  readonly counts: ResponderCounts = { alerts: 0, incidents: 0, notifications: 0, inhibited: 0, actions: 0 };
  private readonly alerts = new Map<string, { alert: Alert; incident: Incident; inhibitedBy?: string }>();
  private readonly dirty = new Set<Incident>();
  private readonly diagnostics: DiagnosticsCollector;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ResponderOptions) {
    this.diagnostics = options.executors?.diagnostics ?? new Diagnostics({ rules: options.rules });
  }

  /** The earliest pending announcement, for a scheduler or a virtual clock. */
  nextDeadline(): number | undefined {
    const pending = this.incidents.filter((i) => i.state === 'pending').map((i) => i.notifyAt);
    return pending.length > 0 ? Math.min(...pending) : undefined;
  }

  receive(alert: Alert, now: number): Promise<void> {
    return this.serial(() => this.handle(alert, now));
  }

  /** Announce incidents whose group wait is over. */
  tick(now: number): Promise<void> {
    return this.serial(async () => {
      for (const incident of this.incidents) {
        if (incident.state !== 'pending' || incident.notifyAt > now) continue;
        incident.state = 'open';
        incident.announcedAt = now;
        this.counts.incidents++;
        await this.announce(incident, 'opened', now);
        for (const alert of incident.alerts) if (!this.alerts.get(alert.id)?.inhibitedBy) await this.act(incident, alert, now);
      }
    });
  }

  /**
   * A person stops automation on an incident: no further actions on it (nor on any incident it
   * absorbs). With `revert`, its applied mitigations are undone now; otherwise at resolution.
   * Undefined when there is no such incident.
   */
  stopAutomation(incidentId: string, who: string, now: number, options: { revert?: boolean } = {}): Promise<StopResult | undefined> {
    return this.serial(async () => {
      const incident = this.incidents.find((i) => i.id === incidentId && i.state !== 'dropped');
      if (!incident) return undefined;
      if (!incident.automationStopped) {
        incident.automationStopped = true;
        incident.automationStoppedBy = who;
        incident.automationStoppedAt = now;
        this.entry(incident, now, 'automation', `automation stopped by ${who}`);
      }
      const reverted = options.revert ? await this.revertAll(incident, now, who) : [];
      return {
        incident: incident.id,
        stoppedBy: incident.automationStoppedBy ?? who,
        reverted,
        stillApplied: incident.mitigations.filter((m) => m.state === 'applied').map((m) => `${m.type} ${m.target}`),
      };
    });
  }

  /** Resume incidents from the store after a restart (pending and open ones, with their alerts). */
  restore(stored: readonly StoredIncident[]): void {
    for (const s of stored) {
      if (this.incidents.some((i) => i.id === s.id)) continue;
      const incident: Incident = {
        ...s,
        alerts: s.alerts.map((a) => a.alert),
        timeline: [...s.timeline],
        actions: [...s.actions],
        mitigations: s.mitigations.map((m) => ({ ...m })),
        actedOn: new Set(s.actedOn),
        automationStopped: s.automationStoppedBy !== undefined,
      };
      this.incidents.push(incident);
      for (const a of s.alerts) this.alerts.set(a.alert.id, { alert: a.alert, incident, inhibitedBy: a.inhibitedBy });
    }
  }

  /** The incident as the store keeps it. */
  snapshot(incident: Incident): StoredIncident {
    return {
      id: incident.id,
      key: incident.key,
      state: incident.state,
      severity: incident.severity,
      openedAt: incident.openedAt,
      announcedAt: incident.announcedAt,
      resolvedAt: incident.resolvedAt,
      notifyAt: incident.notifyAt,
      lastActivity: incident.lastActivity,
      automationStoppedBy: incident.automationStoppedBy,
      automationStoppedAt: incident.automationStoppedAt,
      alerts: incident.alerts.map((alert) => ({ alert, inhibitedBy: this.alerts.get(alert.id)?.inhibitedBy })),
      actedOn: [...incident.actedOn],
      mitigations: incident.mitigations.map((m) => ({ ...m })),
      impact: incident.impact,
      entrySeq: incident.entrySeq,
      actionSeq: incident.actionSeq,
      timeline: [...incident.timeline],
      actions: [...incident.actions],
    };
  }

  /** Write every changed incident now (also done after each call). */
  async flush(): Promise<void> {
    const store = this.options.store;
    if (!store) return this.dirty.clear();
    // Absorbed (dropped) incidents first: their entries then move to the incident that absorbed them.
    const order = [...this.dirty].sort((a, b) => Number(b.state === 'dropped') - Number(a.state === 'dropped'));
    for (const incident of order) {
      try {
        await store.save(this.snapshot(incident));
        this.dirty.delete(incident);
      } catch (error) {
        this.options.onStoreError?.(error);
      }
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      try {
        return await fn();
      } finally {
        await this.flush();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async handle(alert: Alert, now: number): Promise<void> {
    const known = this.alerts.get(alert.id);
    if (alert.state === 'closed') {
      if (!known) {
        // A closing notification for an alert we never saw open: open it at its start, then close.
        await this.handle({ ...alert, state: 'open' }, alert.startedAt);
        return this.handle(alert, now);
      }
      return this.close(known.incident, alert, now);
    }
    if (known) return; // Monitoring re-notifies open incidents: nothing new.
    this.counts.alerts++;
    const rules = this.options.rules;
    const dependency = rules.kinds[alert.kind]?.dependency ?? alert.kind;
    const cause = this.explainer(alert);
    let incident: Incident;
    if (cause) {
      incident = cause.incident;
      this.counts.inhibited++;
      this.entry(incident, now, 'alert', `${this.describe(alert)} joined, explained by ${this.describe(cause.alert)} (inhibited)`);
    } else {
      incident = this.findOpen(`${alert.service}/${dependency}`, now) ?? this.create(`${alert.service}/${dependency}`, now);
      this.entry(incident, now, 'alert', `${this.describe(alert)} fired`);
      this.absorbExplained(alert, incident, now);
    }
    this.alerts.set(alert.id, { alert, incident, inhibitedBy: cause?.alert.id });
    incident.alerts.push(alert);
    incident.lastActivity = now;
    if (!cause && alert.severity === 'page' && incident.severity === 'ticket') {
      incident.severity = 'page';
      if (incident.state === 'open') await this.announce(incident, 'escalated', now);
    }
    if (incident.state === 'open' && !cause) await this.act(incident, alert, now);
  }

  private async close(incident: Incident, alert: Alert, now: number): Promise<void> {
    const entry = this.alerts.get(alert.id)!;
    if (entry.alert.state === 'closed') return;
    entry.alert = { ...entry.alert, state: 'closed', endedAt: alert.endedAt ?? now };
    const index = incident.alerts.findIndex((a) => a.id === alert.id);
    incident.alerts[index] = entry.alert;
    this.entry(incident, now, 'alert', `${this.describe(alert)} closed`);
    if (incident.alerts.some((a) => a.state === 'open')) return;
    if (incident.state === 'pending') {
      // Everything closed within the group wait: recorded, never announced (a blip, not an incident).
      incident.state = 'dropped';
      this.entry(incident, now, 'state', 'all alerts closed before the group wait ended: not announced');
      return;
    }
    incident.state = 'resolved';
    incident.resolvedAt = now;
    // Mitigations are temporary: undone when what called for them is over.
    await this.revertAll(incident, now, 'responder');
    await this.announce(incident, 'resolved', now);
  }

  /** An open alert that explains `alert` under an inhibition rule. */
  private explainer(alert: Alert): { alert: Alert; incident: Incident } | undefined {
    for (const rule of this.options.rules.inhibit) {
      if (!rule.targets.includes(alert.kind)) continue;
      for (const entry of this.alerts.values()) {
        if (entry.alert.kind === rule.source && entry.alert.state === 'open' && agree(entry.alert, alert, rule.equal)) return entry;
      }
    }
    return undefined;
  }

  /** A new cause explains alerts of incidents not yet announced: they move into its incident. */
  private absorbExplained(cause: Alert, target: Incident, now: number): void {
    const rules = this.options.rules.inhibit.filter((r) => r.source === cause.kind);
    for (const incident of this.incidents) {
      if (incident === target || incident.state !== 'pending') continue;
      const explained = incident.alerts.every((a) => rules.some((r) => r.targets.includes(a.kind) && agree(cause, a, r.equal)));
      if (!explained) continue;
      for (const alert of incident.alerts) {
        const entry = this.alerts.get(alert.id)!;
        entry.incident = target;
        entry.inhibitedBy = cause.id;
        target.alerts.push(alert);
        this.counts.inhibited++;
        this.entry(target, now, 'alert', `${this.describe(alert)} explained by ${this.describe(cause)} (inhibited)`);
      }
      incident.alerts.length = 0;
      incident.state = 'dropped';
      // A person's decision on the absorbed incident holds for the one it became part of.
      if (incident.automationStopped && !target.automationStopped) {
        target.automationStopped = true;
        target.automationStoppedBy = incident.automationStoppedBy;
        target.automationStoppedAt = incident.automationStoppedAt;
      }
      target.timeline.unshift(...incident.timeline.splice(0));
      this.entry(incident, now, 'state', `absorbed into ${target.id}`);
      target.notifyAt = Math.min(target.notifyAt, incident.notifyAt);
      // The incident began with its first symptom: impact and the review count from there.
      target.openedAt = Math.min(target.openedAt, incident.openedAt);
      this.dirty.add(incident);
    }
  }

  private findOpen(key: string, now: number): Incident | undefined {
    const window = this.options.rules.groupWindowSeconds;
    return this.incidents.find((i) => i.key === key && (i.state === 'pending' || i.state === 'open') && now - i.lastActivity <= window);
  }

  private create(key: string, now: number): Incident {
    const stamp = new Date(now * 1000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const base = `inc-${stamp}-${key.replace(/[^a-zA-Z0-9]+/g, '-')}`;
    let id = base;
    for (let n = 2; this.incidents.some((i) => i.id === id); n++) id = `${base}-${n}`;
    const incident: Incident = {
      id,
      key,
      openedAt: now,
      state: 'pending',
      severity: 'ticket',
      notifyAt: now + this.options.rules.groupWaitSeconds,
      lastActivity: now,
      alerts: [],
      timeline: [],
      actions: [],
      mitigations: [],
      actedOn: new Set(),
      automationStopped: false,
      entrySeq: 0,
      actionSeq: 0,
    };
    this.incidents.push(incident);
    return incident;
  }

  private entry(incident: Incident, at: number, kind: TimelineKind, what: string): void {
    incident.timeline.push({ id: `${incident.id}/t${String(++incident.entrySeq).padStart(4, '0')}`, at, kind, what });
    this.dirty.add(incident);
  }

  private audit(incident: Incident, record: Omit<ActionRecord, 'id' | 'incidentId'>): ActionRecord {
    const full: ActionRecord = {
      id: `${incident.id}/a${String(++incident.actionSeq).padStart(3, '0')}`,
      incidentId: incident.id,
      ...record,
    };
    incident.actions.push(full);
    this.dirty.add(incident);
    this.options.onAudit?.(full);
    return full;
  }

  private async announce(incident: Incident, change: IncidentMessage['change'], now: number): Promise<void> {
    if (this.options.impact) {
      incident.impact = await this.options.impact
        .measure(new Date(incident.openedAt * 1000), new Date(now * 1000))
        .catch(() => incident.impact);
    }
    const causes = incident.alerts.filter((a) => !this.alerts.get(a.id)?.inhibitedBy);
    const explained = incident.alerts.length - causes.length;
    const regions = [...new Set(incident.alerts.map((a) => a.region).filter(Boolean))].sort();
    const links = this.options.rules.links;
    const taken = incident.actions.filter((a) => !a.reverts);
    const applied = taken.filter((a) => a.mode === 'applied').length;
    const undone = incident.actions.filter((a) => a.reverts && a.mode === 'reverted').length;
    const text = [
      `[${change.toUpperCase()}] ${incident.severity === 'page' ? 'PAGE' : 'ticket'} ${incident.id} ${incident.key}`,
      `Alerts: ${[...new Set(causes.map((a) => a.policy || a.kind))].join('; ')}${explained > 0 ? ` (+${explained} explained by them)` : ''}`,
      `Regions: ${regions.length > 0 ? regions.join(', ') : 'global'}`,
      describeImpact(incident.impact),
      ...(change !== 'opened' && taken.length > 0
        ? [
            `First response: ${taken.length} actions, ${applied} mitigations applied, ${undone} undone${incident.automationStopped ? `; automation stopped by ${incident.automationStoppedBy}` : ''}.`,
          ]
        : []),
      `Runbooks: ${[...new Set(causes.map((a) => `${links.runbookBaseUrl.replace(/\/+$/, '')}/${a.kind}.md`))].join(' ')}`,
    ].join('\n');
    this.entry(incident, now, 'message', `${change} message sent`);
    this.counts.notifications++;
    await this.options.notify({ incident: incident.id, change, text });
  }

  /** Run the actions declared for `alert`'s kind, once per incident and region, auditing each. */
  private async act(incident: Incident, alert: Alert, now: number): Promise<void> {
    const scope = `${alert.kind}@${alert.region ?? 'global'}`;
    if (incident.automationStopped || incident.actedOn.has(scope)) return;
    incident.actedOn.add(scope);
    const specs: ActionSpec[] = [
      ...(incident.actedOn.size === 1 ? [{ type: 'diagnostics' } as ActionSpec] : []),
      ...(this.options.rules.actions[alert.kind] ?? []).filter((a) => a.type !== 'diagnostics'),
    ];
    for (const spec of specs) {
      this.counts.actions++;
      const record = await this.run(incident, alert, spec, scope, now);
      this.entry(incident, now, 'action', `action ${spec.type}: ${record.summary}`);
    }
  }

  private async run(incident: Incident, alert: Alert, spec: ActionSpec, scope: string, now: number): Promise<ActionRecord> {
    const base = { at: now, type: spec.type, scope, actor: 'responder' };
    if (spec.type === 'diagnostics') {
      const snapshot = await this.diagnostics.snapshot({
        incidentId: incident.id,
        openedAt: incident.openedAt,
        alerts: incident.alerts,
        now,
      });
      return this.audit(incident, { ...base, mode: 'ran', summary: snapshot.summary, details: snapshot.details });
    }
    const executor = this.options.executors?.[spec.type] as MitigationExecutor | undefined;
    const dryRun = this.options.dryRun;
    if (!executor) {
      return this.audit(incident, {
        ...base,
        mode: dryRun ? 'dry-run' : 'skipped',
        summary: dryRun
          ? `dry run: would ${describeAction(spec, alert)}`
          : `skipped: no executor configured to ${describeAction(spec, alert)}`,
      });
    }
    const actionId = `${incident.id}/a${String(incident.actionSeq + 1).padStart(3, '0')}`;
    try {
      const outcome = await executor.run(spec, { incidentId: incident.id, actionId, alert, now, dryRun });
      const record = this.audit(incident, {
        ...base,
        mode: outcome.mode,
        summary: outcome.summary,
        target: outcome.target,
        details: outcome.details,
      });
      if (outcome.mode === 'applied') {
        incident.mitigations.push({
          actionId: record.id,
          type: spec.type,
          scope,
          target: outcome.target ?? scope,
          undo: outcome.undo ?? {},
          expiresAt: outcome.expiresAt,
          state: 'applied',
        });
      }
      return record;
    } catch (error) {
      return this.audit(incident, {
        ...base,
        mode: 'failed',
        summary: `failed to ${describeAction(spec, alert)}: ${(error as Error).message}`,
      });
    }
  }

  /** Undo the incident's applied mitigations; returns what was undone. */
  private async revertAll(incident: Incident, now: number, actor: string): Promise<string[]> {
    const undone: string[] = [];
    for (const m of incident.mitigations) {
      if (m.state !== 'applied') continue;
      const executor = this.options.executors?.[m.type] as MitigationExecutor | undefined;
      m.state = 'reverted';
      const base = { at: now, type: m.type, scope: m.scope, actor, target: m.target, reverts: m.actionId };
      let record: ActionRecord;
      try {
        if (!executor) throw new Error('no executor configured');
        const outcome = await executor.revert(m, { incidentId: incident.id, now });
        record = this.audit(incident, { ...base, mode: outcome.mode, summary: outcome.summary, details: outcome.details });
        if (outcome.mode === 'reverted') undone.push(`${m.type} ${m.target}`);
      } catch (error) {
        // Not retried: a flag still expires by itself; a scaling change is left for a person (the entry says so).
        record = this.audit(incident, {
          ...base,
          mode: 'failed',
          summary: `failed to undo ${m.type} on ${m.target}: ${(error as Error).message}`,
        });
      }
      this.entry(incident, now, 'action', `revert ${m.type}: ${record.summary}`);
    }
    return undone;
  }

  private describe(alert: Alert): string {
    return `${alert.kind}${alert.region ? `@${alert.region}` : ''} (${alert.id})`;
  }
}

function agree(a: Alert, b: Alert, equal: ReadonlyArray<'service' | 'region'>): boolean {
  return equal.every((label) => a[label] === undefined || b[label] === undefined || a[label] === b[label]);
}

export function describeAction(spec: ActionSpec, alert: Alert): string {
  switch (spec.type) {
    case 'diagnostics':
      return 'take a diagnostics snapshot';
    case 'runtime-flag':
      return `set runtime flag ${spec.flag}=${spec.value} for ${alert.service}${alert.region ? ` in ${alert.region}` : ''} for at most ${spec.ttlMinutes} min`;
    case 'raise-min-instances':
      return `raise min instances of ${alert.service}${alert.region ? ` in ${alert.region}` : ''} by ${spec.step}, capped at ${spec.cap}`;
  }
}
