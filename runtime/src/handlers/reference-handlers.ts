import { numberSetting } from '../experiments/experiment-engine';
import { JsonValue } from '../protocol/turn';
import { HandlerResult } from './handler-types';
import { FormRules, validateForm } from './form-validation';
import { HandlerRegistry } from './handler-registry';

export interface ReferenceHandlerOptions {
  /** Sentiment score at or below which a turn counts as negative. */
  readonly negativeThreshold: number;
  /** Consecutive negative turns before handing over to a human. */
  readonly escalateAfterNegativeTurns: number;
  /** CX page to move to on escalation (full resource name). @default - stay; the handoff message signals the agent desktop */
  readonly escalationPage?: string;
  /** Rules for `validate-form` (FORM_RULES_FILE). @default none: every form value is accepted */
  readonly formRules?: FormRules;
}

/** Session parameters the reference handlers own. */
export const HANDLER_PARAMETERS = {
  negativeTurns: 'nlp_negative_turns',
  escalated: 'escalated_to_human',
  capturedPrefix: 'captured_',
} as const;

/**
 * The reference agent's handlers, and a worked example for application teams:
 *
 * - `sentiment-escalation`: counts consecutive negative turns; after N, hands the conversation
 *   to a human (live agent handoff) and records it in the session.
 * - `capture-entities`: stores recognized entities by type (`captured_price`, `captured_date`...)
 *   so forms can be pre-filled instead of asked again.
 * - `enrich`: writes sentiment and entities into the session and says nothing, for routes that
 *   branch on `$session.params.nlp_sentiment_score`.
 * - `validate-form` (CX): checks the page's filled form parameters against declarative rules
 *   (handlers/form-validation.ts); an invalid value is collected again, a normalized one replaced.
 */
export function registerReferenceHandlers(registry: HandlerRegistry, options: ReferenceHandlerOptions): HandlerRegistry {
  return registry
    .register('sentiment-escalation', {
      features: ['sentiment'],
      // The streak lives in the session parameters of the request: a replay computes the same reply.
      sideEffects: false,
      handle: ({ turn, nlp, experiments }): HandlerResult => {
        const score = nlp.analysis.sentiment?.score;
        // An experiment can try another threshold (config/experiments.json: settings.negativeThreshold).
        const threshold = numberSetting(experiments, 'negativeThreshold') ?? options.negativeThreshold;
        const previous = Number(turn.parameters[HANDLER_PARAMETERS.negativeTurns] ?? 0) || 0;
        // A turn we could not score neither extends nor breaks the streak.
        const negativeTurns = score === undefined ? previous : score <= threshold ? previous + 1 : 0;
        if (negativeTurns < options.escalateAfterNegativeTurns || turn.parameters[HANDLER_PARAMETERS.escalated] === true) {
          return { parameters: { [HANDLER_PARAMETERS.negativeTurns]: negativeTurns } };
        }
        return {
          messages: ["I'm sorry this has been frustrating. I'm connecting you with a colleague who can help."],
          parameters: { [HANDLER_PARAMETERS.negativeTurns]: negativeTurns, [HANDLER_PARAMETERS.escalated]: true },
          liveAgentHandoff: { reason: 'negative-sentiment', negativeTurns, lastScore: score ?? null },
          targetPage: options.escalationPage,
        };
      },
    })
    .register('capture-entities', {
      features: ['entities'],
      sideEffects: false,
      handle: ({ nlp }) => {
        const parameters: Record<string, JsonValue> = {};
        for (const entity of nlp.analysis.entities ?? []) {
          const name = `${HANDLER_PARAMETERS.capturedPrefix}${entity.type.toLowerCase()}`;
          // The first mention of a type wins: it is usually the one the question was about.
          if (!(name in parameters)) parameters[name] = entity.name;
        }
        return { parameters };
      },
    })
    .register('enrich', { features: ['sentiment', 'entities'], sideEffects: false, handle: () => ({}) })
    .register('validate-form', {
      sideEffects: false,
      handle: ({ turn }) => validateForm(turn.form, options.formRules ?? { version: 1, parameters: {} }),
    });
}
