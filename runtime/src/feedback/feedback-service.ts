import { Logger } from 'pino';
import { Enricher } from '../nlp/enricher';
import { PiiRedactor } from '../security/pii-redaction';
import { FeedbackRecord } from '../storage/feedback-writer';
import { sqlState } from '../storage/postgres-refusal';
import { RuntimeMetrics } from '../telemetry/metrics';
import { FeedbackRequest, feedbackIdOf, scoresOf } from './feedback-request';

export interface FeedbackServiceOptions {
  readonly enricher: Enricher;
  readonly redactor: PiiRedactor;
  /**
   * Commits one record (an idempotent upsert by id); absent when the runtime has no database
   * (feedback is then refused, not lost). Throws when the store is down or refuses the record.
   */
  readonly store?: (record: FeedbackRecord) => Promise<void>;
  /** Whether a store error is the record's fault (retrying cannot help), not the store's. */
  readonly isRefusal: (error: unknown) => boolean;
  readonly metrics: RuntimeMetrics;
  readonly logger: Logger;
  readonly region: string;
  /** Longest time the comment's analysis may take; the rating is stored either way. */
  readonly analysisBudgetMs: number;
  /** Longest wait for the commit; past it the caller is told to retry (503). */
  readonly writeDeadlineMs: number;
}

export type FeedbackOutcome =
  | { readonly status: 'stored'; readonly id: string }
  | { readonly status: 'unavailable'; readonly reason: string; readonly retryAfterSeconds: number }
  | { readonly status: 'refused'; readonly reason: string };

/** Retry-After when the database is down or slow: long enough not to hammer it, short enough that a user's rating lands soon. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Accepts a rating: redacts the comment, analyses the redacted text (sentiment and entities,
 * through the same enricher, cache and breaker as the webhook, so personal data never reaches
 * the API) and commits the record before answering. A success therefore means the rating is in
 * the database — nothing is held in this instance's memory, which a Cloud Run instance loses when
 * it is stopped. When the database is down or does not commit within `writeDeadlineMs`, the
 * answer is "unavailable" (503 with Retry-After): the client retries the same request, and since
 * the write is an upsert by id, a commit that landed after the deadline and its retry still make
 * one row.
 */
export class FeedbackService {
  constructor(private readonly o: FeedbackServiceOptions) {}

  async submit(request: FeedbackRequest, receivedAt = new Date()): Promise<FeedbackOutcome> {
    const store = this.o.store;
    if (!store) return { status: 'unavailable', reason: 'feedback storage is not configured (DATABASE_MODE=off)', retryAfterSeconds: 3600 };
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
    const failure = await this.commit(store, record);
    if (failure) return failure;
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
    return { status: 'stored', id: record.id };
  }

  /** Store the record within the deadline; the outcome to answer when that failed. */
  private async commit(store: (record: FeedbackRecord) => Promise<void>, record: FeedbackRecord): Promise<FeedbackOutcome | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const write = store(record);
    // Past the deadline nobody awaits the write any more; it may still commit, which the retry's upsert absorbs.
    write.catch(() => undefined);
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.o.writeDeadlineMs)));
    try {
      if ((await Promise.race([write, deadline])) !== 'timeout') return undefined;
      this.o.metrics.feedbackWriteFailures.inc({ reason: 'timeout' });
      this.o.logger.warn(
        { event: 'feedback.unavailable', reason: 'timeout', deadlineMs: this.o.writeDeadlineMs },
        'feedback not committed in time',
      );
      return {
        status: 'unavailable',
        reason: 'the database did not commit in time; retry with the same body',
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      };
    } catch (error) {
      if (this.o.isRefusal(error)) {
        this.o.metrics.feedbackWriteFailures.inc({ reason: 'refused' });
        // Code and message only: a driver error's other fields can quote the (user-written) values.
        this.o.logger.error(
          { event: 'feedback.refused', code: sqlState(error), reason: error instanceof Error ? error.message : String(error) },
          'the database refused a feedback record',
        );
        return { status: 'refused', reason: `the database refused this rating: ${error instanceof Error ? error.message : String(error)}` };
      }
      this.o.metrics.feedbackWriteFailures.inc({ reason: 'unavailable' });
      this.o.logger.warn({ event: 'feedback.unavailable', reason: 'error', err: error }, 'feedback not stored: database unavailable');
      return {
        status: 'unavailable',
        reason: 'the database is unavailable; retry with the same body',
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      };
    } finally {
      clearTimeout(timer);
    }
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
