import { JsonValue } from '../protocol/turn';
import { Analysis, Enrichment } from './enrichment-types';
import { LAST_TEXT_PARAMETER } from './skip-policy';

/**
 * Session parameters the runtime writes, so flows and routes in the agent can use them (e.g. a
 * route condition `$session.params.nlp_sentiment_score < -0.5`). Documented in runtime/README.md.
 */
export const SESSION_PARAMETERS = {
  sentimentScore: 'nlp_sentiment_score',
  sentimentMagnitude: 'nlp_sentiment_magnitude',
  entities: 'nlp_entities',
  categories: 'nlp_categories',
  moderation: 'nlp_moderation',
  analyzer: 'nlp_analyzer',
  lastTextHash: LAST_TEXT_PARAMETER,
  degraded: 'webhook_degraded',
  degradedReasons: 'webhook_degraded_reasons',
} as const;

/** Most entities kept in the session; the response must stay under 64 KiB. */
const MAX_ENTITIES = 20;

/** The parameters to write for this turn's enrichment; nothing when nothing was analyzed. */
export function enrichmentParameters(enrichment: Enrichment & { textHash?: string }): Record<string, JsonValue> {
  const a = enrichment.analysis;
  const out: Record<string, JsonValue> = {};
  if (enrichment.source === 'skipped' || enrichment.source === 'session') return out;
  out[SESSION_PARAMETERS.analyzer] = a.analyzer;
  if (enrichment.textHash) out[SESSION_PARAMETERS.lastTextHash] = enrichment.textHash;
  if (a.sentiment) {
    out[SESSION_PARAMETERS.sentimentScore] = a.sentiment.score;
    out[SESSION_PARAMETERS.sentimentMagnitude] = a.sentiment.magnitude;
  }
  if (a.entities) out[SESSION_PARAMETERS.entities] = a.entities.slice(0, MAX_ENTITIES).map((e) => ({ name: e.name, type: e.type }));
  if (a.categories) out[SESSION_PARAMETERS.categories] = a.categories.map((c) => ({ name: c.name, confidence: c.confidence }));
  if (a.moderation) out[SESSION_PARAMETERS.moderation] = a.moderation.map((c) => ({ name: c.name, confidence: c.confidence }));
  return out;
}

/** The analysis stored in the session by a previous turn, for repeats. */
export function readSessionAnalysis(parameters: Readonly<Record<string, JsonValue>>): Analysis | undefined {
  const score = parameters[SESSION_PARAMETERS.sentimentScore];
  const magnitude = parameters[SESSION_PARAMETERS.sentimentMagnitude];
  const analyzer = parameters[SESSION_PARAMETERS.analyzer];
  if (typeof analyzer !== 'string') return undefined;
  return {
    analyzer,
    ...(typeof score === 'number' && { sentiment: { score, magnitude: typeof magnitude === 'number' ? magnitude : 0 } }),
  };
}
