/**
 * The fake Natural Language v2 server (test/runtime/support/fake-language-server.ts) in its own
 * process, so its gRPC work does not share an event loop with the load generator. Controlled
 * over IPC by fake-nl.ts; its counters (calls, characters, billed units per answered call) are
 * the benchmark's measure of NLP usage. The chaos suite (test/chaos/) also makes it answer errors.
 */
import { FakeLanguageServer } from '../../runtime/support/fake-language-server';

export type FakeCommand =
  | { id: number; cmd: 'latency'; ms: number }
  | { id: number; cmd: 'outage'; on: boolean }
  /** Answer every call with this gRPC status until `outage` off (which recovers from both). */
  | { id: number; cmd: 'fail'; code: number }
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'stop' };

async function main(): Promise<void> {
  const fake = await FakeLanguageServer.start({ latencyMs: Number(process.env.FAKE_LATENCY_MS ?? 0) });
  const reply = (msg: Record<string, unknown>) => process.send?.(msg);
  process.on('message', async (m: FakeCommand) => {
    switch (m.cmd) {
      case 'latency':
        fake.setLatency(m.ms);
        break;
      case 'fail':
        fake.failWith(m.code);
        break;
      case 'outage':
        if (m.on) fake.setOutage(true);
        else fake.recover();
        break;
      case 'stats':
        reply({ id: m.id, stats: fake.stats });
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
