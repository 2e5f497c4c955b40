import { asNumber, asObject, asParameters, asString } from './json-shape';
import { FormParameter, FormParameterState, FormParameterUpdate, InputKind, JsonValue, Reply, Turn } from './turn';

/**
 * Dialogflow CX v3 `WebhookRequest` → Turn, and Reply → `WebhookResponse`
 * (google/cloud/dialogflow/cx/v3/webhook.proto, proto3 JSON mapping).
 */
export function parseCxRequest(body: unknown): Turn {
  const req = asObject(body);
  const intentInfo = asObject(req.intentInfo);
  const pageInfo = asObject(req.pageInfo);
  const sessionInfo = asObject(req.sessionInfo);
  const fulfillmentInfo = asObject(req.fulfillmentInfo);
  const { text, inputKind } = cxQuery(req);
  const intentName = asString(intentInfo.lastMatchedIntent);
  const matchType = asString(asObject(req.intentInfo).matchType);
  return {
    protocol: 'cx',
    tag: asString(fulfillmentInfo.tag) || 'default',
    session: asString(sessionInfo.session),
    responseId: asString(req.detectIntentResponseId),
    text,
    inputKind,
    languageCode: asString(req.languageCode) || 'en',
    intent: intentName
      ? { name: intentName, displayName: asString(intentInfo.displayName), confidence: asNumber(intentInfo.confidence) }
      : undefined,
    page: pageInfo.currentPage ? { name: asString(pageInfo.currentPage), displayName: asString(pageInfo.displayName) } : undefined,
    parameters: asParameters(sessionInfo.parameters),
    form: formOf(pageInfo),
    // CX sends no intent on a no-match turn; the trigger event names it when it routes to a no-match handler.
    noMatch: matchType === 'NO_MATCH' || /^sys\.no-match/.test(asString(req.triggerEvent)) || (inputKind === 'text' && !intentName),
  };
}

const FORM_STATES: ReadonlySet<string> = new Set<FormParameterState>(['EMPTY', 'INVALID', 'FILLED']);

/** `pageInfo.formInfo.parameterInfo`, when the page has a form; entries without a name are dropped. */
function formOf(pageInfo: Record<string, unknown>): FormParameter[] | undefined {
  const infos = asObject(pageInfo.formInfo).parameterInfo;
  if (!Array.isArray(infos)) return undefined;
  return infos.map(asObject).flatMap((info): FormParameter[] => {
    const displayName = asString(info.displayName);
    if (!displayName) return [];
    const state = asString(info.state);
    return [
      {
        displayName,
        required: info.required === true,
        // proto3 JSON may also carry the enum as its number; a state we do not know reads as empty.
        state: FORM_STATES.has(state)
          ? (state as FormParameterState)
          : info.state === 2
            ? 'INVALID'
            : info.state === 3
              ? 'FILLED'
              : 'EMPTY',
        ...(info.value !== undefined && { value: info.value as JsonValue }),
        justCollected: info.justCollected === true,
      },
    ];
  });
}

/** The `query` oneof of a CX request: text, transcript, dtmf, event or intent. */
function cxQuery(req: Record<string, unknown>): { text: string; inputKind: InputKind } {
  if (typeof req.text === 'string') return { text: req.text, inputKind: 'text' };
  if (typeof req.transcript === 'string') return { text: req.transcript, inputKind: 'transcript' };
  if (typeof req.dtmfDigits === 'string') return { text: req.dtmfDigits, inputKind: 'dtmf' };
  if (typeof req.triggerEvent === 'string') return { text: '', inputKind: 'event' };
  if (typeof req.triggerIntent === 'string') return { text: '', inputKind: 'intent' };
  return { text: '', inputKind: 'none' };
}

export function renderCxResponse(reply: Reply, sessionParameters: Record<string, JsonValue>): Record<string, unknown> {
  const messages: Record<string, unknown>[] = (reply.messages ?? []).map((t) => ({ text: { text: [t] } }));
  if (reply.liveAgentHandoff) messages.push({ liveAgentHandoff: { metadata: reply.liveAgentHandoff } });
  const response: Record<string, unknown> = {
    fulfillmentResponse: { messages, mergeBehavior: 'APPEND' },
    sessionInfo: { parameters: sessionParameters },
  };
  // targetPage and targetFlow are a oneof: a page wins, it is the more specific transition.
  if (reply.targetPage) response.targetPage = reply.targetPage;
  else if (reply.targetFlow) response.targetFlow = reply.targetFlow;
  if (reply.formParameters && reply.formParameters.length > 0) {
    response.pageInfo = { formInfo: { parameterInfo: reply.formParameters.map(parameterInfoOf) } };
  }
  return response;
}

/**
 * What a form verdict does to the session parameters: an invalid value is cleared (CX keeps the
 * session copy otherwise, and the next page would see it), a replaced one is stored.
 */
export function formParameterValues(updates: readonly FormParameterUpdate[] | undefined): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const update of updates ?? []) values[update.displayName] = update.state === 'INVALID' ? null : update.value;
  return values;
}

function parameterInfoOf(update: FormParameterUpdate): Record<string, unknown> {
  return update.state === 'FILLED'
    ? { displayName: update.displayName, state: 'FILLED', value: update.value }
    : { displayName: update.displayName, state: 'INVALID' };
}
