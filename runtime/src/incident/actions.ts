import { Alert } from './notification';
import { ActionSpec } from './rules';

/** An HTTP call: `fetch`, or `fetch` with Google credentials added (google-http.ts). Injected so tests use local servers. */
export type HttpClient = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * What happened to one action, as the audit records it:
 * `ran` (diagnostics), `applied`, `dry-run` (recorded, not run), `skipped` (nothing to do, or not
 * possible here), `failed`; and for a revert: `reverted`, `expired` (its TTL already undid it),
 * `left` (someone changed it since: not touched).
 */
export type ActionMode = 'ran' | 'applied' | 'dry-run' | 'skipped' | 'failed' | 'reverted' | 'expired' | 'left';

/** One audited action: the `incident_actions` row. Append-only. */
export interface ActionRecord {
  /** `<incident id>/a<n>`. */
  readonly id: string;
  readonly incidentId: string;
  readonly at: number;
  readonly type: ActionSpec['type'];
  /** `<alert kind>@<region>` the action answered. */
  readonly scope: string;
  readonly mode: ActionMode;
  /** `responder`, or the person who asked (a revert on stop). */
  readonly actor: string;
  readonly summary: string;
  /** What it acted on: a flag and region, a Cloud Run service. */
  readonly target?: string;
  readonly details?: Record<string, unknown>;
  /** For a revert: the id of the action it undid. */
  readonly reverts?: string;
}

/** A mitigation that was applied and is undone when the incident resolves (or a person stops it with revert). */
export interface AppliedMitigation {
  readonly actionId: string;
  readonly type: Exclude<ActionSpec['type'], 'diagnostics'>;
  readonly scope: string;
  readonly target: string;
  /** What the executor needs to undo it (previous value, what it set). */
  readonly undo: Record<string, unknown>;
  /** Seconds: it undoes itself then (runtime flags). */
  readonly expiresAt?: number;
  state: 'applied' | 'reverted';
}

/** What an executor reports for one run. */
export interface MitigationOutcome {
  readonly mode: 'applied' | 'dry-run' | 'skipped';
  /** One line for the timeline; a dry run's starts with "dry run: would". */
  readonly summary: string;
  readonly target?: string;
  readonly details?: Record<string, unknown>;
  /** Given when applied: kept with the incident for the revert. */
  readonly undo?: Record<string, unknown>;
  readonly expiresAt?: number;
}

export interface RevertOutcome {
  readonly mode: 'reverted' | 'expired' | 'left';
  readonly summary: string;
  readonly details?: Record<string, unknown>;
}

export interface ActionContext {
  readonly incidentId: string;
  /** The audit id this run is recorded under (what an applied mitigation is known by). */
  readonly actionId: string;
  readonly alert: Alert;
  /** Seconds (the responder's clock: virtual in a replay). */
  readonly now: number;
  /** Record what would be done, change nothing (reads are allowed). */
  readonly dryRun: boolean;
}

/** Runs one kind of mitigation. `run` throws on failure (recorded as `failed`). */
export interface MitigationExecutor<S extends ActionSpec = ActionSpec> {
  run(spec: S, context: ActionContext): Promise<MitigationOutcome>;
  revert(applied: AppliedMitigation, context: { readonly incidentId: string; readonly now: number }): Promise<RevertOutcome>;
}

/** The incident as a diagnostics snapshot sees it. */
export interface DiagnosticsInput {
  readonly incidentId: string;
  readonly openedAt: number;
  readonly alerts: readonly Alert[];
  readonly now: number;
}

export interface DiagnosticsSnapshot {
  /** One line for the timeline and the channel. */
  readonly summary: string;
  /** Everything collected, for the audit row and the review. */
  readonly details: Record<string, unknown>;
}

export interface DiagnosticsCollector {
  snapshot(input: DiagnosticsInput): Promise<DiagnosticsSnapshot>;
}

export type RuntimeFlagSpec = Extract<ActionSpec, { type: 'runtime-flag' }>;
export type MinInstancesSpec = Extract<ActionSpec, { type: 'raise-min-instances' }>;

/** The executors a responder has; a mitigation without one is recorded (dry run) or skipped. */
export interface ActionExecutors {
  readonly diagnostics?: DiagnosticsCollector;
  readonly 'runtime-flag'?: MitigationExecutor<RuntimeFlagSpec>;
  readonly 'raise-min-instances'?: MitigationExecutor<MinInstancesSpec>;
}
