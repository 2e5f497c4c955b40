import { asNumber, asObject, asParameters, asString } from './json-shape';
import { EsContext, JsonValue, Reply, Turn } from './turn';

/** The output context that carries our session parameters on ES, which has no session parameters. */
export const ES_SESSION_CONTEXT = 'convai-session';
/** Turns the ES session context lives; refreshed on every turn we answer. */
const ES_CONTEXT_LIFESPAN = 50;

/**
 * Dialogflow ES v2 `WebhookRequest` → Turn, and Reply → `WebhookResponse`
 * (google/cloud/dialogflow/v2/webhook.proto, proto3 JSON mapping).
 */
export function parseEsRequest(body: unknown): Turn {
  const req = asObject(body);
  const result = asObject(req.queryResult);
  const intent = asObject(result.intent);
  const session = asString(req.session);
  const contexts = Array.isArray(result.outputContexts) ? result.outputContexts.map(asObject) : [];
  const ours = contexts.find(isOurs);
  const intentName = asString(intent.name);
  const text = asString(result.queryText);
  return {
    protocol: 'es',
    tag: asString(result.action) || asString(intent.displayName) || 'default',
    session,
    responseId: asString(req.responseId),
    text,
    // ES reports telephony DTMF as text in queryText; the telephony payload tells them apart.
    inputKind: isDtmf(req) ? 'dtmf' : text ? 'text' : 'none',
    languageCode: asString(result.languageCode) || 'en',
    intent: intentName
      ? { name: intentName, displayName: asString(intent.displayName), confidence: asNumber(result.intentDetectionConfidence) }
      : undefined,
    parameters: { ...asParameters(ours?.parameters), ...asParameters(result.parameters) },
    noMatch: intent.isFallback === true,
    contexts: contexts
      .filter((c) => !isOurs(c) && asString(c.name) !== '')
      .map((c): EsContext => ({
        name: asString(c.name),
        lifespanCount: asNumber(c.lifespanCount) ?? 0,
        parameters: asParameters(c.parameters),
      })),
  };
}

function isOurs(context: Record<string, unknown>): boolean {
  return asString(context.name).endsWith(`/contexts/${ES_SESSION_CONTEXT}`);
}

function isDtmf(req: Record<string, unknown>): boolean {
  const payload = asObject(asObject(req.originalDetectIntentRequest).payload);
  return asString(asObject(payload.telephony).caller_id) !== '' && /^[0-9*#]+$/.test(asString(asObject(req.queryResult).queryText));
}

export function renderEsResponse(reply: Reply, turn: Turn, sessionParameters: Record<string, JsonValue>): Record<string, unknown> {
  const texts = reply.messages ?? [];
  const response: Record<string, unknown> = {
    fulfillmentText: texts.join('\n'),
    fulfillmentMessages: texts.map((t) => ({ text: { text: [t] } })),
  };
  if (reply.liveAgentHandoff) {
    (response.fulfillmentMessages as unknown[]).push({ payload: { liveAgentHandoff: reply.liveAgentHandoff } });
  }
  const contexts = [
    ...(turn.session
      ? [
          {
            name: `${turn.session}/contexts/${ES_SESSION_CONTEXT}`,
            lifespanCount: ES_CONTEXT_LIFESPAN,
            parameters: merged(turn, sessionParameters),
          },
        ]
      : []),
    ...outputContexts(reply, turn),
  ];
  if (contexts.length > 0) response.outputContexts = contexts;
  return response;
}

/**
 * ES has no session parameters, and a context in a reply replaces the old one whole: carry what
 * the session had (our context and this turn's intent parameters, as CX keeps them) with this
 * turn's updates on top; `null` deletes, as it does on CX.
 */
function merged(turn: Turn, updates: Record<string, JsonValue>): Record<string, JsonValue> {
  const parameters: Record<string, JsonValue> = { ...turn.parameters, ...updates };
  for (const [name, value] of Object.entries(parameters)) if (value === null) delete parameters[name];
  return parameters;
}

/**
 * ES replaces the session's active contexts with a reply's `outputContexts`, so a reply that
 * named only ours would end every context the agent itself set (follow-up intents, slot
 * filling). Every context the request carried goes back as it came, with its lifespan and
 * parameters, unless the handler set, replaced or removed it (lifespan 0).
 */
function outputContexts(reply: Reply, turn: Turn): EsContext[] {
  const byName = new Map<string, EsContext>((turn.contexts ?? []).map((c) => [c.name, c]));
  for (const update of reply.contexts ?? []) {
    const name = update.name.includes('/contexts/') ? update.name : `${turn.session}/contexts/${update.name}`;
    byName.set(name, { name, lifespanCount: update.lifespanCount, parameters: update.parameters ?? byName.get(name)?.parameters ?? {} });
  }
  return [...byName.values()];
}
