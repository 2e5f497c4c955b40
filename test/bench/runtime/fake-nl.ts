/**
 * The benchmark's handle on the fake Natural Language server child (fake-nl-child.ts): fixed
 * latency, outage on/off, error answers (for the chaos suite), and counter snapshots (calls,
 * characters, billed units).
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { Feature } from '../../../runtime/src/nlp/enrichment-types';
import { FakeLanguageCounters } from '../../runtime/support/fake-language-server';
import { FakeCommand } from './fake-nl-child';
import { track } from './processes';

export interface FakeSnapshot {
  readonly stats: FakeLanguageCounters;
}

/** What one scenario cost: counter differences between two snapshots. */
export interface NlpUsage {
  /** RPCs the server received (each AnalyzeSentiment, AnalyzeEntities, AnnotateText... is one). */
  readonly calls: number;
  /** Billed units of answered calls, all features. */
  readonly billedUnits: number;
  readonly unitsByFeature: Record<Feature, number>;
  readonly cancelledCalls: number;
}

export function usageBetween(before: FakeSnapshot, after: FakeSnapshot): NlpUsage {
  const features: Feature[] = ['sentiment', 'entities', 'classification', 'moderation'];
  const unitsByFeature = Object.fromEntries(
    features.map((f) => [f, after.stats.features[f].billedUnits - before.stats.features[f].billedUnits]),
  ) as Record<Feature, number>;
  return {
    calls: after.stats.totalCalls - before.stats.totalCalls,
    billedUnits: Object.values(unitsByFeature).reduce((a, b) => a + b, 0),
    unitsByFeature,
    cancelledCalls: after.stats.cancelledCalls - before.stats.cancelledCalls,
  };
}

export class FakeNl {
  private nextId = 1;
  private readonly waiting = new Map<number, (msg: any) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (msg: any) => {
      const done = this.waiting.get(msg?.id);
      if (done) {
        this.waiting.delete(msg.id);
        done(msg);
      }
    });
  }

  static async start(latencyMs: number, cwd: string): Promise<FakeNl> {
    const child = track(
      fork(join(__dirname, 'fake-nl-child.js'), [], {
        cwd,
        env: { PATH: process.env.PATH ?? '', FAKE_LATENCY_MS: String(latencyMs) },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      }),
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake NL server did not start:\n${stderr}`)), 30_000);
      child.once('exit', (code) => reject(new Error(`fake NL server exited (${code}):\n${stderr}`)));
      child.on('message', (m: any) => {
        if (m?.ready) {
          clearTimeout(timer);
          resolve(m.port);
        }
      });
    });
    return new FakeNl(child, port);
  }

  private send(command: Omit<FakeCommand, 'id'>): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...command, id });
    });
  }

  setLatency(ms: number): Promise<void> {
    return this.send({ cmd: 'latency', ms } as Omit<FakeCommand, 'id'>);
  }

  setOutage(on: boolean): Promise<void> {
    return this.send({ cmd: 'outage', on } as Omit<FakeCommand, 'id'>);
  }

  /** Answer every call with gRPC status `code` (e.g. 14 UNAVAILABLE) until `setOutage(false)`. */
  failWith(code: number): Promise<void> {
    return this.send({ cmd: 'fail', code } as Omit<FakeCommand, 'id'>);
  }

  /** The child's process id, for signals (a real process fault rather than an injected answer). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  async snapshot(): Promise<FakeSnapshot> {
    const msg = await this.send({ cmd: 'stats' });
    return { stats: msg.stats };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    await Promise.race([this.send({ cmd: 'stop' }), new Promise((r) => setTimeout(r, 2_000))]);
  }
}
