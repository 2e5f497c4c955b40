import { asObject, asParameters, asProbability, asString } from './json-shape';
import { JsonValue, Reply, Turn } from './turn';

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
  const ours = contexts.find((c) => asString(c.name).endsWith(`/contexts/${ES_SESSION_CONTEXT}`));
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
      ? { name: intentName, displayName: asString(intent.displayName), confidence: asProbability(result.intentDetectionConfidence) }
      : undefined,
    parameters: { ...asParameters(ours?.parameters), ...asParameters(result.parameters) },
    noMatch: intent.isFallback === true,
  };
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
  if (turn.session) {
    response.outputContexts = [
      { name: `${turn.session}/contexts/${ES_SESSION_CONTEXT}`, lifespanCount: ES_CONTEXT_LIFESPAN, parameters: sessionParameters },
    ];
  }
  return response;
}
