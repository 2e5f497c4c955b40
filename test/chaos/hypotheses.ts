/**
 * The steady-state hypotheses, judged on one scenario's observation. Each names what must hold,
 * whether it held, and the evidence. The limits are stated here, once:
 *
 * - latency budget: the runtime's own turn budget (WEBHOOK_BUDGET_MS) plus LATENCY_MARGIN_MS for
 *   what lies outside it (loopback HTTP, JSON, the load generator's event loop, and this machine's
 *   two cores shared with whatever else runs);
 * - memory: RSS after the drain at most MEMORY_SLACK_BYTES above the baseline. Measured across the
 *   28 scenarios on this machine, RSS moved by at most ~20 MiB either way (V8 returns memory
 *   lazily, the heap grows and shrinks with GC timing); a leak of the fault's traffic (requests held
 *   open, a queue that never drains, a client buffering commands) grows past that within one scenario.
 */
import { RUNTIME_SETTINGS } from './chaos-environment';
import { Observation } from './run-scenario';

export const LATENCY_MARGIN_MS = 500;
export const BUDGET_MS = RUNTIME_SETTINGS.WEBHOOK_BUDGET_MS + LATENCY_MARGIN_MS;
export const MEMORY_SLACK_BYTES = 48 * 1024 * 1024;
/** A SIGTERMed instance must be gone within its shutdown deadline plus this (process exit, flushing logs). */
export const SHUTDOWN_GRACE_MS = 1_000;

