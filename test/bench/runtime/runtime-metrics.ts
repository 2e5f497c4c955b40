/**
 * The runtime's own account of where calls went, scraped from its /metrics (Prometheus text)
 * at the end of a scenario: cache lookups per tier and result, skips by reason, coalesced
 * calls, NLP calls by outcome, write-behind queue depth and drops.
 */

export type Samples = Map<string, number>;

/** `name{labels}` → value, for the metric families the report uses. */
export async function scrapeMetrics(url: string): Promise<Samples> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ([-+\d.eE]+|NaN|[+-]Inf)$/.exec(line);
    if (!m) continue;
    if (
      !/^(cache_requests_total|nlp_skipped_total|nlp_coalesced_total|nlp_calls_total|write_queue_|webhook_degraded_replies_total)/.test(
        m[1],
      )
    )
      continue;
    out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

export function diff(after: Samples, before?: Samples): Samples {
  const out: Samples = new Map();
  for (const [k, v] of after) {
    // Gauges (queue depth) are reported as they are at the end, counters as differences.
    const isGauge = k.startsWith('write_queue_pending');
    const d = isGauge ? v : v - (before?.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

/** Compact `key=value` form, e.g. `l1 hit=2412`, for the printed summary. */
export function summarize(samples: Samples): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of samples) {
    const short = k
      .replace(/^cache_requests_total\{tier="(\w+)",result="(\w+)"\}$/, 'cache $1 $2')
      .replace(/^nlp_skipped_total\{reason="([^"]+)"\}$/, 'skipped $1')
      .replace(/^nlp_coalesced_total$/, 'coalesced')
      .replace(/^nlp_calls_total\{feature="(\w+)",outcome="(\w+)"\}$/, 'nlp $1 $2')
      .replace(/^write_queue_pending\{queue="([^"]+)"\}$/, 'queue pending $1')
      .replace(/^write_queue_dropped_total\{queue="([^"]+)"\}$/, 'queue dropped $1')
      .replace(/^webhook_degraded_replies_total\{reason="([^"]+)"\}$/, 'degraded $1');
    out[short] = v;
  }
  return out;
}
