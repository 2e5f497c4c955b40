/**
 * The chaos suite (`npm run chaos`): real faults between the webhook runtime and its
 * dependencies, under a steady replayed load, each scenario judged against its steady-state
 * hypotheses (hypotheses.ts). Two runtime instances (runtime/dist/main.js, production
 * configuration) reach real Redis, real Postgres and the fake Natural Language server only
 * through a real Toxiproxy; the load generator balances between the instances.
 *
 *   npm run chaos                                  every scenario (about 12 minutes here)
 *   npm run chaos -- --scenario 'nl-*' --scale 0.5
 *   npm run chaos -- --list
 *
 * Writes reports/chaos.json and reports/chaos.md; exits 1 when a hypothesis fails (the report
 * says which, with the evidence, and where the runtime logs are), 2 when the suite could not run.
 */
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { loadBanking77, noRepetitionSequence } from '../../tools/corpus/banking77';
import { cleanupAll } from '../bench/runtime/processes';
import { ChaosEnvironment, RUNTIME_SETTINGS, emptySharedCaches, startEnvironment } from './chaos-environment';
import { BUDGET_MS, LATENCY_MARGIN_MS, MEMORY_SLACK_BYTES, figures, judge } from './hypotheses';
import { ChaosReport, ScenarioEntry, failedEntry, writeReport } from './report';
import { LoadShape, PhaseDurations, runScenario } from './run-scenario';
import { SCENARIOS } from './scenarios';
import { USAGE, parseSettings, selected } from './settings';
import { isRunning } from './process-faults';
import { findRepoRoot } from '../../policies/runner/main';

// build/test/chaos, or a test's own build directory under build/: the repository is found, not counted up to.
const REPO = findRepoRoot(__dirname);

/** Phase lengths at --scale 1. Settle covers the breakers' 2 s half-open wait plus reconnect backoff (≤ 2 s). */
const DURATIONS: PhaseDurations = { baselineMs: 4_000, faultMs: 8_000, settleMs: 5_000, afterMs: 4_000, drainMs: 15_000 };
/** About 40 turns/s and 5 ratings/s on this machine: enough to trip breakers within a second, light enough for two shared cores. */
const SHAPE: LoadShape = { users: 8, thinkMs: 150, feedbackEvery: 2, replyTimeoutMs: 10_000, maxRetryWaitMs: 2_000 };
const WARM_UP_MS = 4_000;

function scaled(d: PhaseDurations, scale: number): PhaseDurations {
  return {
    baselineMs: Math.round(d.baselineMs * scale),
    faultMs: Math.round(d.faultMs * scale),
    // Never shorter than the breakers need to try again and the clients to reconnect.
    settleMs: Math.max(RUNTIME_SETTINGS.BREAKER_HALF_OPEN_MS + 2_000, Math.round(d.settleMs * scale)),
    afterMs: Math.max(2_000, Math.round(d.afterMs * scale)),
    drainMs: d.drainMs,
  };
}

/** Put back what a scenario may have left behind, so the next starts from the steady state. */
async function restoreSteadyState(env: ChaosEnvironment): Promise<void> {
  await env.toxiproxy.client.reset();
  await env.nl.setOutage(false);
  if (env.redis.pid === undefined) await env.redis.resume();
  let postgresUp = false;
  try {
    postgresUp = isRunning(env.postgres.postmasterPid());
  } catch {
    postgresUp = false;
  }
  if (!postgresUp) await env.postgres.resume();
  for (const instance of env.instances) if (!instance.running) await instance.start();
  await emptySharedCaches(env);
}

