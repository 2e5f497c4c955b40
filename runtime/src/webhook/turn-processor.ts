import { randomUUID } from 'node:crypto';
import { Logger } from 'pino';
import { HandlerRegistry } from '../handlers/handler-registry';
import { HandlerResult } from '../handlers/handler-types';
import { Budget, Enricher } from '../nlp/enricher';
import { Enrichment } from '../nlp/enrichment-types';
import { SESSION_PARAMETERS, enrichmentParameters } from '../nlp/session-parameters';
import { formParameterValues, parseCxRequest, renderCxResponse } from '../protocol/cx';
import { parseEsRequest, renderEsResponse } from '../protocol/es';
import { JsonValue, Protocol, Turn } from '../protocol/turn';
import { RecordSink } from '../resilience/write-behind-queue';
import { PiiRedactor } from '../security/pii-redaction';
import { RuntimeMetrics } from '../telemetry/metrics';
import { EXPERIMENTS_PARAMETER, ExperimentEngine, Exposure, TurnExperiments } from '../experiments/experiment-engine';
import { ConversationSnapshot, ConversationTracker, ObservedTurn, QUALITY_PARAMETER } from '../quality/conversation-tracker';
import { TurnEvent } from '../storage/turn-event-writer';
import { IdempotencyStore } from './idempotency-store';
import { serializeWithinLimit } from './response-size';

/** A parsed turn, accepted for processing: what the HTTP layer needs before and for the reply. */
export interface AcceptedTurn {
  readonly turn: Turn;
  /** The tag as a metrics label: registered tags as themselves, anything else `unknown` (bounded cardinality). */
  readonly tag: string;
  /**
   * The reply's JSON. A repeated delivery of the turn (same response id and tag) gets the first
   * reply byte for byte and is not logged or scored twice; otherwise the turn runs within the
   * webhook budget counted from `startedAt` (ms since the epoch).
   */
  reply(startedAt: number): Promise<string>;
}

export interface TurnProcessorOptions {
  readonly handlers: HandlerRegistry;
  readonly enricher: Enricher;
  readonly redactor: PiiRedactor;
  readonly metrics: RuntimeMetrics;
  readonly logger: Logger;
  readonly region: string;
  readonly experiments: ExperimentEngine;
  readonly tracker: ConversationTracker;
  /** Durable turn log; absent when no database is configured. */
  readonly events?: RecordSink<TurnEvent>;
  /** Conversation rows (quality per conversation); absent when no database is configured. */
  readonly conversations?: RecordSink<ConversationSnapshot>;
  /** First exposures to experiments; absent when no database is configured. */
  readonly exposures?: RecordSink<Exposure>;
  /** Replies by response id and tag, replayed to repeated deliveries. */
  readonly idempotency: IdempotencyStore;
  /** Time Dialogflow gives a webhook call, minus network; NLP deadlines are cut from it. */
  readonly budgetMs: number;
}

/** Time kept back for serializing and sending the reply after the handler. */
const SEND_RESERVE_MS = 50;

/**
 * One turn, from parsed body to serialized reply: enrich, run the handler, merge parameters,
 * render for the protocol, record. Nothing here throws to the caller: a failing enrichment or
 * handler yields a degraded reply (HTTP 200) so Dialogflow keeps the conversation going.
 */
export class TurnProcessor {
  constructor(private readonly o: TurnProcessorOptions) {}

  /** The one entry point: parse the request body of `protocol` into a turn to reply to. */
  accept(protocol: Protocol, body: Record<string, unknown>): AcceptedTurn {
    const turn = protocol === 'cx' ? parseCxRequest(body) : parseEsRequest(body);
    const { definition, known } = this.o.handlers.resolve(turn.tag);
    // Only handlers with side effects pay for sharing replies across instances (Redis round trips).
    const shared = definition.sideEffects ?? true;
    const key = turn.responseId ? `${protocol}:${turn.responseId}:${turn.tag}` : '';
    return {
      turn,
      tag: known ? turn.tag : 'unknown',
      reply: async (startedAt) => {
        const deadline = startedAt + this.o.budgetMs;
        const budget = { remainingMs: () => deadline - Date.now() };
        const run = () => this.process(turn, budget, startedAt);
        return (await this.o.idempotency.once(key, run, { shared })).body;
      },
    };
  }

