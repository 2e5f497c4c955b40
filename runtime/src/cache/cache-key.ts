import { hash } from 'node:crypto';
import { Feature } from '../nlp/enrichment-types';

/**
 * The cache key of one analysis: everything that changes the answer — normalized text, language,
 * the set of features (order-independent) and the model version (a new model must not be
 * served old answers). Hashed, so keys are fixed-size and no raw text sits in Redis keys. The
 * one-shot `crypto.hash` gives the same digest as `createHash(...).update(...).digest(...)` (keys
 * already in Redis and Postgres stay valid) in half the time: no Hash object per call.
 */
export function analysisCacheKey(normalizedText: string, languageCode: string, features: readonly Feature[], modelVersion: string): string {
  const canonical = JSON.stringify([modelVersion, languageCode.toLowerCase(), [...new Set(features)].sort(), normalizedText]);
  return hash('sha256', canonical, 'base64url');
}

/** Short, non-reversible hash of a text, for repeat detection in session parameters. */
export function textHash(normalizedText: string): string {
  return hash('sha256', normalizedText, 'base64url').slice(0, 16);
}
