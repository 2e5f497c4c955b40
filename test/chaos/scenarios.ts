/**
 * The chaos scenarios: each injects one fault while the steady load runs and undoes it (or
 * restarts what it killed) on `recover`. What every scenario must keep true is judged in
 * hypotheses.ts; here each states only what is particular to it: the breaker that must open
 * (the dependency failed or hung longer than its guard allows), or that no breaker may open (a
 * slowdown within the guard's timeout is not a failure).
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { ChaosEnvironment, Dependency, RUNTIME_SETTINGS } from './chaos-environment';
import { isRunning, signalTree } from './process-faults';
import { Exit } from './runtime-instance';
import { SteadyLoad } from './steady-load';
import { ToxicSpec } from './toxiproxy-client';

export interface FaultHandle {
  /** Undo the fault; resolves when the dependency is back (restarted, continued, toxic removed). */
  recover(): Promise<void>;
  /** A SIGTERMed instance's exit, for the clean-shutdown hypothesis. */
  readonly terminated?: Promise<Exit & { readonly signalledAt: number; readonly instance: string }>;
}

export interface Scenario {
  readonly name: string;
  /** The fault, in words, for the report. */
  readonly fault: string;
  /** This dependency's breaker must open during the fault (on at least one instance). */
  readonly breakerOpens?: Dependency;
  /** No breaker may leave closed (the fault stays inside every guard's timeout). */
  readonly breakersStayClosed?: boolean;
  inject(env: ChaosEnvironment, load: SteadyLoad): Promise<FaultHandle>;
}

/** A Toxiproxy toxic on the dependency's proxy (server → runtime direction), removed on recovery. */
function toxic(name: string, dependency: Dependency, spec: ToxicSpec, fault: string, expect: Partial<Scenario>): Scenario {
  return {
    name,
    fault,
    ...expect,
    async inject(env) {
      const proxy = env.proxies[dependency];
      await env.toxiproxy.client.addToxic(proxy, { name: 'chaos', stream: 'downstream', ...spec });
      return { recover: () => env.toxiproxy.client.removeToxic(proxy, 'chaos') };
    },
  };
}

/** The dependency's proxy disabled and enabled again every `periodMs` (connections cut, then refused). */
function flapping(label: string, dependency: Dependency, periodMs: number): Scenario {
  return {
    name: `${label}-flapping`,
    fault: `${dependency} proxy down/up every ${periodMs / 1000} s (connections cut, new ones refused while down)`,
    breakerOpens: dependency,
    async inject(env) {
      const proxy = env.proxies[dependency];
      let up = false;
      let toggling: Promise<unknown> = env.toxiproxy.client.setEnabled(proxy, up);
      await toggling;
      const timer = setInterval(() => {
        up = !up;
        toggling = toggling.then(() => env.toxiproxy.client.setEnabled(proxy, up));
      }, periodMs);
      return {
        async recover() {
          clearInterval(timer);
          await toggling;
          await env.toxiproxy.client.setEnabled(proxy, true);
        },
      };
    },
  };
}