  private async process(turn: Turn, budget: Budget, startedAt: number): Promise<string> {
    const experiments = this.o.experiments.evaluate(turn);
    const { definition, known } = this.handlerFor(turn.tag, experiments);
    const tag = known ? turn.tag : 'unknown';
    const reasons: string[] = [];

    let nlp: Enrichment & { textHash?: string };
    try {
      nlp = await this.o.enricher.enrich(turn, definition.features ?? [], budget);
    } catch (error) {
      this.o.logger.error({ err: error, tag }, 'enrichment failed');
      nlp = {
        analysis: { analyzer: 'none' },
        source: 'skipped',
        skippedReason: 'error',
        degraded: true,
        degradedReasons: ['nlp-internal-error'],
      };
    }
    reasons.push(...nlp.degradedReasons);

    let result: HandlerResult = {};
    try {
      const input = { turn, nlp, experiments: experiments.active };
      result = await withDeadline(() => definition.handle(input), budget.remainingMs() - SEND_RESERVE_MS);
    } catch (error) {
      reasons.push(error instanceof HandlerTimeout ? 'handler-timeout' : 'handler-error');
      this.o.logger.error({ err: error instanceof HandlerTimeout ? undefined : error, tag }, 'handler failed; replying without it');
    }

    const escalated = result.liveAgentHandoff !== undefined;
    const quality = this.o.tracker.observe(turn, tag, {
      sentiment: nlp.analysis.sentiment?.score,
      escalated,
      ended: escalated || END_SESSION.test(result.targetPage ?? ''),
      experiments: experiments.membership,
    });

    const parameters: Record<string, JsonValue> = {
      ...enrichmentParameters(nlp),
      // The variant's parameters first: a handler can still override them deliberately.
      ...experiments.parameters,
      // A form verdict clears or replaces the parameter's session copy; a handler's own parameters still win.
      ...(turn.protocol === 'cx' && formParameterValues(result.formParameters)),
      ...(result.parameters ?? {}),
      [QUALITY_PARAMETER]: quality.parameter,
      ...(Object.keys(experiments.membership).length > 0 && { [EXPERIMENTS_PARAMETER]: experiments.membership }),
      [SESSION_PARAMETERS.degraded]: reasons.length > 0,
      [SESSION_PARAMETERS.degradedReasons]: reasons,
    };
    const reply = { ...result, degraded: reasons.length > 0, degradedReasons: reasons };
    const { json, truncated } = serializeWithinLimit(
      (messages, params) =>
        turn.protocol === 'cx' ? renderCxResponse({ ...reply, messages }, params) : renderEsResponse({ ...reply, messages }, turn, params),
      result.messages,
      parameters,
    );
    if (truncated) reasons.push('response-truncated');
    for (const reason of reasons) this.o.metrics.degradedReplies.inc({ reason });
    this.record(turn, tag, nlp, reasons, Date.now() - startedAt, quality, experiments, escalated);
    return json;
  }

  /** The tag's handler, or the one an experiment's variant puts in its place. */
  private handlerFor(tag: string, experiments: TurnExperiments) {
    const own = this.o.handlers.resolve(tag);
    if (!experiments.handler) return own;
    const replacement = this.o.handlers.resolve(experiments.handler);
    if (replacement.known) return { definition: replacement.definition, known: own.known };
    // A typo in the experiments file must not break the conversation: run the tag's own handler.
    this.o.logger.warn({ handler: experiments.handler, tag }, "experiment variant names an unregistered handler; using the tag's own");
    return own;
  }

