/**
 * Watches the runtimes' own account of their state, from /metrics every `intervalMs`: breaker
 * states per dependency (0 closed, 1 half-open, 2 open) and write-behind queues (pending,
 * dropped). The suite judges "breakers open during the fault and close again" and "queues drain"
 * from these samples, i.e. from what an operator's dashboard would show.
 */

export interface MetricsSample {
  readonly at: number;
  readonly instance: string;
  /** breaker_state by dependency. */
  readonly breakers: Record<string, number>;
  /** write_queue_pending by queue. */
  readonly pending: Record<string, number>;
  /** write_queue_dropped_total by queue. */
  readonly dropped: Record<string, number>;
}

/** Parse the families the suite reads from Prometheus text. */
export function parseMetrics(instance: string, text: string, at = Date.now()): MetricsSample {
  const sample: MetricsSample = { at, instance, breakers: {}, pending: {}, dropped: {} };
  for (const line of text.split('\n')) {
    const m = /^(breaker_state|write_queue_pending|write_queue_dropped_total)\{(?:dependency|queue)="([^"]+)"\} ([-+\d.eE]+)$/.exec(line);
    if (!m) continue;
    const target = m[1] === 'breaker_state' ? sample.breakers : m[1] === 'write_queue_pending' ? sample.pending : sample.dropped;
    target[m[2]] = Number(m[3]);
  }
  return sample;
}

export async function scrape(instance: string, url: string, timeoutMs = 2_000): Promise<MetricsSample | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? parseMetrics(instance, await res.text()) : undefined;
  } catch {
    return undefined; // the instance is down or stalled; the gap is visible in the timeline
  }
}

export class MetricsWatch {
  readonly samples: MetricsSample[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight = false;

  constructor(
    private readonly targets: () => ReadonlyArray<{ readonly name: string; readonly url: string; readonly running: boolean }>,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Samples in [from, to). */
  between(from: number, to: number): MetricsSample[] {
    return this.samples.filter((s) => s.at >= from && s.at < to);
  }

  private async poll(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const results = await Promise.all(
        this.targets()
          .filter((t) => t.running)
          .map((t) => scrape(t.name, t.url)),
      );
      for (const r of results) if (r) this.samples.push(r);
    } finally {
      this.inFlight = false;
    }
  }
}
