/**
 * Sends `POST /feedback` like a real client (an IVR survey backend, the agent desktop): with a
 * unique feedbackId, and on 503/429 with Retry-After — or no reply at all — the same body again
 * after the advised wait, until accepted or the run's deadline. What happened to every rating is
 * kept, so the suite can check that each accepted one is stored exactly once.
 */
import { FeedbackRequest, feedbackIdOf } from '../../runtime/src/feedback/feedback-request';
import { LoadBalancer } from './load-balancer';

export interface FeedbackBody {
  readonly session: string;
  readonly responseId: string;
  readonly feedbackId: string;
  readonly kind: 'thumbs' | 'csat';
  readonly value: string | number;
  readonly comment: string;
  readonly languageCode: string;
}

export interface FeedbackOutcome {
  readonly body: FeedbackBody;
  /** A deliberately hostile record (NUL in the comment): judged separately from the others. */
  readonly poison: boolean;
  readonly firstSentAt: number;
  /** Status of every attempt (0: no reply). */
  readonly statuses: number[];
  /** The stored id from the 202 reply, once accepted. */
  acceptedId?: string;
  acceptedAt?: number;
  /** Replies that are neither 2xx nor a retryable refusal (503/429 with Retry-After): a client could do nothing with them. */
  readonly unretryable: Array<{ readonly status: number; readonly body: string }>;
}

export interface FeedbackSenderOptions {
  /** Retry-After is honoured up to this many ms (the suite runs in seconds, the runtime advises up to 30 s). */
  readonly maxRetryWaitMs: number;
  /** Wait before retrying when no reply came. */
  readonly noReplyWaitMs: number;
}

export class FeedbackSender {
  readonly outcomes: FeedbackOutcome[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private deadline = Infinity;

  constructor(
    private readonly lb: LoadBalancer,
    private readonly options: FeedbackSenderOptions,
  ) {}

  /** Start sending (not awaited: a client does not hold the conversation for its survey). */
  submit(body: FeedbackBody, poison = false): void {
    const outcome: FeedbackOutcome = { body, poison, firstSentAt: Date.now(), statuses: [], unretryable: [] };
    this.outcomes.push(outcome);
    const p = this.send(outcome).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Stop retrying at `deadline` (epoch ms) and wait for every rating to settle. */
  async settle(deadline: number): Promise<void> {
    this.deadline = deadline;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async send(outcome: FeedbackOutcome): Promise<void> {
    for (;;) {
      const reply = await this.lb.post('/feedback', outcome.body);
      outcome.statuses.push(reply.status);
      if (reply.status >= 200 && reply.status < 300) {
        // The id the reply names; without one, the id the runtime derives from the request (the table's key either way).
        let id: string | undefined;
        try {
          id = (JSON.parse(reply.body) as { id?: string }).id;
        } catch {
          // not JSON: fall back to the derived id
        }
        // feedbackIdOf reads session, responseId, feedbackId and kind: all of them are in the body as sent.
        outcome.acceptedId = id ?? feedbackIdOf(outcome.body as unknown as FeedbackRequest);
        outcome.acceptedAt = Date.now();
        return;
      }
      let waitMs: number;
      if (reply.status === 0) {
        waitMs = this.options.noReplyWaitMs;
      } else {
        const retryAfter = Number(reply.headers?.get('retry-after'));
        if (!((reply.status === 503 || reply.status === 429) && Number.isFinite(retryAfter) && retryAfter > 0)) {
          outcome.unretryable.push({ status: reply.status, body: reply.body.slice(0, 200) });
          return;
        }
        waitMs = Math.min(retryAfter * 1000, this.options.maxRetryWaitMs);
      }
      if (Date.now() + waitMs > this.deadline) return;
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