async function main(): Promise<number> {
  let settings;
  try {
    settings = parseSettings(process.argv.slice(2), join(REPO, 'reports', 'chaos.json'));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (settings === 'help') {
    console.log(USAGE);
    return 0;
  }
  const chosen = SCENARIOS.filter((s) => selected(s.name, settings.scenarios));
  if (settings.list || chosen.length === 0) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(32)} ${s.fault}`);
    if (chosen.length === 0) {
      console.error(`no scenario matches ${settings.scenarios.join(',')}`);
      return 2;
    }
    return 0;
  }
  const durations = scaled(DURATIONS, settings.scale);
  const log = (line: string) => console.log(line);
  const corpus = loadBanking77(REPO);
  const conversations = noRepetitionSequence(corpus.utterances, corpus.utterances.length);
  log(
    `chaos suite: ${chosen.length} scenario(s), phases baseline ${durations.baselineMs} / fault ${durations.faultMs} / settle ${durations.settleMs} / after ${durations.afterMs} ms, drain ≤ ${durations.drainMs} ms; ` +
      `${SHAPE.users} users, ${SHAPE.thinkMs} ms think time, a rating every ${SHAPE.feedbackEvery} conversations; budget ${BUDGET_MS} ms`,
  );
  const env = await startEnvironment(REPO, log);
  const runId = `chaos-${Date.now().toString(36)}`;
  let nextConversation = 0;

  // Warm-up, not judged: JIT, connection pools and the first cache entries, so the first baseline is steady.
  {
    const warm = await runScenario({
      env,
      scenario: { name: 'warm-up', fault: 'none', inject: async () => ({ recover: async () => undefined }) },
      durations: { baselineMs: WARM_UP_MS / 2, faultMs: 0, settleMs: 0, afterMs: WARM_UP_MS / 2, drainMs: durations.drainMs },
      shape: SHAPE,
      conversations,
      firstConversation: nextConversation,
      runId: `${runId}-warm`,
    });
    nextConversation = warm.conversationsUsed;
    log(`warm-up: ${warm.turns.length} turns, ${warm.feedback.length} ratings`);
  }

  const entries: ScenarioEntry[] = [];
  for (const scenario of chosen) {
    const started = Date.now();
    try {
      await restoreSteadyState(env);
      const o = await runScenario({
        env,
        scenario,
        durations,
        shape: SHAPE,
        conversations,
        firstConversation: nextConversation,
        runId: `${runId}-${scenario.name}`,
      });
      nextConversation = o.conversationsUsed;
      const f = figures(o);
      const hypotheses = judge(o, f);
      const passed = hypotheses.every((h) => h.passed);
      entries.push({
        name: scenario.name,
        fault: scenario.fault,
        durationSeconds: Math.round((o.phases.end - o.phases.start) / 100) / 10,
        faultSeconds: Math.round((o.phases.recoveredAt - o.phases.faultAt) / 100) / 10,
        budgetMs: BUDGET_MS,
        ...f,
        passed,
        hypotheses,
        ...(o.ledger.poison && { poison: o.ledger.poison }),
      });
      log(
        `${passed ? 'PASS' : 'FAIL'} ${scenario.name}: ${f.requests} turns, ${f.non2xx + f.noReply} failed, p99 ${f.p99Ms} ms, degraded ${f.degradedDuringFault}/${f.degradedAfterRecovery}, ` +
          `feedback ${f.feedbackAccepted}/${f.feedbackStored}/${f.feedbackDuplicates}` +
          hypotheses
            .filter((h) => !h.passed)
            .map((h) => `\n     ✗ ${h.name}: ${h.detail}`)
            .join(''),
      );
    } catch (error) {
      const message = `${error instanceof Error ? (error.stack ?? error.message) : String(error)} (logs: ${env.logDir})`;
      entries.push(failedEntry(scenario.name, scenario.fault, message));
      log(`FAIL ${scenario.name}: the scenario could not run: ${message}`);
    }
    log(`     (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  await restoreSteadyState(env).catch(() => undefined);

  const passed = entries.every((e) => e.passed);
  const report: ChaosReport = {
    date: new Date().toISOString(),
    machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
    settings: {
      scenarios: chosen.map((s) => s.name),
      scale: settings.scale,
      durations,
      load: SHAPE,
      runtime: RUNTIME_SETTINGS,
      latencyMarginMs: LATENCY_MARGIN_MS,
      memoryToleranceBytes: MEMORY_SLACK_BYTES,
    },
    logDir: env.logDir,
    passed,
    scenarios: entries,
  };
  const md = settings.report.replace(/\.json$/, '') + '.md';
  writeReport(settings.report, md, report);
  log(
    `\n${entries.filter((e) => e.passed).length} of ${entries.length} scenarios held every hypothesis; written ${settings.report} and ${md}`,
  );
  if (passed && !settings.keepLogs) rmSync(env.logDir, { recursive: true, force: true });
  else log(`runtime and toxiproxy logs: ${env.logDir}`);
  return passed ? 0 : 1;
}

let exiting = false;
async function finish(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  await cleanupAll();
  process.exit(code);
}
process.on('SIGINT', () => void finish(130));
process.on('SIGTERM', () => void finish(143));

main().then(
  (code) => finish(code),
  (error: unknown) => {
    console.error(`chaos suite could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void finish(2);
  },
);
