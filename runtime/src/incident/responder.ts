import { Impact, TurnLogImpact, describeImpact } from './impact';
import { Alert } from './notification';
import { ActionSpec, IncidentRules } from './rules';

/** One entry of an incident's timeline (also the audit log of automated actions). */
export interface TimelineEntry {
  readonly at: number;
  readonly what: string;
}

export interface Incident {
  readonly id: string;
  readonly key: string;
  readonly openedAt: number;
  resolvedAt?: number;
  state: 'pending' | 'open' | 'resolved' | 'dropped';
  severity: 'page' | 'ticket';
  notifyAt: number;
  lastActivity: number;
  readonly alerts: Alert[];
  readonly timeline: TimelineEntry[];
  /** `<kind>@<region>` whose actions already ran (once per incident). */
  readonly actedOn: Set<string>;
  automationStopped: boolean;
  impact?: Impact;
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
  /** Record actions without applying them. */
  readonly dryRun: boolean;
  /** Applies a mitigation; returns what it did. Absent: mitigations are only recorded (dry run). */
  readonly apply?: (incident: Incident, action: ActionSpec, alert: Alert) => Promise<string>;
}

export interface ResponderCounts {
  alerts: number;
  incidents: number;
  notifications: number;
  inhibited: number;
  actions: number;
}

/**
 * Correlation and first response. Alerts group into incidents by `<service>/<dependency>` within
 * the group window; an alert a firing cause explains (inhibition rule) joins the cause's incident
 * silently. An incident is announced after `groupWaitSeconds` (so a cause arriving just after its
 * symptoms still explains them), escalated when an unexplained page joins, and resolved when its
 * last alert closes. Time is passed in (`now`, seconds) so a replay runs on a virtual clock.
 */
export class IncidentResponder {
  readonly incidents: Incident[] = [];
  readonly counts: ResponderCounts = { alerts: 0, incidents: 0, notifications: 0, inhibited: 0, actions: 0 };
  private readonly alerts = new Map<string, { alert: Alert; incident: Incident; inhibitedBy?: string }>();
  private sequence = 0;

  constructor(private readonly options: ResponderOptions) {}

  /** The earliest pending announcement, for a scheduler or a virtual clock. */
  nextDeadline(): number | undefined {
    const pending = this.incidents.filter((i) => i.state === 'pending').map((i) => i.notifyAt);
    return pending.length > 0 ? Math.min(...pending) : undefined;
  }

