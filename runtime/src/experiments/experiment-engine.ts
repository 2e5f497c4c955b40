import { JsonValue, Turn } from '../protocol/turn';
import { environmentOf } from '../protocol/resource-names';
import { storableText } from '../storage/storable-text';
import { assignVariant } from './assignment';
import { Experiment, ExperimentsFile } from './experiment-config';

/** The session parameter listing the experiments a session is in: `{"<experiment>": "<variant>"}`. */
export const EXPERIMENTS_PARAMETER = 'convai_experiments';

/** What a handler sees of one experiment the turn is in. */
export interface ExperimentAssignment {
  readonly variant: string;
  readonly settings: Readonly<Record<string, JsonValue>>;
}

export interface Exposure {
  readonly experimentId: string;
  readonly sessionId: string;
  readonly variant: string;
  readonly configVersion: number;
  readonly exposedAt: Date;
}

export interface TurnExperiments {
  /** Experiments applied to this turn, by id. */
  readonly active: Readonly<Record<string, ExperimentAssignment>>;
  /** Every experiment the session has been in, this turn included (the new session parameter). */
  readonly membership: Record<string, string>;
  /** First exposures of the session, to log and store. */
  readonly exposures: Exposure[];
  /** Session parameters the variants set. */
  readonly parameters: Record<string, JsonValue>;
  /** A variant's replacement handler; the first active experiment that names one wins. */
  readonly handler?: string;
}

/**
 * A number setting from the turn's experiments, for handlers: the first active experiment that
 * sets `key` wins. `undefined` when no experiment sets it — the handler's default applies.
 */
export function numberSetting(experiments: Readonly<Record<string, ExperimentAssignment>>, key: string): number | undefined {
  for (const assignment of Object.values(experiments)) {
    const value = assignment.settings[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

const NONE: TurnExperiments = { active: {}, membership: {}, exposures: [], parameters: {} };

/**
 * Decides which experiments apply to a turn and in which variant. An experiment applies when
 * it is running, inside its time window and its targeting matches the turn (tag, page,
 * language prefix, agent environment). The variant comes from the session name alone
 * (assignment.ts), so it is the same on every turn, instance and region; the session parameter
 * only remembers which exposures were already logged.
 */
export class ExperimentEngine {
  constructor(private readonly file: ExperimentsFile | undefined) {}

  evaluate(turn: Turn, now = new Date()): TurnExperiments {
    const previous = readMembership(turn.parameters[EXPERIMENTS_PARAMETER]);
    if (!this.file || this.file.experiments.length === 0 || !turn.session) return { ...NONE, membership: previous };
    const active: Record<string, ExperimentAssignment> = {};
    const membership = { ...previous };
    const exposures: Exposure[] = [];
    let parameters: Record<string, JsonValue> = {};
    let handler: string | undefined;
    for (const experiment of this.file.experiments) {
      if (!applies(experiment, turn, now)) continue;
      const variant = assignVariant(experiment, turn.session);
      active[experiment.id] = { variant: variant.name, settings: variant.settings };
      if (membership[experiment.id] === undefined) {
        exposures.push({
          experimentId: experiment.id,
          sessionId: turn.session,
          variant: variant.name,
          configVersion: this.file.version,
          exposedAt: now,
        });
      }
      membership[experiment.id] = variant.name;
      parameters = { ...parameters, ...variant.parameters };
      handler ??= variant.handler;
    }
    return { active, membership, exposures, parameters, handler };
  }
}

function applies(e: Experiment, turn: Turn, now: Date): boolean {
  if (e.status !== 'running') return false;
  if (e.startAt && now.getTime() < Date.parse(e.startAt)) return false;
  if (e.endAt && now.getTime() >= Date.parse(e.endAt)) return false;
  const t = e.targeting;
  if (t.tags && !t.tags.includes(turn.tag)) return false;
  if (t.pages && !(turn.page && (t.pages.includes(turn.page.displayName) || t.pages.includes(turn.page.name)))) return false;
  if (t.languages && !t.languages.some((l) => languageMatches(l, turn.languageCode))) return false;
  if (t.environments && !t.environments.includes(environmentOf(turn.session))) return false;
  return true;
}

/** "en" matches "en", "en-GB" and "en_US"; "en-GB" matches only itself (case-insensitive). */
function languageMatches(prefix: string, code: string): boolean {
  const p = prefix.toLowerCase().replace('_', '-');
  const c = code.toLowerCase().replace('_', '-');
  return c === p || c.startsWith(`${p}-`);
}

/** The session's memberships as a client may have set them; stored as jsonb, so only storable text (storable-text.ts). */
function readMembership(value: JsonValue | undefined): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[storableText(k)] = storableText(v);
  return out;
}
