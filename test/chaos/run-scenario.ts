/**
 * Runs one scenario on the shared environment and records what happened, phase by phase:
 *
 *   baseline ─ fault ─ (recover) ─ settle ─ after ─ (load stops) ─ drain
 *
 * The load runs from the start of the baseline to the end of `after`; ratings still being
 * retried and the runtimes' write queues get up to `drainMs` to finish. Judging is
 * hypotheses.ts's job; this only observes.
 */
import { Conversation } from '../../tools/corpus/banking77';
import { ChaosEnvironment } from './chaos-environment';
import { FeedbackLedger, readLedger } from './feedback-ledger';
import { FeedbackOutcome, FeedbackSender } from './feedback-sender';
import { LoadBalancer } from './load-balancer';
import { MetricsSample, MetricsWatch, scrape } from './metrics-watch';
import { isRunning } from './process-faults';
import { BreakerTransition, breakerTransitions, logSize } from './runtime-log';
import { Exit } from './runtime-instance';
import { FaultHandle, Scenario } from './scenarios';
import { SteadyLoad, TurnSample } from './steady-load';

export interface PhaseDurations {
  readonly baselineMs: number;
  readonly faultMs: number;
  readonly settleMs: number;
  readonly afterMs: number;
  readonly drainMs: number;
}

export interface LoadShape {
  readonly users: number;
  readonly thinkMs: number;
  readonly feedbackEvery: number;
  /** Longest wait for one reply (Dialogflow CX's own limit is 5 s by default). */
  readonly replyTimeoutMs: number;
  /** Retry-After is honoured up to this long. */
  readonly maxRetryWaitMs: number;
}

export interface Phases {
  readonly start: number;
  readonly faultAt: number;
  readonly recoveredAt: number;
  readonly settledAt: number;
  readonly loadStoppedAt: number;
  readonly end: number;
}

export interface Drain {
  readonly drained: boolean;
  /** From the load's stop until every queue was empty (or the drain period ran out). */
  readonly ms: number;
  /** write_queue_pending per instance/queue at the end, non-zero only. */
  readonly pending: Record<string, number>;
  /** write_queue_dropped_total increase during the scenario, per instance/queue, non-zero only. */
  readonly dropped: Record<string, number>;
}

export interface Observation {
  readonly scenario: Scenario;
  readonly phases: Phases;
  readonly turns: readonly TurnSample[];
  readonly feedback: readonly FeedbackOutcome[];
  readonly ledger: FeedbackLedger;
  readonly samples: readonly MetricsSample[];
  readonly transitions: readonly BreakerTransition[];
  readonly drain: Drain;
  /** RSS (bytes) per instance that ran throughout: at the end of the baseline, and after the drain. */
  readonly rss: Record<string, { readonly baseline: number; readonly after: number }>;
  readonly termination?: Exit & { readonly signalledAt: number; readonly instance: string };
  /** Processes found dead that should not be, in words. */
  readonly crashes: string[];
  readonly logDir: string;
}

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

async function droppedTotals(env: ChaosEnvironment): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const instance of env.instances.filter((i) => i.running)) {
    const sample = await scrape(instance.name, instance.url);
    for (const [queue, n] of Object.entries(sample?.dropped ?? {})) out[`${instance.name}/${queue}`] = n;
  }
  return out;
}

