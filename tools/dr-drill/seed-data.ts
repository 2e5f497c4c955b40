import { Exposure } from '../../runtime/src/experiments/experiment-engine';
import { ConversationSnapshot } from '../../runtime/src/quality/conversation-tracker';
import { DEFAULT_QUALITY_WEIGHTS } from '../../runtime/src/quality/quality-score';
import { writeConversations } from '../../runtime/src/storage/conversation-writer';
import { Database } from '../../runtime/src/storage/database';
import { writeExposures } from '../../runtime/src/storage/exposure-writer';
import { FeedbackRecord, writeFeedback } from '../../runtime/src/storage/feedback-writer';
import { ensureMonthlyPartitions } from '../../runtime/src/storage/migrations';
import { writeTurnEvents } from '../../runtime/src/storage/turn-event-writer';
import { TurnEvent } from '../../runtime/src/storage/turn-event-writer';

/**
 * Fills a database the way the runtime does: through its own writers (turn log, conversations
 * with their quality scores, feedback that rescores them, experiment exposures), over several
 * months so the turn log spans several monthly partitions plus the DEFAULT one. Deterministic for
 * a seed, so a drill's figures are comparable run to run.
 */
export interface SeedOptions {
  /** Conversations to write; each has 2-8 turns. */
  readonly conversations: number;
  /** Months back from `now` the conversations are spread over (the turn log's partitions). */
  readonly months: number;
  readonly seed: number;
  readonly now: Date;
}

export interface SeedResult {
  readonly conversations: number;
  readonly turns: number;
  readonly feedback: number;
  readonly exposures: number;
}

/** Redacted banking-support turns, the kind the webhook stores (PII already masked as the redactor does). */
const UTTERANCES: ReadonlyArray<[string, string]> = [
  ['card_arrival', 'When will my new card arrive? I ordered it last week'],
  ['card_not_working', 'My card [CARD_NUMBER] keeps getting declined at the shop'],
  ['lost_or_stolen_card', 'I think my card was stolen, please block it'],
  ['transfer_not_received_by_recipient', 'I sent money to [PERSON_NAME] but they have not received it'],
  ['exchange_rate', 'What exchange rate do you use for euro payments?'],
  ['top_up_failed', 'My top up failed twice, why?'],
  ['pending_card_payment', 'There is a pending payment on my card from yesterday'],
  ['change_pin', 'How do I change my PIN?'],
  ['balance_not_updated_after_bank_transfer', 'My balance did not update after the transfer'],
  ['request_refund', 'I want a refund for a payment I did not make'],
  ['verify_my_identity', 'Why do you need to verify my identity again?'],
  ['cash_withdrawal_charge', 'Was I charged for withdrawing cash at [LOCATION]?'],
];
const REGIONS = ['us-central1', 'europe-west1', 'asia-northeast1'];
const FLOWS = ['cards', 'payments', 'account'];
const COMMENTS = ['Quick and helpful', 'It did not understand me', 'Took too long to get to a person', 'Great, thanks'];

