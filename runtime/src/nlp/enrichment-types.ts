/** Natural Language features a handler can ask for; each is billed separately. */
export type Feature = 'sentiment' | 'entities' | 'classification' | 'moderation';
export const FEATURES: readonly Feature[] = ['sentiment', 'entities', 'classification', 'moderation'];

export interface Sentiment {
  /** -1 (negative) .. 1 (positive). */
  readonly score: number;
  /** Overall emotional strength, 0 .. +inf. */
  readonly magnitude: number;
}

export interface Entity {
  readonly name: string;
  /** Natural Language entity type, e.g. PERSON, ORGANIZATION, PRICE, DATE. */
  readonly type: string;
}

export interface Category {
  readonly name: string;
  readonly confidence: number;
}

/** What the analyzer found; a field is present only when its feature was requested and served. */
export interface Analysis {
  readonly sentiment?: Sentiment;
  readonly entities?: Entity[];
  readonly categories?: Category[];
  readonly moderation?: Category[];
  /** Which analyzer produced it: the API (with its model version) or the local fallback. */
  readonly analyzer: string;
}

/** Where an enrichment came from, for metrics and traces. */
export type EnrichmentSource = 'api' | 'l1' | 'l2' | 'l3' | 'coalesced' | 'local' | 'session' | 'skipped';

export interface Enrichment {
  readonly analysis: Analysis;
  readonly source: EnrichmentSource;
  /** Why no call was made, when `source` is `skipped` or `session`. */
  readonly skippedReason?: string;
  /** True when the local analyzer stood in for the API. */
  readonly degraded: boolean;
  readonly degradedReasons: string[];
}
