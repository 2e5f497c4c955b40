import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  IPolicy,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleAll,
  timeout,
  wrap,
} from 'cockatiel';

/** Breaker states as numbers, the Prometheus convention: 0 closed, 1 half-open, 2 open. */
export const BREAKER_STATE_VALUE: Record<string, number> = { closed: 0, half_open: 1, open: 2, isolated: 2 };

export interface DependencyGuardOptions {
  /** Dependency name, for metrics, logs and readiness: `nlp`, `redis`, `postgres`. */
  readonly name: string;
  /** Calls allowed at once; more are rejected at once rather than queued behind a slow dependency. */
  readonly maxConcurrent: number;
  /** Upper bound per call; the call's own deadline is usually shorter. */
  readonly timeoutMs: number;
  /** Consecutive failures that open the breaker. @default 5 */
  readonly failuresToOpen?: number;
  /** How long the breaker stays open before letting one trial call through. @default 5000 */
  readonly halfOpenAfterMs?: number;
  /** Called on every breaker state change. */
  readonly onStateChange?: (name: string, state: string) => void;
}

/** Why a guarded call did not return a value, in one word for metrics. */
export type FailureKind = 'open' | 'rejected' | 'timeout' | 'error';

/**
 * Bulkhead, circuit breaker and timeout around one dependency (cockatiel). A dependency that
 * fails or hangs stops being called for a while; the caller takes its fallback immediately
 * instead of waiting, which is what keeps the webhook inside Dialogflow's 5 s budget.
 */
export class DependencyGuard {
  readonly name: string;
  private readonly breaker;
  private readonly policy: IPolicy;

  constructor(options: DependencyGuardOptions) {
    this.name = options.name;
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.halfOpenAfterMs ?? 5_000,
      breaker: new ConsecutiveBreaker(options.failuresToOpen ?? 5),
    });
    this.breaker.onStateChange((state) => options.onStateChange?.(this.name, stateName(state)));
    // abortOnReturn off: by default cockatiel aborts the signal after every successful call, which
    // allocates a DOMException per call (measured: 4% of warm CPU, 4.6x the cost of execute()).
    this.policy = wrap(
      bulkhead(options.maxConcurrent),
      this.breaker,
      timeout(options.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }),
    );
  }

  /** `closed`, `half_open` or `open`. */
  get state(): string {
    return stateName(this.breaker.state);
  }

  /** Run `fn` under the guard; rejects with the original error or a cockatiel rejection. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.policy.execute(({ signal }) => fn(signal));
  }

  /** Classify a rejection from `execute` for metrics and degradation reasons. */
  static failureKind(error: unknown): FailureKind {
    if (error instanceof BrokenCircuitError) return 'open';
    if (error instanceof BulkheadRejectedError) return 'rejected';
    if (error instanceof TaskCancelledError) return 'timeout';
    const code = (error as { code?: unknown })?.code;
    if (code === 4 /* gRPC DEADLINE_EXCEEDED */) return 'timeout';
    return 'error';
  }
}

function stateName(state: CircuitState): string {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Open:
      return 'open';
    default:
      return 'isolated';
  }
}
