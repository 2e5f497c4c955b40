/**
 * The fake Natural Language v2 server (test/runtime/support/fake-language-server.ts) in its own
 * process, so its gRPC work does not share an event loop with the load generator. Controlled
 * over IPC by fake-nl.ts. Besides the fake's own counters, it records billed units exactly, per
 * answered call and feature, with the runtime's own `billedUnits` (ceil(chars/1000), moderation
 * per 100): the fake only sums characters, and a sum cannot be split back into per-call units.
 */
import * as grpc from '@grpc/grpc-js';
import { billedUnits } from '../../../runtime/src/nlp/billing';
import { Feature } from '../../../runtime/src/nlp/enrichment-types';
import { FakeLanguageServer } from '../../runtime/support/fake-language-server';

export type FakeCommand =
  | { id: number; cmd: 'latency'; ms: number }
  | { id: number; cmd: 'outage'; on: boolean }
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'clear' }
  | { id: number; cmd: 'stop' };

export interface BilledCounters {
  /** Answered calls by feature. */
  answered: Record<Feature, number>;
  /** Billed units by feature, summed per answered call. */
  units: Record<Feature, number>;
}

const zero = (): Record<Feature, number> => ({ sentiment: 0, entities: 0, classification: 0, moderation: 0 });
let billed: BilledCounters = { answered: zero(), units: zero() };

function features(rpc: string, request: any): Feature[] {
  switch (rpc) {
    case 'AnalyzeSentiment':
      return ['sentiment'];
    case 'AnalyzeEntities':
      return ['entities'];
    case 'ClassifyText':
      return ['classification'];
    case 'ModerateText':
      return ['moderation'];
    default: {
      const f = request?.features ?? {};
      return [
        ...(f.extractDocumentSentiment ? (['sentiment'] as const) : []),
        ...(f.extractEntities ? (['entities'] as const) : []),
        ...(f.classifyText ? (['classification'] as const) : []),
        ...(f.moderateText ? (['moderation'] as const) : []),
      ];
    }
  }
}

// Wrap every handler the fake registers, to count what was answered and bill it.
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service: grpc.ServiceDefinition, impl: grpc.UntypedServiceImplementation) {
  const wrapped: grpc.UntypedServiceImplementation = {};
  for (const [rpc, handler] of Object.entries(impl)) {
    wrapped[rpc] = ((call: any, callback: any) =>
      (handler as any)(call, (err: unknown, response: unknown) => {
        if (!err) {
          const text: string = call.request?.document?.content ?? '';
          for (const f of features(rpc, call.request)) {
            billed.answered[f] += 1;
            billed.units[f] += billedUnits(text, f);
          }
        }
        callback(err, response);
      })) as grpc.UntypedHandleCall;
  }
  return addService.call(this, service, wrapped);
};

async function main(): Promise<void> {
  const fake = await FakeLanguageServer.start({ latencyMs: Number(process.env.FAKE_LATENCY_MS ?? 0) });
  const reply = (msg: Record<string, unknown>) => process.send?.(msg);
  process.on('message', async (m: FakeCommand) => {
    switch (m.cmd) {
      case 'latency':
        fake.setLatency(m.ms);
        break;
      case 'outage':
        if (m.on) fake.setOutage(true);
        else fake.recover();
        break;
      case 'clear':
        billed = { answered: zero(), units: zero() };
        break;
      case 'stats':
        reply({ id: m.id, stats: fake.stats, billed });
        return;
      case 'stop':
        await fake.stop();
        reply({ id: m.id });
        process.exit(0);
    }
    reply({ id: m.id });
  });
  process.on('disconnect', () => process.exit(0));
  reply({ ready: true, port: fake.port });
}

void main().catch((error) => {
  process.stderr.write(`fake NL server failed: ${String(error)}\n`);
  process.exit(1);
});
