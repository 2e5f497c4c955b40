import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, waitFor } from './local-servers';

/** One span as the receiver decoded it from the wire. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly startNs: number;
  readonly endNs: number;
  readonly attributes: Record<string, unknown>;
  readonly statusCode: number;
  readonly resource: Record<string, unknown>;
  /** Whether the export carried an Authorization header. */
  readonly authorization: boolean;
}

const ROOT = join(__dirname, '..', '..', '..');
const PYTHON = join(ROOT, '.venv-otlp', 'bin', 'python');

/**
 * A real OTLP/HTTP receiver (support/otlp-receiver/receiver.py): decodes protobuf exports with the
 * OpenTelemetry project's generated classes, the format the Telemetry API (Cloud Trace) takes.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];

  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} missing: run bash scripts/ensure-otlp-receiver.sh (npm test's pretest does)`);
    const port = await freePort();
    const child = spawn(PYTHON, [join(__dirname, 'otlp-receiver', 'receiver.py'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const receiver = new OtlpReceiver(port, child);
    let ready = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('listening ')) ready = true;
      else receiver.spans.push(JSON.parse(line) as ReceivedSpan);
    });
    await waitFor(() => ready, `OTLP receiver on ${port}`);
    return receiver;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
