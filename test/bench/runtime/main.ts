/**
 * Runtime benchmark: the webhook runtime beside a bare node:http ceiling and the naive pattern
 * of the official samples, replaying real customer-service text (BANKING77) on loopback with
 * autocannon, against a fake Natural Language server with a fixed latency.
 *
 *   npm run bench:runtime                      full run (10 s per throughput scenario, 2 rounds of a/d, 32 connections)
 *   npm run bench:runtime -- --quick           a few seconds per scenario, for development
 *   npm run bench:runtime -- --profile         also profile the warm runtime (node --cpu-prof)
 *   ... --duration <s> --connections <n> --turns <n> --rounds <n> --latency <ms> --deadline <ms>
 *
 * Every server is a child process (the load generator keeps its own event loop); the fake NL
 * server too. NLP calls and billed units come from the fake server's counters, not from the
 * system under test. Results go to reports/bench-runtime.json (--quick: bench-runtime-quick.json).
 *
 * A benchmark reports; it does not judge: a missed target prints MISS and exits 0. Exit 1 only
 * when something broke (a server did not start, a run failed); 2 on bad usage.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SHAPE, describeSequence, loadBanking77, noRepetitionSequence, realisticSequence } from '../../../tools/corpus/banking77';
import { FakeNl } from './fake-nl';
import { cleanupAll, onCleanup } from './processes';
import { printProfile, printRuntimeCounters, printTable, printTargets, targets, writeJson } from './report';
import { runAll } from './scenarios';
import { USAGE, parseSettings } from './settings';
import { startStores } from './stores';

const REPO = join(__dirname, '..', '..', '..', '..'); // build/test/bench/runtime -> repository root
/** A --quick run writes beside the full run's JSON, not over it. */
const reportFile = (quick: boolean) => join(REPO, 'reports', quick ? 'bench-runtime-quick.json' : 'bench-runtime.json');

async function main(): Promise<number> {
  let settings;
  try {
    settings = parseSettings(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (settings === 'help') {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => console.log(line);
  for (const f of ['runtime/dist/main.js', 'build/test/bench/runtime/bare-http-server.js']) {
    if (!existsSync(join(REPO, f))) throw new Error(`${f} is missing: run \`npm run build:dev && tsc -p runtime/tsconfig.json\` first`);
  }

  const corpus = loadBanking77(REPO);
  const realistic = realisticSequence(corpus.utterances, settings.turns);
  const noRepetition = noRepetitionSequence(corpus.utterances, settings.turns);
  const rs = describeSequence(realistic);
  const ns = describeSequence(noRepetition);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  log(`runtime benchmark${settings.quick ? ' (--quick)' : ''}`);
  log(
    `machine: ${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${process.platform}`,
  );
  log(
    `settings: ${settings.connections} connections, ${settings.durationSeconds} s per throughput run, ${settings.rounds} alternating round(s) of (a)/(d), ` +
      `${settings.warmupSeconds} s warm-up of (a)/(b); fake NL latency ${settings.latencyMs} ms; runtime NLP_DEADLINE_MS=${settings.deadlineMs}, LOG_LEVEL=info to /dev/null, OTEL_TRACES_SAMPLER_ARG=0.05, Redis and Postgres on when available`,
  );
  log(`corpus: ${corpus.dir}: ${corpus.rows} rows, ${corpus.utterances.length} unique utterances`);
  log(
    `realistic sequence: ${rs.turns} turns in ${rs.conversations} conversations (${DEFAULT_SHAPE.minTurns}-${DEFAULT_SHAPE.maxTurns} turns), Zipf s=${DEFAULT_SHAPE.zipfS}, seed ${DEFAULT_SHAPE.seed}; ` +
      `${rs.uniqueTexts} unique texts; corpus ${pct(rs.kinds.corpus)}, acks ${pct(rs.kinds.ack)}, DTMF ${pct(rs.kinds.dtmf)}, verbatim repeats ${pct(rs.kinds.repeat)}; ` +
      `top-10 texts ${pct(rs.top10Share)} of turns; ${pct(rs.repeatedCorpusShare)} of corpus turns seen before`,
  );
  log(`no-repetition sequence: ${ns.turns} turns in ${ns.conversations} conversations, ${ns.uniqueTexts} unique texts (each once)`);

  const fake = await FakeNl.start(settings.latencyMs, REPO);
  onCleanup(() => fake.stop());
  const stores = await startStores();
  const tiers = ['L1 lru-cache', ...(stores.redis ? ['L2 Redis (redis-server)'] : []), ...(stores.postgres ? ['L3 Postgres'] : [])];
  log(`runtime cache tiers active: ${tiers.join(', ')}${stores.notes.length ? `; ${stores.notes.join('; ')}` : ''}`);
  log(`fake Natural Language v2 server (gRPC, own process) on 127.0.0.1:${fake.port}\n`);

  const { scenarios, profile, redisProbes } = await runAll({ repo: REPO, settings, fake, stores, realistic, noRepetition, log });

  log('');
  printTable(scenarios, log);
  log('(NLP calls and billed units counted by the fake NL server; units = per answered call and feature, ceil(chars/1000))\n');
  const verdicts = targets(scenarios, settings);
  printTargets(verdicts, log);
  log('');
  printRuntimeCounters(scenarios, log);
  if (profile) {
    log('');
    printProfile(profile, log);
  }

  const report = reportFile(settings.quick);
  writeJson(report, {
    date: new Date().toISOString(),
    machine: { cores: availableParallelism(), cpu, memGiB: totalmem() / 2 ** 30, node: process.version },
    settings,
    tiers,
    workload: { shape: DEFAULT_SHAPE, realistic: rs, noRepetition: ns },
    scenarios,
    targets: verdicts,
    profile,
    redisProbes,
  });
  log(`\nwritten: ${report}`);
  return 0;
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
    console.error(`bench:runtime FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void finish(1);
  },
);
