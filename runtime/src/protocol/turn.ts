import { ExperimentAssignment } from '../experiments/experiment-engine';
import { Enrichment } from '../nlp/enrichment-types';

/** The protocol the turn arrived on: Dialogflow CX v3 or ES v2. */
export type Protocol = 'cx' | 'es';

/** How the user spoke: only typed or transcribed text is worth analyzing. */
export type InputKind = 'text' | 'transcript' | 'dtmf' | 'event' | 'intent' | 'none';

/** A JSON value, as carried in session parameters (a protobuf Struct on the wire). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One conversational turn, the same shape for CX and ES, as handlers see it. Built defensively
 * from whatever Dialogflow sent: unknown fields are ignored, missing ones get empty values.
 */
export interface Turn {
  readonly protocol: Protocol;
  /** Fulfillment tag (CX) or action (ES); `default` when none was sent. */
  readonly tag: string;
  /** Full session name, e.g. `projects/p/locations/l/agents/a/sessions/s`. */
  readonly session: string;
  /** Dialogflow's id for this detect-intent response; with the tag, the idempotency key. */
  readonly responseId: string;
  readonly text: string;
  readonly inputKind: InputKind;
  /** BCP-47 language of the turn, e.g. `en` or `de-DE`. */
  readonly languageCode: string;
  readonly intent?: { readonly name: string; readonly displayName: string; readonly confidence?: number };
  readonly page?: { readonly name: string; readonly displayName: string };
  /** The session's parameters before this turn. */
  readonly parameters: Readonly<Record<string, JsonValue>>;
  /** Dialogflow matched nothing (CX NO_MATCH / ES fallback intent). */
  readonly noMatch: boolean;
}

/** What a handler returns; every field optional. */
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
}

/** The turn plus its enrichment, as a handler receives it. */
export interface HandlerInput {
  readonly turn: Turn;
  readonly nlp: Enrichment;
  /** Experiments this turn is in, by experiment id: the variant and its settings (experiments/). */
  readonly experiments: Readonly<Record<string, ExperimentAssignment>>;
}

/** What the protocol layer renders into a CX or ES response. */
export interface Reply extends HandlerResult {
  /** Something was skipped or substituted (NLP fallback, a cache tier down, a handler failure). */
  readonly degraded: boolean;
  readonly degradedReasons: string[];
}
