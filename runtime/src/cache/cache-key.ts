import { createHash } from 'node:crypto';
import { Feature } from '../nlp/enrichment-types';

/**
 * The cache key of one analysis: everything that changes the answer — normalized text, language,
 * the set of features (order-independent) and the model version (a new model must not be
 * served old answers). Hashed, so keys are fixed-size and no raw text sits in Redis keys.
 */
export function analysisCacheKey(normalizedText: string, languageCode: string, features: readonly Feature[], modelVersion: string): string {
  const canonical = JSON.stringify([modelVersion, languageCode.toLowerCase(), [...new Set(features)].sort(), normalizedText]);
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Short, non-reversible hash of a text, for repeat detection in session parameters. */
export function textHash(normalizedText: string): string {
  return createHash('sha256').update(normalizedText).digest('base64url').slice(0, 16);
}
