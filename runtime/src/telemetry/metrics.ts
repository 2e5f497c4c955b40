import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Tenths: the score's scale is 0..1 and dashboards read means and "share below 0.5". */
const QUALITY_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** How full one bounded in-memory structure is. */
export interface MemoryUse {
  readonly entries: number;
  readonly bytes?: number;
  readonly maxEntries?: number;
  readonly maxBytes?: number;
}

/**
 * Every metric the runtime exports on `/metrics`, in one registry per app instance (tests build
 * several apps in one process). Names are a contract with the SloAlerting dashboards: change
 * them only together.
 */
export class RuntimeMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'webhook_requests_total',
    help: 'Webhook requests by fulfillment tag, protocol and HTTP status.',
    labelNames: ['tag', 'protocol', 'code'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'webhook_request_duration_seconds',
    help: 'Webhook request latency by tag and protocol.',
    labelNames: ['tag', 'protocol'] as const,
    // Dialogflow's budget is 5 s; resolution matters below 1 s.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1, 2, 5],
    registers: [this.registry],
  });
  readonly degradedReplies = new Counter({
    name: 'webhook_degraded_replies_total',
    help: 'Replies served in degraded mode, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly nlpCalls = new Counter({
    name: 'nlp_calls_total',
    help: 'Natural Language API calls by feature and outcome (ok, error, timeout, open, rejected).',
    labelNames: ['feature', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly nlpBilledUnits = new Counter({
    name: 'nlp_billed_units_total',
    help: 'Natural Language billed units by feature (1,000 characters; moderation 100).',
    labelNames: ['feature'] as const,
    registers: [this.registry],
  });
  readonly nlpCost = new Counter({
    name: 'nlp_cost_usd_total',
    help: 'Estimated Natural Language cost in USD at list prices.',
    registers: [this.registry],
  });
  readonly nlpSkipped = new Counter({
    name: 'nlp_skipped_total',
    help: 'Turns not sent to Natural Language, by reason (dtmf, short-reply, repeat, ...).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly nlpCoalesced = new Counter({
    name: 'nlp_coalesced_total',
    help: 'Analyses served by joining an identical call already in flight.',
    registers: [this.registry],
  });
  readonly cacheRequests = new Counter({
    name: 'cache_requests_total',
    help: 'Cache lookups by tier and result (hit, miss, error).',
    labelNames: ['tier', 'result'] as const,
    registers: [this.registry],
  });
  readonly breakerState = new Gauge({
    name: 'breaker_state',
    help: 'Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open.',
    labelNames: ['dependency'] as const,
    registers: [this.registry],
  });
  private readonly watchedQueues: Array<{ readonly name: string; readonly pending: number }> = [];
  readonly queuePending = new Gauge({
    name: 'write_queue_pending',
    help: 'Writes waiting in a write-behind queue.',
    labelNames: ['queue'] as const,
    registers: [this.registry],
    // Read at scrape time: no timer, always current.
    collect: () => {
      for (const q of this.watchedQueues) this.queuePending.set({ queue: q.name }, q.pending);
    },
  });
  readonly queueDropped = new Counter({
    name: 'write_queue_dropped_total',
    help: 'Writes dropped because a write-behind queue was full.',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly queueDeadLettered = new Counter({
    name: 'write_queue_dead_lettered_total',
    help: 'Records the database refused (SQLSTATE class 22, 23 or 54), moved to write_dead_letters so the queue keeps flowing.',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly queueAbandoned = new Counter({
    name: 'write_queue_abandoned_total',
    help: 'Queued writes still unwritten when the shutdown deadline ran out (the database was down or hung); lost with the instance.',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'webhook_auth_failures_total',
    help: 'Requests rejected with 401, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  // --- continuous improvement (quality, feedback, experiments) -----------------------------------
  readonly turnQuality = new Histogram({
    name: 'conversation_turn_quality_score',
    help: 'Quality score of each turn, 0 (bad) .. 1 (good); see docs/improvement/quality-score.md.',
    labelNames: ['tag'] as const,
    buckets: QUALITY_BUCKETS,
    registers: [this.registry],
  });
  readonly conversationQuality = new Histogram({
    name: 'conversation_quality_score',
    help: 'Quality score of conversations when they end (handoff or end of session), from their turns.',
    buckets: QUALITY_BUCKETS,
    registers: [this.registry],
  });
  readonly qualitySignals = new Counter({
    name: 'conversation_quality_signals_total',
    help: 'Turns showing a quality problem, by signal (no_match, low_confidence, repeated, escalated).',
    labelNames: ['signal'] as const,
    registers: [this.registry],
  });
  readonly feedbackReceived = new Counter({
    name: 'feedback_received_total',
    help: 'User feedback accepted, by kind (thumbs, csat) and value (up/down, 1-5).',
    labelNames: ['kind', 'value'] as const,
    registers: [this.registry],
  });
  readonly feedbackWriteFailures = new Counter({
    name: 'feedback_write_failures_total',
    help: 'Feedback not stored, by reason: unavailable and timeout (answered 503, the client retries), refused (422).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly experimentExposures = new Counter({
    name: 'experiment_exposures_total',
    help: 'First exposures of sessions to experiments, by experiment and variant (both from the versioned config).',
    labelNames: ['experiment', 'variant'] as const,
    registers: [this.registry],
  });

  /**
   * Every in-memory structure that grows with traffic (caches, the idempotency store, the rate
   * limiter's counters, in-flight maps, queues) has a bound; these gauges show how full each is,
   * read at scrape time. The soak benchmark (test/bench/soak) checks they plateau.
   */
  private readonly watchedMemory = new Map<string, () => MemoryUse>();
  readonly memoryEntries = new Gauge({
    name: 'runtime_memory_entries',
    help: 'Entries held by a bounded in-memory structure (l1-cache, idempotency, rate-limiter, nlp-in-flight, ...).',
    labelNames: ['structure'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [structure, read] of this.watchedMemory) this.memoryEntries.set({ structure }, read().entries);
    },
  });
  readonly memoryBytes = new Gauge({
    name: 'runtime_memory_bytes',
    help: 'Approximate bytes held by a bounded in-memory structure (UTF-16 code units counted as bytes for strings).',
    labelNames: ['structure'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [structure, read] of this.watchedMemory) {
        const use = read();
        if (use.bytes !== undefined) this.memoryBytes.set({ structure }, use.bytes);
      }
    },
  });
  readonly memoryLimit = new Gauge({
    name: 'runtime_memory_limit',
    help: 'The bound of a bounded in-memory structure, by unit (entries or bytes).',
    labelNames: ['structure', 'unit'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [structure, read] of this.watchedMemory) {
        const use = read();
        if (use.maxEntries !== undefined) this.memoryLimit.set({ structure, unit: 'entries' }, use.maxEntries);
        if (use.maxBytes !== undefined) this.memoryLimit.set({ structure, unit: 'bytes' }, use.maxBytes);
      }
    },
  });

  /** Report how full a bounded structure is on every scrape (a name registered again replaces the earlier one). */
  watchMemory(structure: string, read: () => MemoryUse): void {
    this.watchedMemory.set(structure, read);
  }

  /** Report these queues' depth on every scrape. */
  watchQueues(queues: ReadonlyArray<{ readonly name: string; readonly pending: number }>): void {
    this.watchedQueues.push(...queues);
  }

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
