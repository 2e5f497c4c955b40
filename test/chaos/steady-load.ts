/**
 * The steady replayed load of a chaos scenario: `users` simulated Dialogflow conversations at
 * once, each replaying BANKING77 turns as CX webhook requests (the session parameters of one
 * reply carried into the next request, as CX does) with a think time between turns, and after
 * every `feedbackEvery`-th conversation a rating of its last turn through `POST /feedback`.
 * Every turn is recorded with its start, end, status and whether the reply was degraded, so the
 * hypotheses can be judged per phase of the scenario.
 */
import { Conversation } from '../../tools/corpus/banking77';
import { Parameters, mergeReplyParameters } from '../../tools/corpus/cx-session-parameters';
import { cxWebhookRequest } from '../bench/runtime/cx-request';
import { FeedbackSender } from './feedback-sender';
import { LoadBalancer } from './load-balancer';

export interface TurnSample {
  readonly start: number;
  readonly end: number;
  /** HTTP status; 0 when no instance replied. */
  readonly status: number;
  readonly degraded: boolean;
  readonly reasons: string[];
  readonly instance: string;
  readonly failovers: number;
  readonly poison: boolean;
  readonly error?: string;
}

export interface SteadyLoadOptions {
  readonly runId: string;
  readonly conversations: readonly Conversation[];
  /** Index of the first conversation to replay (scenarios continue through the corpus instead of replaying the same texts). */
  readonly firstConversation: number;
  readonly users: number;
  readonly thinkMs: number;
  readonly feedbackEvery: number;
}

interface CxReply {
  sessionInfo?: { parameters?: { webhook_degraded?: boolean; webhook_degraded_reasons?: string[] } };
}

export class SteadyLoad {
  readonly turns: TurnSample[] = [];
  private stopped = false;
  private nextConversation: number;
  private nextResponse = 0;
  private nextFeedback = 0;
  private users: Promise<void>[] = [];

  constructor(
    private readonly lb: LoadBalancer,
    readonly feedback: FeedbackSender,
    private readonly o: SteadyLoadOptions,
  ) {
    this.nextConversation = o.firstConversation;
  }

  /** Conversations started so far (the next scenario starts after them). */
  get conversationsUsed(): number {
    return this.nextConversation;
  }

  start(): void {
    this.users = Array.from({ length: this.o.users }, (_, i) => this.user(i));
  }

  /** Stop starting turns; resolves when every user's current turn is answered. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.users);
  }

  /**
   * One hostile turn and one hostile rating, as a buggy or malicious client could send: a NUL
   * character in the text and comment (Postgres refuses it in text) and an intent confidence of
   * 1e300 (beyond the `real` column). Both are well-formed JSON that the runtime must either
   * refuse or store without blocking everyone else's writes.
   */
  async injectPoison(): Promise<void> {
    const session = `${this.o.runId}-poison`;
    const responseId = `${this.o.runId}-poison-r`;
    const body = cxWebhookRequest(
      { kind: 'corpus', text: 'my card\u0000 was declined', category: 'declined_card_payment' },
      session,
      responseId,
      {},
    );
    (body.intentInfo as { confidence: number }).confidence = 1e300;
    await this.sendTurn(body, true);
    this.feedback.submit(
      {
        session: (body.sessionInfo as { session: string }).session,
        responseId,
        feedbackId: `${this.o.runId}-poison-f`,
        kind: 'csat',
        value: 1,
        comment: 'the app\u0000 froze',
        languageCode: 'en',
      },
      true,
    );
  }

  private async user(index: number): Promise<void> {
    // Spread the users' first turns over one think time, as independent callers would arrive.
    await sleep((this.o.thinkMs * index) / this.o.users);
    while (!this.stopped) {
      const n = this.nextConversation++;
      const conversation = this.o.conversations[n % this.o.conversations.length];
      const session = `${this.o.runId}-c${n}`;
      let parameters: Parameters = {};
      let lastAnswered: { responseId: string; session: string; text: string } | undefined;
      for (const turn of conversation.turns) {
        if (this.stopped) break;
        const responseId = `${this.o.runId}-r${this.nextResponse++}`;
        const body = cxWebhookRequest(turn, session, responseId, parameters);
        const reply = await this.sendTurn(body, false);
        if (reply.status === 200) {
          parameters = mergeReplyParameters(parameters, reply.body);
          lastAnswered = { responseId, session: (body.sessionInfo as { session: string }).session, text: turn.text };
        }
        await sleep(this.o.thinkMs);
      }
      if (lastAnswered && n % this.o.feedbackEvery === 0) {
        const f = this.nextFeedback++;
        this.feedback.submit({
          session: lastAnswered.session,
          responseId: lastAnswered.responseId,
          feedbackId: `${this.o.runId}-f${f}`,
          kind: f % 2 === 0 ? 'thumbs' : 'csat',
          value: f % 2 === 0 ? (f % 4 === 0 ? 'up' : 'down') : 1 + (f % 5),
          comment: lastAnswered.text,
          languageCode: 'en',
        });
      }
    }
  }

  private async sendTurn(body: Record<string, unknown>, poison: boolean) {
    const start = Date.now();
    const reply = await this.lb.post('/webhook/cx', body);
    let degraded = false;
    let reasons: string[] = [];
    if (reply.status === 200) {
      try {
        const parameters = (JSON.parse(reply.body) as CxReply).sessionInfo?.parameters;
        degraded = parameters?.webhook_degraded === true;
        reasons = parameters?.webhook_degraded_reasons ?? [];
      } catch {
        degraded = true;
        reasons = ['reply-not-json'];
      }
    }
    this.turns.push({
      start,
      end: Date.now(),
      status: reply.status,
      degraded,
      reasons,
      instance: reply.instance,
      failovers: reply.failovers,
      poison,
      ...(reply.error && { error: reply.error }),
    });
    return reply;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