  async receive(alert: Alert, now: number): Promise<void> {
    const known = this.alerts.get(alert.id);
    if (alert.state === 'closed') {
      if (!known) {
        // A closing notification for an alert we never saw open: open it at its start, then close.
        await this.receive({ ...alert, state: 'open' }, alert.startedAt);
        return this.receive(alert, now);
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
      incident.timeline.push({ at: now, what: `${this.describe(alert)} joined, explained by ${this.describe(cause.alert)} (inhibited)` });
    } else {
      incident = this.findOpen(`${alert.service}/${dependency}`, now) ?? this.create(`${alert.service}/${dependency}`, now);
      incident.timeline.push({ at: now, what: `${this.describe(alert)} fired` });
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

  /** Announce incidents whose group wait is over. */
  async tick(now: number): Promise<void> {
    for (const incident of this.incidents) {
      if (incident.state !== 'pending' || incident.notifyAt > now) continue;
      incident.state = 'open';
      this.counts.incidents++;
      await this.announce(incident, 'opened', now);
      for (const alert of incident.alerts) if (!this.alerts.get(alert.id)?.inhibitedBy) await this.act(incident, alert, now);
    }
  }

  /** A person stops automation on an incident: no further actions; applied mitigations are listed for revert. */
  stopAutomation(incidentId: string, who: string, now: number): boolean {
    const incident = this.incidents.find((i) => i.id === incidentId);
    if (!incident) return false;
    incident.automationStopped = true;
    incident.timeline.push({ at: now, what: `automation stopped by ${who}` });
    return true;
  }

  private async close(incident: Incident, alert: Alert, now: number): Promise<void> {
    const entry = this.alerts.get(alert.id)!;
    if (entry.alert.state === 'closed') return;
    entry.alert = { ...entry.alert, state: 'closed', endedAt: alert.endedAt ?? now };
    const index = incident.alerts.findIndex((a) => a.id === alert.id);
    incident.alerts[index] = entry.alert;
    incident.timeline.push({ at: now, what: `${this.describe(alert)} closed` });
    if (incident.alerts.some((a) => a.state === 'open')) return;
    if (incident.state === 'pending') {
      // Everything closed within the group wait: recorded, never announced (a blip, not an incident).
      incident.state = 'dropped';
      incident.timeline.push({ at: now, what: 'all alerts closed before the group wait ended: not announced' });
      return;
    }
    incident.state = 'resolved';
    incident.resolvedAt = now;
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
        target.timeline.push({ at: now, what: `${this.describe(alert)} explained by ${this.describe(cause)} (inhibited)` });
      }
      incident.alerts.length = 0;
      incident.state = 'dropped';
      // A person's decision on the absorbed incident holds for the one it became part of.
      if (incident.automationStopped) target.automationStopped = true;
      target.timeline.unshift(...incident.timeline);
      target.notifyAt = Math.min(target.notifyAt, incident.notifyAt);
    }
  }

  private findOpen(key: string, now: number): Incident | undefined {
    const window = this.options.rules.groupWindowSeconds;
    return this.incidents.find((i) => i.key === key && (i.state === 'pending' || i.state === 'open') && now - i.lastActivity <= window);
  }

  private create(key: string, now: number): Incident {
    const incident: Incident = {
      id: `inc-${++this.sequence}`,
      key,
      openedAt: now,
      state: 'pending',
      severity: 'ticket',
      notifyAt: now + this.options.rules.groupWaitSeconds,
      lastActivity: now,
      alerts: [],
      timeline: [],
      actedOn: new Set(),
      automationStopped: false,
    };
    this.incidents.push(incident);
    return incident;
  }

  private async announce(incident: Incident, change: IncidentMessage['change'], now: number): Promise<void> {
    if (this.options.impact) {
      incident.impact = await this.options.impact.measure(new Date(incident.openedAt * 1000), new Date(now * 1000)).catch(() => undefined);
    }
    const causes = incident.alerts.filter((a) => !this.alerts.get(a.id)?.inhibitedBy);
    const explained = incident.alerts.length - causes.length;
    const regions = [...new Set(incident.alerts.map((a) => a.region).filter(Boolean))].sort();
    const links = this.options.rules.links;
    const text = [
      `[${change.toUpperCase()}] ${incident.severity === 'page' ? 'PAGE' : 'ticket'} ${incident.id} ${incident.key}`,
      `Alerts: ${[...new Set(causes.map((a) => a.policy || a.kind))].join('; ')}${explained > 0 ? ` (+${explained} explained by them)` : ''}`,
      `Regions: ${regions.length > 0 ? regions.join(', ') : 'global'}`,
      describeImpact(incident.impact),
      `Runbooks: ${[...new Set(causes.map((a) => `${links.runbookBaseUrl.replace(/\/+$/, '')}/${a.kind}.md`))].join(' ')}`,
    ].join('\n');
    incident.timeline.push({ at: now, what: `${change} message sent` });
    this.counts.notifications++;
    await this.options.notify({ incident: incident.id, change, text });
  }

  /** Run the actions declared for `alert`'s kind, once per incident, recording each. */
  private async act(incident: Incident, alert: Alert, now: number): Promise<void> {
    // Once per kind and region: a mitigation applies where its alert fired.
    const scope = `${alert.kind}@${alert.region ?? 'global'}`;
    if (incident.automationStopped || incident.actedOn.has(scope)) return;
    incident.actedOn.add(scope);
    const specs: ActionSpec[] = [
      ...(incident.actedOn.size === 1 ? [{ type: 'diagnostics' } as ActionSpec] : []),
      ...(this.options.rules.actions[alert.kind] ?? []).filter((a) => a.type !== 'diagnostics'),
    ];
    for (const spec of specs) {
      this.counts.actions++;
      let what: string;
      if (spec.type === 'diagnostics') what = this.diagnostics(incident, now);
      else if (this.options.dryRun || !this.options.apply) what = `dry run: would ${describeAction(spec, alert)}`;
      else
        what = await this.options
          .apply(incident, spec, alert)
          .catch((error: Error) => `failed to ${describeAction(spec, alert)}: ${error.message}`);
      incident.timeline.push({ at: now, what: `action ${spec.type}: ${what}` });
    }
  }

  private diagnostics(incident: Incident, now: number): string {
    const { project, dashboardUrl } = this.options.rules.links;
    const from = new Date(incident.openedAt * 1000 - 15 * 60_000).toISOString();
    const to = new Date(now * 1000).toISOString();
    const query = encodeURIComponent(
      'severity>=WARNING jsonPayload.event=("webhook.turn" OR "nlp.breaker" OR "redis.breaker" OR "postgres.breaker")',
    );
    const breakers = incident.alerts
      .filter((a) => a.kind.endsWith('breaker-open') && a.state === 'open')
      .map((a) => `${a.kind}@${a.region ?? 'global'}`);
    const burns = incident.alerts.filter((a) => a.kind.startsWith('slo-')).map((a) => `${a.kind}=${a.observedValue ?? '?'}`);
    return [
      `logs https://console.cloud.google.com/logs/query;query=${query};timeRange=${from}%2F${to}?project=${project}`,
      `traces https://console.cloud.google.com/traces/list?project=${project}`,
      ...(dashboardUrl ? [`dashboard ${dashboardUrl}`] : []),
      `breakers open: ${breakers.join(', ') || 'none alerted'}`,
      `burn rates: ${burns.join(', ') || 'none alerted'}`,
    ].join(' | ');
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
