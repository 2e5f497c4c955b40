import { SpanStatusCode, trace } from '@opentelemetry/api';
import { analysisCacheKey, textHash } from '../cache/cache-key';
import { TieredCache } from '../cache/tiered-cache';
import { Turn } from '../protocol/turn';
import { DependencyGuard } from '../resilience/dependency-guard';
import { RuntimeMetrics } from '../telemetry/metrics';
import { DEFAULT_PRICE_PER_UNIT_USD, billedUnits } from './billing';
import { Analysis, Enrichment, Feature } from './enrichment-types';
import { TextAnalyzer } from './google-analyzer';
import { LocalAnalyzer } from './local-analyzer';
import { readSessionAnalysis } from './session-parameters';
import { SkipPolicyOptions, normalizeText, skipReason } from './skip-policy';

export interface EnricherOptions {
  /** The Natural Language API; absent runs on the local analyzer only (degraded). */
  readonly remote?: TextAnalyzer;
  readonly guard?: DependencyGuard;
  readonly local: LocalAnalyzer;
  readonly cache: TieredCache;
  readonly metrics: RuntimeMetrics;
  readonly skip: SkipPolicyOptions;
  readonly modelVersion: string;
  /** Longest time one NLP call may take. */
  readonly deadlineMs: number;
  /**
   * True while the API must not be called (the `nlp-mode=local` runtime flag an incident's
   * mitigation sets): cache hits are still served, misses go to the local analyzer.
   */
  readonly forceLocal?: () => boolean;
}

/** Time left for the turn, so the NLP deadline can shrink when the turn is already late. */
export interface Budget {
  remainingMs(): number;
}

/** Kept back from the budget for the handler and the reply after NLP returns. */
const REPLY_RESERVE_MS = 150;

const tracer = trace.getTracer('convai-webhook');

/**
 * Natural Language enrichment with call reduction: skip turns where analysis adds nothing,
 * serve from the tiers, coalesce identical in-flight calls into one, and fall back to the local
 * analyzer when the API fails, is slow or its breaker is open — marking the result degraded.
 */
export class Enricher {
  private readonly inFlight = new Map<string, Promise<Enrichment>>();

  constructor(private readonly options: EnricherOptions) {}

  /** Distinct analyses in flight (bounded by the NLP guard's concurrency and the turn budget). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  async enrich(turn: Turn, features: readonly Feature[], budget: Budget): Promise<Enrichment & { textHash?: string }> {
    if (features.length === 0)
      return { analysis: { analyzer: 'none' }, source: 'skipped', skippedReason: 'no-features', degraded: false, degradedReasons: [] };
    const normalized = normalizeText(turn.text);
    const hash = textHash(normalized);
    const reason = skipReason(turn, normalized, hash, this.options.skip);
    if (reason) {
      this.options.metrics.nlpSkipped.inc({ reason });
      // A repeat keeps the analysis already in the session; other skips have nothing to analyze.
      const previous = reason === 'repeat' ? readSessionAnalysis(turn.parameters) : undefined;
      return {
        analysis: previous ?? { analyzer: 'none' },
        source: previous ? 'session' : 'skipped',
        skippedReason: reason,
        degraded: false,
        degradedReasons: [],
        textHash: hash,
      };
    }

    const key = analysisCacheKey(normalized, turn.languageCode, features, this.options.modelVersion);
    const l1 = this.options.cache.peek(key);
    if (l1) return { analysis: l1, source: 'l1', degraded: false, degradedReasons: [], textHash: hash };

    const pending = this.inFlight.get(key);
    if (pending) {
      this.options.metrics.nlpCoalesced.inc();
      return { ...(await pending), source: 'coalesced', textHash: hash };
    }
    const lookup = this.lookupOrAnalyze(key, normalized, turn.languageCode, features, budget).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, lookup);
    return { ...(await lookup), textHash: hash };
  }

  private async lookupOrAnalyze(
    key: string,
    text: string,
    languageCode: string,
    features: readonly Feature[],
    budget: Budget,
  ): Promise<Enrichment> {
    const hit = await tracer.startActiveSpan('cache.lookup', async (span) => {
      const found = await this.options.cache.getRemote(key);
      span.setAttribute('cache.tier', found?.tier ?? 'miss');
      span.end();
      return found;
    });
    if (hit) return { analysis: hit.value, source: hit.tier, degraded: false, degradedReasons: [] };

    const { remote, guard } = this.options;
    if (!remote || !guard) return this.local(text, languageCode, features, ['nlp-local-mode']);
    if (this.options.forceLocal?.()) return this.local(text, languageCode, features, ['nlp-forced-local']);
    const timeoutMs = Math.min(this.options.deadlineMs, budget.remainingMs() - REPLY_RESERVE_MS);
    if (timeoutMs <= 0) return this.local(text, languageCode, features, ['nlp-no-budget']);

    return tracer.startActiveSpan('nlp.annotateText', async (span) => {
      span.setAttributes({ 'nlp.features': features.join(','), 'nlp.chars': text.length, 'nlp.timeout_ms': timeoutMs });
      try {
        const analysis = await guard.execute(() => remote.analyze(text, languageCode, features, timeoutMs));
        this.count(text, features, 'ok');
        this.options.cache.set(key, analysis);
        return { analysis, source: 'api' as const, degraded: false, degradedReasons: [] };
      } catch (error) {
        const kind = DependencyGuard.failureKind(error);
        // A call that went out counts as a call (billing only counts answered ones); one refused locally never left.
        if (kind === 'error' || kind === 'timeout') this.count(text, features, kind);
        else for (const feature of features) this.options.metrics.nlpCalls.inc({ feature, outcome: kind });
        span.setStatus({ code: SpanStatusCode.ERROR, message: kind });
        return this.local(text, languageCode, features, [`nlp-${kind}`]);
      } finally {
        span.end();
      }
    });
  }

  private count(text: string, features: readonly Feature[], outcome: string): void {
    const m = this.options.metrics;
    for (const feature of features) {
      m.nlpCalls.inc({ feature, outcome });
      if (outcome === 'ok') {
        const units = billedUnits(text, feature);
        m.nlpBilledUnits.inc({ feature }, units);
        m.nlpCost.inc(units * DEFAULT_PRICE_PER_UNIT_USD[feature]);
      }
    }
  }

  private local(text: string, languageCode: string, features: readonly Feature[], reasons: string[]): Enrichment {
    const analysis: Analysis = this.options.local.analyze(text, languageCode, features);
    const unserved = features.filter((f) => !this.options.local.supports(languageCode, f));
    const degradedReasons = [...reasons, ...unserved.map((f) => `nlp-${f}-unavailable`)];
    return { analysis, source: 'local', degraded: true, degradedReasons };
  }
}