  private record(
    turn: Turn,
    tag: string,
    nlp: Enrichment,
    reasons: string[],
    latencyMs: number,
    quality: ObservedTurn,
    experiments: TurnExperiments,
    escalated: boolean,
  ): void {
    const sentimentScore = nlp.analysis.sentiment?.score;
    const { metrics, logger, region } = this.o;
    const conversation = quality.conversation;
    logger.info(
      {
        event: 'webhook.turn',
        tag,
        protocol: turn.protocol,
        degraded: reasons.length > 0,
        degradedReasons: reasons,
        noMatch: turn.noMatch,
        sentimentScore,
        nlpSource: nlp.source,
        latencyMs,
        region,
        qualityScore: quality.turnScore,
        conversationQualityScore: quality.conversationScore,
        experiments: experiments.membership,
      },
      'turn',
    );
    if (quality.turnScore !== undefined) metrics.turnQuality.observe({ tag }, quality.turnScore);
    if (quality.turnComponents.understanding === 0) metrics.qualitySignals.inc({ signal: 'no_match' });
    if (quality.lowConfidence) metrics.qualitySignals.inc({ signal: 'low_confidence' });
    if (quality.repeated) metrics.qualitySignals.inc({ signal: 'repeated' });
    if (escalated) metrics.qualitySignals.inc({ signal: 'escalated' });
    if (quality.endedNow && quality.conversationScore !== undefined) {
      metrics.conversationQuality.observe(quality.conversationScore);
      logger.info(
        {
          event: 'conversation.ended',
          qualityScore: quality.conversationScore,
          turns: conversation.turns,
          escalated: conversation.escalated,
          region,
        },
        'conversation ended',
      );
    }
    for (const exposure of experiments.exposures) {
      metrics.experimentExposures.inc({ experiment: exposure.experimentId, variant: exposure.variant });
      logger.info({ event: 'experiment.exposure', experiment: exposure.experimentId, variant: exposure.variant, region }, 'exposure');
      this.o.exposures?.enqueue(exposure);
    }
    // A call without a session (a malformed or test request) has no conversation to store.
    if (turn.session) this.o.conversations?.enqueue(conversation);
    this.o.events?.enqueue({
      id: randomUUID(),
      createdAt: new Date(),
      sessionId: turn.session,
      responseId: turn.responseId,
      protocol: turn.protocol,
      tag,
      languageCode: turn.languageCode,
      intent: turn.intent?.displayName,
      page: turn.page?.displayName,
      textRedacted: this.o.redactor.redact(turn.text).slice(0, 2_000),
      sentimentScore,
      noMatch: turn.noMatch,
      degraded: reasons.length > 0,
      degradedReasons: reasons,
      nlpSource: nlp.source,
      latencyMs,
      region,
      intentConfidence: turn.intent?.confidence,
      repeated: quality.repeated,
      lowConfidence: quality.lowConfidence,
      escalated,
      qualityScore: quality.turnScore,
      experiments: experiments.membership,
    });
  }
}

/** CX's built-in page that ends the session. */
const END_SESSION = /\/pages\/END_SESSION$/;

class HandlerTimeout extends Error {}

/**
 * `work`'s result, or HandlerTimeout when it is not there within `ms` (or no time is left at all).
 * A handler that answers synchronously (the reference ones do) has answered in time: no timer and
 * no race are set up for it — a timer and four promises per turn otherwise.
 */
async function withDeadline<T>(work: () => T | Promise<T>, ms: number): Promise<T> {
  const result = work();
  if (ms <= 0) throw new HandlerTimeout();
  if (typeof (result as { then?: unknown } | undefined)?.then !== 'function') return result as T;
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeout()), ms);
  });
  return Promise.race([Promise.resolve(result), deadline]).finally(() => clearTimeout(timer));
}
