/**
 * The load generator's view of the instances, as a load balancer in front of them would have
 * it: requests go round-robin; a connection refused (the instance is gone) or a connection
 * closed before any reply byte (it shut down under the request) sends the request to the other
 * instance at once and takes the refusing one out of rotation for a moment — the retry policy
 * of Envoy's `connect-failure,reset` or Google's load balancers on a backend connection failure.
 * Both routes are safe to retry: webhook turns are idempotent on detectIntentResponseId + tag,
 * feedback on its feedbackId.
 */

export interface Backend {
  readonly name: string;
  readonly url: string;
}

export interface Reply {
  /** HTTP status; 0 when no instance replied (every attempt failed or timed out). */
  readonly status: number;
  readonly body: string;
  readonly headers: Headers | undefined;
  /** The instance that answered (or the last one tried). */
  readonly instance: string;
  /** Attempts sent to another instance after a refused or reset connection. */
  readonly failovers: number;
  /** Why no reply came, when status is 0. */
  readonly error?: string;
}

/** How long a refusing instance is out of rotation before it is tried again. */
const EJECT_MS = 1_000;

function failoverReason(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code;
  // ECONNREFUSED: nothing listens. ECONNRESET / UND_ERR_SOCKET: the connection was closed before a reply.
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return code;
  return undefined;
}

export class LoadBalancer {
  private next = 0;
  private readonly ejectedUntil = new Map<string, number>();

  constructor(
    private readonly backends: readonly Backend[],
    private readonly headers: Record<string, string>,
    /** Longest wait for a reply; Dialogflow CX itself gives up at 5 s by default (30 s at most). */
    private readonly timeoutMs: number,
  ) {}

  async post(path: string, body: unknown): Promise<Reply> {
    const payload = JSON.stringify(body);
    const order = this.order();
    let failovers = 0;
    let lastError = '';
    for (const backend of order) {
      try {
        const res = await fetch(`${backend.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.headers },
          body: payload,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.text();
        return { status: res.status, body: text, headers: res.headers, instance: backend.name, failovers };
      } catch (error) {
        const reason = failoverReason(error);
        lastError = reason ?? ((error as Error).name === 'TimeoutError' ? `no reply within ${this.timeoutMs} ms` : String(error));
        if (!reason) return { status: 0, body: '', headers: undefined, instance: backend.name, failovers, error: lastError };
        this.ejectedUntil.set(backend.name, Date.now() + EJECT_MS);
        failovers += 1;
      }
    }
    return { status: 0, body: '', headers: undefined, instance: order[order.length - 1]?.name ?? '', failovers, error: lastError };
  }

  /** Healthy backends first (round-robin), then ejected ones as a last resort. */
  private order(): Backend[] {
    const start = this.next++ % this.backends.length;
    const rotated = [...this.backends.slice(start), ...this.backends.slice(0, start)];
    const now = Date.now();
    const healthy = rotated.filter((b) => (this.ejectedUntil.get(b.name) ?? 0) <= now);
    return [...healthy, ...rotated.filter((b) => !healthy.includes(b))];
  }
}
