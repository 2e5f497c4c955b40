import type { ExperimentAssignment } from '../experiments/experiment-engine';
import type { Enrichment } from '../nlp/enrichment-types';
import type { EsContextUpdate, FormParameterUpdate, JsonValue, Turn } from '../protocol/turn';

/** The turn plus its enrichment, as a handler receives it. */
export interface HandlerInput {
  readonly turn: Turn;
  readonly nlp: Enrichment;
  /** Experiments this turn is in, by experiment id: the variant and its settings (experiments/). */
  readonly experiments: Readonly<Record<string, ExperimentAssignment>>;
}

/** What a handler returns; every field optional. The protocol layer renders it (protocol/turn.ts `Reply`). */
export interface HandlerResult {
  /** Text replies, in order. */
  readonly messages?: string[];
  /** Session parameter updates; `null` deletes a parameter. */
  readonly parameters?: Record<string, JsonValue>;
  /** CX: move to this page (full resource name). Ignored on ES. */
  readonly targetPage?: string;
  /** CX: move to this flow (full resource name). Ignored on ES. */
  readonly targetFlow?: string;
  /** Hand the conversation to a human agent, with this metadata for the agent desktop. */
  readonly liveAgentHandoff?: Record<string, JsonValue>;
  /** CX: verdicts on the current page's form parameters (form validation). Ignored on ES. */
  readonly formParameters?: FormParameterUpdate[];
  /** ES: contexts to set, replace or remove (by id); the others the request carried are kept. Ignored on CX. */
  readonly contexts?: EsContextUpdate[];
}
