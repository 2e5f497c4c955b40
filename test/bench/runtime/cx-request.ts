/**
 * Dialogflow CX v3 WebhookRequest bodies for the replayed turns, shaped like the ones CX sends
 * (and like cxRequest in test/runtime/support/runtime-harness.ts): fulfillment tag `enrich`
 * (sentiment + entities, comparable to the naive baseline's two calls), the session's
 * parameters as the previous reply left them, and a unique detectIntentResponseId.
 */
import { TurnSpec } from '../../../tools/corpus/banking77';

const AGENT = 'projects/acme-bench/locations/global/agents/3f1c2b7a-bench';

import { Parameters } from '../../../tools/corpus/cx-session-parameters';

export function cxWebhookRequest(turn: TurnSpec, session: string, responseId: string, parameters: Parameters): Record<string, unknown> {
  const intent = turn.category
    ? { lastMatchedIntent: `${AGENT}/intents/${turn.category}`, displayName: turn.category, confidence: 0.87 }
    : { lastMatchedIntent: `${AGENT}/intents/confirmation`, displayName: 'confirmation', confidence: 0.93 };
  const query = turn.kind === 'dtmf' ? { dtmfDigits: turn.text } : { text: turn.text };
  return {
    detectIntentResponseId: responseId,
    intentInfo: intent,
    pageInfo: { currentPage: `${AGENT}/flows/00000000-0000-0000-0000-000000000000/pages/START_PAGE`, displayName: 'Start Page' },
    sessionInfo: { session: `${AGENT}/sessions/${session}`, parameters },
    fulfillmentInfo: { tag: 'enrich' },
    messages: [],
    ...query,
    languageCode: 'en',
  };
}
