import { Feature } from './enrichment-types';

/**
 * Natural Language bills each feature separately, per unit of characters: 1,000 for sentiment,
 * entities and classification, 100 for moderation (a short text still costs one unit).
 */
export const UNIT_CHARS: Readonly<Record<Feature, number>> = { sentiment: 1000, entities: 1000, classification: 1000, moderation: 100 };

/**
 * USD per unit, first paid tier of the public price list when this was written; an estimate for
 * dashboards, not an invoice. Override with `NLP_PRICES_USD` if your contract differs.
 */
export const DEFAULT_PRICE_PER_UNIT_USD: Readonly<Record<Feature, number>> = {
  sentiment: 0.001,
  entities: 0.001,
  classification: 0.002,
  moderation: 0.0005,
};

/** Billed units for one request of `features` on `text` (characters are Unicode code points). */
export function billedUnits(text: string, feature: Feature): number {
  const chars = [...text].length;
  return Math.max(1, Math.ceil(chars / UNIT_CHARS[feature]));
}
