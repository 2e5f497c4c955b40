import { Logger } from 'pino';
import { Enricher } from '../nlp/enricher';
import { WriteBehindQueue } from '../resilience/write-behind-queue';
import { PiiRedactor } from '../security/pii-redaction';
import { FeedbackRecord } from '../storage/feedback-writer';
import { RuntimeMetrics } from '../telemetry/metrics';
import { FeedbackRequest, feedbackIdOf, scoresOf } from './feedback-request';

export interface FeedbackServiceOptions {
  readonly enricher: Enricher;
  readonly redactor: PiiRedactor;
  /** Durable store; absent when the runtime has no database (feedback is then refused, not lost). */
  readonly queue?: WriteBehindQueue<FeedbackRecord>;
  readonly metrics: RuntimeMetrics;
  readonly logger: Logger;
  readonly region: string;
  /** Longest time the comment's analysis may take; the rating is stored either way. */
  readonly analysisBudgetMs: number;
}

export type FeedbackOutcome =
  | { readonly status: 'accepted'; readonly id: string }
  | { readonly status: 'unavailable'; readonly reason: string; readonly retryAfterSeconds: number };

/**
 * Accepts a rating: redacts the comment, analyses the redacted text (sentiment and entities,
 * through the same enricher, cache and breaker as the webhook, so personal data never reaches
 * the API) and queues the record for the database. The queue keeps it through a database
 * outage and writes it when the database returns; the id makes every write idempotent. Only a
 * full queue refuses a rating (503 with Retry-After, so the client retries): it is never dropped
 * after being accepted.
 */
export class FeedbackService {
  constructor(private readonly o: FeedbackServiceOptions) {}

  async submit(request: FeedbackRequest, receivedAt = new Date()): Promise<FeedbackOutcome> {
    const queue = this.o.queue;
    if (!queue) return { status: 'unavailable', reason: 'feedback storage is not configured (DATABASE_MODE=off)', retryAfterSeconds: 3600 };
    if (queue.full) {
      return { status: 'unavailable', reason: 'feedback queue is full while the database is unavailable', retryAfterSeconds: 30 };
    }
    const { score, normalized } = scoresOf(request);
    const comment = request.comment?.trim() ? this.o.redactor.redact(request.comment.trim()) : undefined;
    const analysis = comment ? await this.analyse(comment, request) : undefined;
    const record: FeedbackRecord = {
      id: feedbackIdOf(request),
      receivedAt,
      sessionId: request.session,
      responseId: request.responseId,
      kind: request.kind,
      score,
      normalizedScore: normalized,
      commentRedacted: comment,
      commentSentiment: analysis?.sentiment?.score,
      commentEntities: [...new Set((analysis?.entities ?? []).map((e) => e.name.toLowerCase()))].slice(0, 20),
      languageCode: request.languageCode,
      region: this.o.region,
    };
    queue.enqueue(record);
    this.o.metrics.feedbackReceived.inc({ kind: request.kind, value: String(request.value) });
    this.o.logger.info(
      {
        event: 'feedback.received',
        kind: request.kind,
        score,
        normalizedScore: normalized,
        hasComment: comment !== undefined,
        commentSentiment: record.commentSentiment,
        languageCode: request.languageCode,
        region: this.o.region,
      },
      'feedback',
    );
    return { status: 'accepted', id: record.id };
  }

  private async analyse(comment: string, request: FeedbackRequest) {
    const deadline = Date.now() + this.o.analysisBudgetMs;
    try {
      const enrichment = await this.o.enricher.enrich(
        {
          protocol: 'cx',
          tag: 'feedback',
          session: request.session,
          responseId: '',
          text: comment,
          inputKind: 'text',
          languageCode: request.languageCode,
          parameters: {},
          noMatch: false,
        },
        ['sentiment', 'entities'],
        { remainingMs: () => deadline - Date.now() },
      );
      return enrichment.analysis;
    } catch (error) {
      this.o.logger.warn({ err: error }, 'feedback comment analysis failed; storing the rating without it');
      return undefined;
    }
  }
}
