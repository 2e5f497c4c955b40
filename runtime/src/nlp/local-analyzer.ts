import type { WinkMethods } from 'wink-nlp';
import { Analysis, Entity, Feature } from './enrichment-types';

/** wink-nlp entity types → the Natural Language API's, so handlers see one vocabulary. */
const ENTITY_TYPES: Record<string, string> = {
  CARDINAL: 'NUMBER',
  ORDINAL: 'NUMBER',
  PERCENT: 'NUMBER',
  MONEY: 'PRICE',
  DATE: 'DATE',
  TIME: 'DATE',
  DURATION: 'OTHER',
  EMAIL: 'OTHER',
  URL: 'OTHER',
  HASHTAG: 'OTHER',
  MENTION: 'PERSON',
  EMOJI: 'OTHER',
};

/**
 * The stand-in when Natural Language is down, slow or over budget: wink-nlp's English model,
 * shipped inside the npm package (no network, ~0.1 ms per turn). It gives sentiment and
 * entities only, and English only — other features and languages come back empty and the
 * enrichment is marked degraded.
 */
export class LocalAnalyzer {
  private loaded?: WinkMethods;

  /**
   * The model (about 13 MB resident, 100–200 ms to load) is loaded on first use, not at start:
   * with Natural Language configured it is only the fallback, and may never be needed.
   */
  private get nlp(): WinkMethods {
    if (!this.loaded) {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const winkNLP = require('wink-nlp') as (model: unknown) => WinkMethods;
      const model = require('wink-eng-lite-web-model') as unknown;
      /* eslint-enable @typescript-eslint/no-require-imports */
      this.loaded = winkNLP(model);
    }
    return this.loaded;
  }

  /** Load the model now (e.g. right after the instance is ready), so the first turn does not wait for it. */
  warmUp(): void {
    void this.nlp;
  }

  /** Features this analyzer can serve for `languageCode`. */
  supports(languageCode: string, feature: Feature): boolean {
    return /^en\b/i.test(languageCode) && (feature === 'sentiment' || feature === 'entities');
  }

  analyze(text: string, languageCode: string, features: readonly Feature[]): Analysis {
    const its = this.nlp.its;
    const doc = this.nlp.readDoc(text);
    const want = (f: Feature) => features.includes(f) && this.supports(languageCode, f);
    const sentiment = () => {
      const perSentence = doc.sentences().out(its.sentiment) as unknown as number[];
      const magnitude = perSentence.reduce((sum, s) => sum + Math.abs(s), 0);
      return { score: round(doc.out(its.sentiment) as unknown as number), magnitude: round(magnitude) };
    };
    const entities = (): Entity[] =>
      (doc.entities().out(its.detail) as unknown as Array<{ value: string; type: string }>).map((e) => ({
        name: e.value,
        type: ENTITY_TYPES[e.type] ?? 'OTHER',
      }));
    return {
      analyzer: 'local/wink-eng-lite-web-model',
      ...(want('sentiment') && { sentiment: sentiment() }),
      ...(want('entities') && { entities: entities() }),
    };
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
