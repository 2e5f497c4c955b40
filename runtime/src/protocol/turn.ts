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
  /** CX: the current page's form parameters and their states (`pageInfo.formInfo`); absent on ES or a page without a form. */
  readonly form?: readonly FormParameter[];
  /**
   * ES: the contexts active for the session (`queryResult.outputContexts`), except the runtime's own. An ES reply's
   * `outputContexts` replace the active ones, so the reply carries these back unless a handler changes them.
   */
  readonly contexts?: readonly EsContext[];
}

/** The state CX gives a form parameter (`PageInfo.FormInfo.ParameterInfo.ParameterState`). */
export type FormParameterState = 'EMPTY' | 'INVALID' | 'FILLED';

/** One parameter of the current page's form, as CX reports it. */
export interface FormParameter {
  /** The parameter's name in the form; CX stores its value under the same session parameter name. */
  readonly displayName: string;
  readonly required: boolean;
  readonly state: FormParameterState;
  readonly value?: JsonValue;
  /** CX collected the value on this turn. */
  readonly justCollected: boolean;
}

/**
 * A handler's verdict on a form parameter. `INVALID` makes CX collect it again (the value is
 * also cleared in the session, as Google's form-validation sample does); `FILLED` with a value
 * replaces the collected one (normalization). CX ignores any other state a webhook sends.
 */
export type FormParameterUpdate =
  | { readonly displayName: string; readonly state: 'INVALID' }
  | { readonly displayName: string; readonly state: 'FILLED'; readonly value: JsonValue };

/** An ES context: its full resource name, turns left, and parameters. */
export interface EsContext {
  /** `projects/<p>/agent/sessions/<s>/contexts/<id>`. */
  readonly name: string;
  readonly lifespanCount: number;
  readonly parameters: Readonly<Record<string, JsonValue>>;
}

/** A handler's change to an ES context; `lifespanCount: 0` removes it. */
export interface EsContextUpdate {
  /** The context id (`order-followup`) or its full resource name. */
  readonly name: string;
  readonly lifespanCount: number;
  readonly parameters?: Record<string, JsonValue>;
}

/**
 * What the protocol layer renders into a CX or ES response: a handler's reply (handlers/handler-types.ts
 * `HandlerResult` fits it as it is) with the degradation flags. Defined here, by what renders it, so
 * the protocol layer depends on nothing above it.
 */
export interface Reply {
  readonly messages?: string[];
  readonly targetPage?: string;
  readonly targetFlow?: string;
  readonly liveAgentHandoff?: Record<string, JsonValue>;
  readonly formParameters?: FormParameterUpdate[];
  readonly contexts?: EsContextUpdate[];
  /** Something was skipped or substituted (NLP fallback, a cache tier down, a handler failure). */
  readonly degraded: boolean;
  readonly degradedReasons: string[];
}
