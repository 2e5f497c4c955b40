/**
 * One autocannon run on loopback, replaying conversations. Each connection plays one
 * conversation at a time: its first turn takes the next conversation from the shared sequence
 * (wrapping around, with fresh session ids on every pass), each later turn carries the session
 * parameters of the previous reply, as Dialogflow does. autocannon's `requests` array holds one
 * entry per turn position; its per-connection context is reset when the array wraps, which is
 * exactly a new conversation, and a `setupRequest` returning null ends a short conversation early.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Conversation } from '../../../tools/corpus/banking77';
import { Parameters, mergeReplyParameters } from '../../../tools/corpus/cx-session-parameters';
import { cxWebhookRequest } from './cx-request';

export interface LoadOptions {
  readonly label: string;
  readonly url: string;
  readonly path: string;
  readonly conversations: readonly Conversation[];
  readonly connections: number;
  /** Seconds; ignored when `amount` is set. */
  readonly durationSeconds?: number;
  /** Exact number of requests to send. */
  readonly amount?: number;
  /** Distinguishes ids between runs so no two requests anywhere share a response id or session. */
  readonly runId: string;
}

export interface LoadResult {
  readonly label: string;
  readonly turns: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Peak resident memory of the server under test during the run (scenarios.ts samples it). */
  readonly peakRssMB?: number;
}

interface ConnectionContext {
  conversation?: Conversation;
  session?: string;
  parameters?: Parameters;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const maxTurns = Math.max(...o.conversations.map((c) => c.turns.length));
  let nextConversation = 0;
  let nextResponse = 0;
  const requests = Array.from({ length: maxTurns }, (_, position) => ({
    method: 'POST' as const,
    path: o.path,
    headers: { 'content-type': 'application/json' },
    setupRequest: (req: any, context: ConnectionContext) => {
      if (position === 0 || !context.conversation) {
        const index = nextConversation++;
        context.conversation = o.conversations[index % o.conversations.length];
        context.session = `${o.runId}-p${Math.floor(index / o.conversations.length)}-c${index % o.conversations.length}`;
        context.parameters = {};
      }
      const turn = context.conversation.turns[position];
      if (!turn) return null; // this conversation is over: autocannon starts a new one at position 0
      const body = cxWebhookRequest(turn, context.session!, `${o.runId}-r${nextResponse++}`, context.parameters ?? {});
      return { ...req, body: JSON.stringify(body) };
    },
    onResponse: (status: number, body: string, context: ConnectionContext) => {
      if (status === 200) context.parameters = mergeReplyParameters(context.parameters ?? {}, body);
    },
  }));
  // autocannon checks for the end of a run once a second, so its `duration` is quantized to
  // whole seconds (a 4.2 s run of `amount` requests reports 5 s). Time it here instead: from the
  // start to the last response.
  const startedAt = performance.now();
  let lastResponseAt = startedAt;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        pipelining: 1,
        ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.durationSeconds ?? 10 }),
        requests: requests as unknown as autocannon.Request[],
        timeout: 10,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('error', reject);
    instance.on('response', () => {
      lastResponseAt = performance.now();
    });
  });
  const ok2xx = result['2xx'];
  const turns = ok2xx + result.non2xx;
  const seconds = (lastResponseAt - startedAt) / 1000;
  return {
    label: o.label,
    turns,
    seconds,
    requestsPerSecond: seconds > 0 ? turns / seconds : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    ok2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