/** Small deterministic PRNG (mulberry32): the same seed writes the same rows. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seedConversations(db: Database, options: SeedOptions): Promise<SeedResult> {
  const rand = random(options.seed);
  const pick = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(rand() * xs.length)];
  const spanMs = options.months * 30 * 86_400_000;
  // Partitions for every month the data spans, as the runtime's start-up would have created them
  // over time (migrate() only creates the current month and the next two).
  const oldest = new Date(options.now.getTime() - spanMs);
  await ensureMonthlyPartitions(db, 'turn_events', oldest, options.months + 1);

  let turns = 0;
  const feedback: FeedbackRecord[] = [];
  const exposures: Exposure[] = [];
  for (let batchStart = 0; batchStart < options.conversations; batchStart += 50) {
    const events: TurnEvent[] = [];
    const snapshots: ConversationSnapshot[] = [];
    for (let c = batchStart; c < Math.min(options.conversations, batchStart + 50); c++) {
      const sessionId = `projects/convai/locations/global/agents/a1/sessions/drill-${options.seed}-${c}`;
      const startedAt = new Date(oldest.getTime() + Math.floor(rand() * spanMs));
      const region = pick(REGIONS);
      const variant = rand() < 0.5 ? 'control' : 'treatment';
      const experiments = { 'nlp-fallback-threshold': variant };
      const count = 2 + Math.floor(rand() * 7);
      let noMatch = 0;
      let lowConfidence = 0;
      const sentiments: number[] = [];
      let last: [string, string] = UTTERANCES[0];
      for (let t = 0; t < count; t++) {
        const [intent, text] = (last = pick(UTTERANCES));
        const confidence = Math.round(rand() * 1000) / 1000;
        const isNoMatch = rand() < 0.08;
        const sentiment = Math.round((rand() * 2 - 1) * 100) / 100;
        noMatch += isNoMatch ? 1 : 0;
        lowConfidence += confidence < 0.5 ? 1 : 0;
        sentiments.push(sentiment);
        events.push({
          id: `${sessionId}/turn-${t}`,
          createdAt: new Date(startedAt.getTime() + t * 20_000),
          sessionId,
          responseId: `resp-${options.seed}-${c}-${t}`,
          protocol: 'cx',
          tag: t === 0 ? 'welcome' : 'enrich',
          languageCode: 'en',
          intent: isNoMatch ? undefined : intent,
          page: `${pick(FLOWS)}/start`,
          textRedacted: text,
          sentimentScore: sentiment,
          noMatch: isNoMatch,
          degraded: rand() < 0.02,
          degradedReasons: [],
          nlpSource: rand() < 0.7 ? 'api' : 'cache',
          latencyMs: 40 + Math.floor(rand() * 400),
          region,
          intentConfidence: isNoMatch ? undefined : confidence,
          repeated: t > 0 && rand() < 0.05,
          lowConfidence: confidence < 0.5,
          escalated: t === count - 1 && rand() < 0.1,
          qualityScore: Math.round(rand() * 1000) / 1000,
          experiments,
        });
      }
      turns += count;
      const updatedAt = new Date(startedAt.getTime() + (count - 1) * 20_000);
      snapshots.push({
        sessionId,
        startedAt,
        updatedAt,
        languageCode: 'en',
        firstTag: 'welcome',
        lastTag: 'enrich',
        lastIntent: last[0],
        lastPage: `${pick(FLOWS)}/start`,
        flow: pick(FLOWS),
        environment: 'drill',
        turns: count,
        noMatchTurns: noMatch,
        lowConfidenceTurns: lowConfidence,
        repeatedTurns: 0,
        escalated: false,
        ended: rand() < 0.8,
        sentimentFirst: sentiments[0],
        sentimentLast: sentiments[sentiments.length - 1],
        sentimentMean: Math.round((sentiments.reduce((a, b) => a + b, 0) / count) * 1000) / 1000,
        expectedTurns: 4,
        components: { understanding: 1 - noMatch / count, sentiment: (sentiments[count - 1] + 1) / 2 },
        experiments,
      });
      exposures.push({ experimentId: 'nlp-fallback-threshold', sessionId, variant, configVersion: 3, exposedAt: startedAt });
      if (rand() < 0.3) {
        const thumbs = rand() < 0.5;
        const score = thumbs ? (rand() < 0.7 ? 1 : 0) : 1 + Math.floor(rand() * 5);
        feedback.push({
          id: `fb-${options.seed}-${c}`,
          receivedAt: new Date(updatedAt.getTime() + 60_000),
          sessionId,
          responseId: `resp-${options.seed}-${c}-${count - 1}`,
          kind: thumbs ? 'thumbs' : 'csat',
          score,
          normalizedScore: thumbs ? score : (score - 1) / 4,
          commentRedacted: rand() < 0.5 ? pick(COMMENTS) : undefined,
          commentSentiment: Math.round((rand() * 2 - 1) * 100) / 100,
          commentEntities: rand() < 0.5 ? ['card'] : [],
          languageCode: 'en',
          region,
        });
      }
    }
    await writeTurnEvents(db, events);
    await writeConversations(db, snapshots, DEFAULT_QUALITY_WEIGHTS);
  }
  // Feedback rescores its conversations, so it is written after them (as in production, where it
  // arrives after the turns it rates).
  for (let i = 0; i < feedback.length; i += 100) await writeFeedback(db, feedback.slice(i, i + 100), DEFAULT_QUALITY_WEIGHTS);
  for (let i = 0; i < exposures.length; i += 200) await writeExposures(db, exposures.slice(i, i + 200));
  return { conversations: options.conversations, turns, feedback: feedback.length, exposures: exposures.length };
}