export async function runScenario(options: {
  readonly env: ChaosEnvironment;
  readonly scenario: Scenario;
  readonly durations: PhaseDurations;
  readonly shape: LoadShape;
  readonly conversations: readonly Conversation[];
  readonly firstConversation: number;
  readonly runId: string;
}): Promise<Observation & { readonly conversationsUsed: number }> {
  const { env, scenario, durations: d, shape } = options;
  const offsets = new Map(env.instances.map((i) => [i.name, logSize(i.logFile)]));
  const droppedBefore = await droppedTotals(env);
  const lb = new LoadBalancer(env.instances, { 'x-webhook-secret': env.secret }, shape.replyTimeoutMs);
  const sender = new FeedbackSender(lb, { maxRetryWaitMs: shape.maxRetryWaitMs, noReplyWaitMs: 500 });
  const load = new SteadyLoad(lb, sender, {
    runId: options.runId,
    conversations: options.conversations,
    firstConversation: options.firstConversation,
    users: shape.users,
    thinkMs: shape.thinkMs,
    feedbackEvery: shape.feedbackEvery,
  });
  const watch = new MetricsWatch(() => env.instances);
  watch.start();
  const start = Date.now();
  load.start();
  await sleepUntil(start + d.baselineMs);
  const longLived = env.instances.filter((i) => i.running);
  const rssBaseline = new Map(longLived.map((i) => [i.name, i.rss() ?? 0]));

  const faultAt = Date.now();
  let handle: FaultHandle;
  let recoveredAt: number;
  try {
    handle = await scenario.inject(env, load);
    try {
      await sleepUntil(faultAt + d.faultMs);
    } finally {
      await handle.recover();
      recoveredAt = Date.now();
    }
  } catch (error) {
    // The next scenario must not inherit this one's load or watcher.
    watch.stop();
    await load.stop();
    await sender.settle(Date.now());
    throw error;
  }
  const settledAt = recoveredAt + d.settleMs;
  await sleepUntil(settledAt + d.afterMs);
  await load.stop();
  const loadStoppedAt = Date.now();

  await sender.settle(loadStoppedAt + d.drainMs);
  let drained = false;
  let pending: Record<string, number> = {};
  const drainEnd = loadStoppedAt + d.drainMs;
  for (;;) {
    pending = {};
    for (const instance of env.instances.filter((i) => i.running)) {
      const sample = await scrape(instance.name, instance.url);
      if (!sample) {
        pending[`${instance.name}/(no /metrics reply)`] = 1;
        continue;
      }
      for (const [queue, n] of Object.entries(sample.pending)) if (n > 0) pending[`${instance.name}/${queue}`] = n;
    }
    if (Object.keys(pending).length === 0) {
      drained = true;
      break;
    }
    if (Date.now() > drainEnd) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const drainMs = Date.now() - loadStoppedAt;
  // A last look at the breakers after the drain, then stop watching.
  await new Promise((r) => setTimeout(r, 300));
  watch.stop();

  const droppedAfter = await droppedTotals(env);
  const dropped: Record<string, number> = {};
  for (const [k, n] of Object.entries(droppedAfter)) if (n - (droppedBefore[k] ?? 0) > 0) dropped[k] = n - (droppedBefore[k] ?? 0);

  const rss: Record<string, { baseline: number; after: number }> = {};
  for (const instance of longLived) {
    const after = instance.rss();
    if (after !== undefined && instance.unexpectedExits.length === 0 && !(handle.terminated && instance === env.instances[0]))
      rss[instance.name] = { baseline: rssBaseline.get(instance.name) ?? 0, after };
  }
  const termination = handle.terminated ? await handle.terminated : undefined;

  const crashes: string[] = [];
  for (const instance of env.instances) {
    for (const exit of instance.unexpectedExits.filter((e) => e.at >= start))
      crashes.push(`runtime ${instance.name} exited (code ${exit.code}, signal ${exit.signal}); log: ${instance.logFile}`);
    if (!instance.running) crashes.push(`runtime ${instance.name} is not running; log: ${instance.logFile}`);
  }
  if (env.redis.pid === undefined) crashes.push('redis-server is not running');
  try {
    if (!isRunning(env.postgres.postmasterPid())) crashes.push('postgres is not running');
  } catch {
    crashes.push('postgres is not running (no postmaster.pid)');
  }
  if (env.nl.pid === undefined || !isRunning(env.nl.pid)) crashes.push('the Natural Language fake is not running');
  if (!env.toxiproxy.alive()) crashes.push(`toxiproxy is not running; log: ${env.toxiproxy.logFile}`);

  const ledger = await readLedger(env.postgres, sender.outcomes);
  const transitions = env.instances.flatMap((i) => breakerTransitions(i.name, i.logFile, offsets.get(i.name) ?? 0));
  return {
    scenario,
    phases: { start, faultAt, recoveredAt, settledAt, loadStoppedAt, end: Date.now() },
    turns: load.turns,
    feedback: sender.outcomes,
    ledger,
    samples: watch.samples,
    transitions,
    drain: { drained, ms: drainMs, pending, dropped },
    rss,
    ...(termination && { termination }),
    crashes,
    logDir: env.logDir,
    conversationsUsed: load.conversationsUsed,
  };
}