export interface HypothesisResult {
  readonly name: string;
  readonly statement: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface Figures {
  readonly requests: number;
  readonly non2xx: number;
  readonly noReply: number;
  readonly failovers: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly degradedBeforeFault: number;
  readonly degradedDuringFault: number;
  readonly degradedAfterRecovery: number;
  readonly feedbackSent: number;
  readonly feedbackAccepted: number;
  readonly feedbackStored: number;
  readonly feedbackDuplicates: number;
  readonly feedbackRetries: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function figures(o: Observation): Figures {
  const latencies = o.turns.map((t) => t.end - t.start).sort((a, b) => a - b);
  const { faultAt, settledAt } = o.phases;
  const regular = o.feedback.filter((f) => !f.poison);
  return {
    requests: o.turns.length,
    non2xx: o.turns.filter((t) => t.status !== 0 && (t.status < 200 || t.status >= 300)).length,
    noReply: o.turns.filter((t) => t.status === 0).length,
    failovers: o.turns.reduce((n, t) => n + t.failovers, 0),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? 0,
    degradedBeforeFault: o.turns.filter((t) => t.degraded && t.end < faultAt).length,
    degradedDuringFault: o.turns.filter((t) => t.degraded && t.end >= faultAt && t.start < settledAt).length,
    degradedAfterRecovery: o.turns.filter((t) => t.degraded && t.start >= settledAt).length,
    feedbackSent: regular.length,
    feedbackAccepted: o.ledger.accepted,
    feedbackStored: o.ledger.storedOnce,
    feedbackDuplicates: o.ledger.duplicates,
    feedbackRetries: regular.reduce((n, f) => n + f.statuses.length - 1, 0),
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const sample = <T>(items: readonly T[], n = 3) => items.slice(0, n);

export function judge(o: Observation, f: Figures = figures(o)): HypothesisResult[] {
  const results: HypothesisResult[] = [];
  const add = (name: string, statement: string, passed: boolean, detail: string) => results.push({ name, statement, passed, detail });
  const { faultAt, recoveredAt, settledAt, loadStoppedAt } = o.phases;
  const failed = o.turns.filter((t) => t.status < 200 || t.status >= 300);

  add(
    'replies-2xx',
    'every webhook turn gets a 2xx reply (Dialogflow drops any other)',
    failed.length === 0,
    failed.length === 0
      ? `${f.requests} turns, all 2xx (${f.failovers} failed over to the other instance)`
      : `${f.non2xx} non-2xx and ${f.noReply} without reply of ${f.requests}, e.g. ${JSON.stringify(sample(failed.map((t) => ({ status: t.status, instance: t.instance, error: t.error, atMs: t.start - o.phases.start }))))}`,
  );
  add(
    'p99-within-budget',
    `p99 turn latency ≤ ${BUDGET_MS} ms (WEBHOOK_BUDGET_MS ${RUNTIME_SETTINGS.WEBHOOK_BUDGET_MS} + ${LATENCY_MARGIN_MS} ms margin)`,
    f.p99Ms <= BUDGET_MS,
    `p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms`,
  );
  // Turns still in flight when the fault began may meet it: only those answered before it count as baseline.
  const before = o.turns.filter((t) => t.end < faultAt);
  const beforeBad = before.filter((t) => t.degraded || t.status !== 200);
  add(
    'steady-before-fault',
    'before the fault every reply is a 200 and none is degraded (the steady state holds at all)',
    before.length > 0 && beforeBad.length === 0,
    before.length === 0
      ? 'no turns before the fault'
      : `${beforeBad.length} of ${before.length} baseline turns failed or degraded` +
          (beforeBad.length
            ? `, e.g. ${JSON.stringify(sample(beforeBad.map((t) => ({ status: t.status, reasons: t.reasons, instance: t.instance, atMs: t.start - o.phases.start }))))}`
            : ''),
  );
  const late = o.turns.filter((t) => t.degraded && t.start >= settledAt);
  add(
    'no-degradation-after-recovery',
    `no degraded reply after recovery + ${settledAt - recoveredAt} ms settle`,
    late.length === 0,
    late.length === 0
      ? `${f.degradedDuringFault} degraded during the fault and settle, 0 after`
      : `${late.length} degraded after settling, reasons ${JSON.stringify([...new Set(late.flatMap((t) => t.reasons))])}, last ${loadStoppedAt - late[late.length - 1].start} ms before the load stopped`,
  );

  const during = o.samples.filter((s) => s.at >= faultAt && s.at < settledAt);
  if (o.scenario.breakerOpens) {
    const dep = o.scenario.breakerOpens;
    const seen = during.filter((s) => s.breakers[dep] === 2).map((s) => s.instance);
    const logged = o.transitions
      .filter((t) => t.dependency === dep && t.state === 'open' && t.at >= faultAt && t.at < settledAt)
      .map((t) => t.instance);
    const instances = [...new Set([...seen, ...logged])];
    add(
      'breaker-opened',
      `the ${dep} breaker opens during the fault (breaker_state 2 on /metrics, or a ${dep}.breaker open event)`,
      instances.length > 0,
      instances.length > 0 ? `open on ${instances.join(', ')}` : `never open in ${during.length} samples or the logs`,
    );
  }
  if (o.scenario.breakersStayClosed) {
    const tripped = o.samples.filter((s) => s.at >= o.phases.start && Object.values(s.breakers).some((v) => v !== 0));
    const logged = o.transitions.filter((t) => t.state !== 'closed');
    add(
      'breakers-stayed-closed',
      'no breaker leaves closed: the slowdown stays inside every guard',
      tripped.length === 0 && logged.length === 0,
      tripped.length === 0 && logged.length === 0
        ? `closed in all ${o.samples.length} samples`
        : `tripped: ${JSON.stringify(sample([...logged.map((t) => `${t.instance}/${t.dependency} ${t.state}`), ...tripped.map((s) => `${s.instance} ${JSON.stringify(s.breakers)}`)]))}`,
    );
  }
  const lastPerInstance = new Map<string, (typeof o.samples)[number]>();
  for (const s of o.samples) lastPerInstance.set(s.instance, s);
  const stillOpen = [...lastPerInstance.values()].filter((s) => Object.values(s.breakers).some((v) => v !== 0));
  add(
    'breakers-closed-after-recovery',
    'every breaker is closed again at the end (breaker_state 0)',
    lastPerInstance.size > 0 && stillOpen.length === 0,
    stillOpen.length === 0
      ? `closed on ${[...lastPerInstance.keys()].join(', ')}`
      : `not closed: ${stillOpen.map((s) => `${s.instance} ${JSON.stringify(s.breakers)}`).join('; ')}`,
  );

  const regular = o.feedback.filter((x) => !x.poison);
  const unaccepted = regular.filter((x) => x.acceptedId === undefined);
  const unretryable = regular.flatMap((x) => x.unretryable);
  add(
    'feedback-accepted',
    'every rating is accepted (2xx), after retries that only 503/429 with Retry-After asked for',
    unaccepted.length === 0 && unretryable.length === 0,
    `${f.feedbackAccepted} of ${f.feedbackSent} accepted after ${f.feedbackRetries} retries` +
      (unretryable.length ? `; unretryable replies ${JSON.stringify(sample(unretryable))}` : '') +
      (unaccepted.length ? `; not accepted: statuses ${JSON.stringify(sample(unaccepted.map((x) => x.statuses)))}` : ''),
  );
  add(
    'feedback-stored-once',
    'every rating that got a 2xx is stored exactly once (rows counted by id in Postgres)',
    o.ledger.storedOnce === o.ledger.accepted && o.ledger.duplicates === 0,
    `${o.ledger.storedOnce} of ${o.ledger.accepted} stored once, ${o.ledger.missing.length} missing, ${o.ledger.duplicates} duplicate rows` +
      (o.ledger.poison ? `; the poison rating was ${o.ledger.poison}` : ''),
  );
  add(
    'queues-drained',
    'every write-behind queue drains after recovery and nothing is dropped (write_queue_pending, write_queue_dropped_total)',
    o.drain.drained && Object.keys(o.drain.dropped).length === 0,
    (o.drain.drained
      ? `drained ${o.drain.ms} ms after the load stopped`
      : `still pending after ${o.drain.ms} ms: ${JSON.stringify(o.drain.pending)}`) +
      (Object.keys(o.drain.dropped).length ? `; dropped ${JSON.stringify(o.drain.dropped)}` : ''),
  );
  add(
    'no-crash',
    'no process crashed: both runtimes, Redis, Postgres, the Natural Language fake and Toxiproxy are running at the end',
    o.crashes.length === 0,
    o.crashes.length === 0 ? 'all running' : o.crashes.join('; '),
  );
  const grown = Object.entries(o.rss).filter(([, r]) => r.after > r.baseline + MEMORY_SLACK_BYTES);
  add(
    'memory-recovered',
    `RSS after recovery ≤ baseline + ${mib(MEMORY_SLACK_BYTES)}`,
    Object.keys(o.rss).length > 0 && grown.length === 0,
    Object.entries(o.rss)
      .map(([name, r]) => `${name} ${mib(r.baseline)} → ${mib(r.after)}`)
      .join(', ') || 'no instance ran throughout',
  );
  if (o.termination) {
    const t = o.termination;
    const took = t.at - t.signalledAt;
    const limit = RUNTIME_SETTINGS.SHUTDOWN_DEADLINE_MS + SHUTDOWN_GRACE_MS;
    add(
      'clean-shutdown',
      // Exit 1 is the runtime's contract for "the deadline came with queued writes unwritten" (the
      // database was down or hung): the deadline held and accepted feedback is judged on its own above.
      `the SIGTERMed instance exits by itself (0, or 1 with writes left unwritten) within SHUTDOWN_DEADLINE_MS + ${SHUTDOWN_GRACE_MS} ms (${limit} ms)`,
      (t.code === 0 || t.code === 1) && !t.signal && took <= limit,
      `runtime ${t.instance} exited with code ${t.code}${t.signal ? ` (signal ${t.signal})` : ''} after ${took} ms`,
    );
  }
  return results;
}