function nlError(code: GrpcStatus, label: string): Scenario {
  return {
    name: `nl-${label}`,
    fault: `Natural Language answers every call with ${GrpcStatus[code]}`,
    breakerOpens: 'nlp',
    async inject(env) {
      await env.nl.failWith(code);
      return { recover: () => env.nl.setOutage(false) };
    },
  };
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How the database is made unavailable before the SIGTERM: refused (proxy down) or hung (SIGSTOP). */
type PostgresOutage = 'none' | 'refused' | 'hung';

function sigterm(name: string, fault: string, outage: PostgresOutage): Scenario {
  return {
    name,
    fault,
    ...(outage !== 'none' && { breakerOpens: 'postgres' as Dependency }),
    async inject(env) {
      const instance = env.instances[0];
      let resumePostgres: () => Promise<unknown> = async () => undefined;
      if (outage === 'refused') {
        await env.toxiproxy.client.setEnabled(env.proxies.postgres, false);
        resumePostgres = () => env.toxiproxy.client.setEnabled(env.proxies.postgres, true);
      } else if (outage === 'hung') {
        const pid = env.postgres.postmasterPid();
        signalTree(pid, 'SIGSTOP');
        resumePostgres = async () => signalTree(pid, 'SIGCONT');
      }
      // Ratings accepted meanwhile wait in the instance's queue: the shutdown must not lose them.
      if (outage !== 'none') await new Promise((r) => setTimeout(r, 1_500));
      const terminated = instance
        .terminate(RUNTIME_SETTINGS.SHUTDOWN_DEADLINE_MS + 5_000)
        .then((exit) => ({ ...exit, instance: instance.name }));
      return {
        terminated,
        async recover() {
          await resumePostgres();
          await terminated;
          await instance.start();
        },
      };
    },
  };
}

export const SCENARIOS: readonly Scenario[] = [
  toxic('redis-latency', 'redis', { type: 'latency', attributes: { latency: 100, jitter: 0 } }, 'redis +100 ms per reply', {
    breakersStayClosed: true,
  }),
  toxic('redis-jitter', 'redis', { type: 'latency', attributes: { latency: 60, jitter: 60 } }, 'redis +60 ± 60 ms per reply', {
    breakersStayClosed: true,
  }),
  toxic('postgres-latency', 'postgres', { type: 'latency', attributes: { latency: 200, jitter: 0 } }, 'postgres +200 ms per reply', {
    breakersStayClosed: true,
  }),
  toxic('nl-latency', 'nlp', { type: 'latency', attributes: { latency: 500, jitter: 0 } }, 'Natural Language +500 ms per reply', {
    breakersStayClosed: true,
  }),
  toxic('nl-jitter', 'nlp', { type: 'latency', attributes: { latency: 350, jitter: 350 } }, 'Natural Language +350 ± 350 ms per reply', {
    breakersStayClosed: true,
  }),
  toxic(
    'postgres-timeout',
    'postgres',
    { type: 'timeout', attributes: { timeout: 300 } },
    'postgres: no data, connections closed after 300 ms',
    {
      breakerOpens: 'postgres',
    },
  ),
  toxic(
    'nl-timeout',
    'nlp',
    { type: 'timeout', attributes: { timeout: 300 } },
    'Natural Language: no data, connections closed after 300 ms',
    {
      breakerOpens: 'nlp',
    },
  ),
  toxic('redis-reset-peer', 'redis', { type: 'reset_peer', attributes: { timeout: 0 } }, 'redis connections reset (TCP RST)', {
    breakerOpens: 'redis',
  }),
  toxic('postgres-reset-peer', 'postgres', { type: 'reset_peer', attributes: { timeout: 0 } }, 'postgres connections reset (TCP RST)', {
    breakerOpens: 'postgres',
  }),
  toxic('nl-reset-peer', 'nlp', { type: 'reset_peer', attributes: { timeout: 0 } }, 'Natural Language connections reset (TCP RST)', {
    breakerOpens: 'nlp',
  }),
  toxic(
    'redis-blackhole',
    'redis',
    { type: 'timeout', attributes: { timeout: 0 } },
    'redis black hole: data dropped, connections left open',
    {
      breakerOpens: 'redis',
    },
  ),
  toxic(
    'postgres-blackhole',
    'postgres',
    { type: 'timeout', attributes: { timeout: 0 } },
    'postgres black hole: data dropped, connections left open',
    { breakerOpens: 'postgres' },
  ),
  toxic(
    'nl-blackhole',
    'nlp',
    { type: 'timeout', attributes: { timeout: 0 } },
    'Natural Language black hole: data dropped, connections left open',
    {
      breakerOpens: 'nlp',
    },
  ),
  toxic('postgres-bandwidth', 'postgres', { type: 'bandwidth', attributes: { rate: 4 } }, 'postgres replies limited to 4 KB/s', {}),
  toxic('nl-bandwidth', 'nlp', { type: 'bandwidth', attributes: { rate: 2 } }, 'Natural Language replies limited to 2 KB/s', {}),
  flapping('redis', 'redis', 2_000),
  flapping('postgres', 'postgres', 2_000),
  flapping('nl', 'nlp', 2_000),
  {
    name: 'redis-sigkill',
    fault: 'redis-server SIGKILL, restarted empty on recovery',
    breakerOpens: 'redis',
    async inject(env) {
      const pid = env.redis.pid!;
      process.kill(pid, 'SIGKILL');
      await waitUntil(() => !isRunning(pid), 'redis-server to die');
      return { recover: () => env.redis.resume() };
    },
  },
  {
    name: 'redis-sigstop',
    fault: 'redis-server SIGSTOP (hung: connections stay open), SIGCONT on recovery',
    breakerOpens: 'redis',
    async inject(env) {
      const pid = env.redis.pid!;
      signalTree(pid, 'SIGSTOP');
      return { recover: async () => signalTree(pid, 'SIGCONT') };
    },
  },
  {
    name: 'postgres-sigkill',
    fault: 'postgres SIGKILL (postmaster and backends), restarted with crash recovery',
    breakerOpens: 'postgres',
    async inject(env) {
      const pid = env.postgres.postmasterPid();
      signalTree(pid, 'SIGKILL');
      await waitUntil(() => !isRunning(pid), 'the postmaster to die');
      return { recover: () => env.postgres.resume() };
    },
  },
  {
    name: 'postgres-sigstop',
    fault: 'postgres SIGSTOP (postmaster and backends hung), SIGCONT on recovery',
    breakerOpens: 'postgres',
    async inject(env) {
      const pid = env.postgres.postmasterPid();
      signalTree(pid, 'SIGSTOP');
      return { recover: async () => signalTree(pid, 'SIGCONT') };
    },
  },
  sigterm('runtime-sigterm', 'runtime instance a SIGTERM mid-load (b keeps serving), restarted on recovery', 'none'),
  sigterm(
    'runtime-sigterm-postgres-down',
    'postgres proxy down, then runtime instance a SIGTERM with ratings queued; postgres back and a restarted on recovery',
    'refused',
  ),
  sigterm(
    'runtime-sigterm-postgres-hung',
    'postgres SIGSTOPped, then runtime instance a SIGTERM with ratings queued; SIGCONT and a restarted on recovery',
    'hung',
  ),
  nlError(GrpcStatus.UNAVAILABLE, 'unavailable'),
  nlError(GrpcStatus.DEADLINE_EXCEEDED, 'deadline-exceeded'),
  nlError(GrpcStatus.RESOURCE_EXHAUSTED, 'resource-exhausted'),
  {
    name: 'poison-record',
    fault: 'one hostile turn (NUL in the text, intent confidence 1e300) and one hostile rating (NUL in the comment)',
    async inject(_env, load) {
      await load.injectPoison();
      return { recover: async () => undefined };
    },
  },
];
