import { Analysis } from '../nlp/enrichment-types';

/** The tiers, fastest first. */
export type TierName = 'l1' | 'l2' | 'l3';

/** One cache tier. Implementations throw when their store fails; `TieredCache` contains that. */
export interface CacheTier {
  readonly name: TierName;
  get(key: string): Promise<Analysis | undefined>;
  set(key: string, value: Analysis, ttlSeconds: number): Promise<void>;
}
