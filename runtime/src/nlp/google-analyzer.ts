import { v2 } from '@google-cloud/language';
import { Analysis, Category, Entity, Feature } from './enrichment-types';

type LanguageClient = InstanceType<typeof v2.LanguageServiceClient>;
type ClientOptions = ConstructorParameters<typeof v2.LanguageServiceClient>[0];

/** Analyzes text with the Natural Language v2 API's `annotateText`, one call for all requested features. */
export interface TextAnalyzer {
  analyze(text: string, languageCode: string, features: readonly Feature[], timeoutMs: number): Promise<Analysis>;
  close(): Promise<void>;
}

/**
 * The real `@google-cloud/language` v2 client. Each call carries its own deadline and `retry:
 * null`: the library default is a 600 s timeout with retries, which would hold a Dialogflow turn
 * (5 s budget) hostage; the circuit breaker around this call decides what happens on failure.
 */
export class GoogleLanguageAnalyzer implements TextAnalyzer {
  private readonly client: LanguageClient;

  constructor(
    options: ClientOptions = {},
    private readonly modelVersion = 'language-v2',
  ) {
    this.client = new v2.LanguageServiceClient(options);
  }

  async analyze(text: string, languageCode: string, features: readonly Feature[], timeoutMs: number): Promise<Analysis> {
    const want = new Set(features);
    const [response] = await this.client.annotateText(
      {
        document: { content: text, type: 'PLAIN_TEXT', languageCode: primaryLanguage(languageCode) },
        features: {
          extractDocumentSentiment: want.has('sentiment'),
          extractEntities: want.has('entities'),
          classifyText: want.has('classification'),
          moderateText: want.has('moderation'),
        },
      },
      { timeout: timeoutMs, retry: null },
    );
    const categories = (list: typeof response.categories): Category[] =>
      (list ?? []).map((c) => ({ name: c.name ?? '', confidence: round(c.confidence ?? 0) }));
    return {
      analyzer: `google/${this.modelVersion}`,
      ...(want.has('sentiment') && {
        sentiment: { score: round(response.documentSentiment?.score ?? 0), magnitude: round(response.documentSentiment?.magnitude ?? 0) },
      }),
      ...(want.has('entities') && {
        entities: (response.entities ?? []).map((e): Entity => ({ name: e.name ?? '', type: String(e.type ?? 'UNKNOWN') })),
      }),
      ...(want.has('classification') && { categories: categories(response.categories) }),
      ...(want.has('moderation') && { moderation: categories(response.moderationCategories) }),
    };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Natural Language takes ISO-639 codes; Dialogflow sends BCP-47 tags such as `en-US`. */
function primaryLanguage(languageCode: string): string {
  return languageCode.split(/[-_]/)[0].toLowerCase() || 'en';
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
