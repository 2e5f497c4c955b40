import { Conversation, rng } from '../corpus/banking77';

/**
 * A seeded model of how users behave around the bot, for the replay: how well the agent
 * understands each BANKING77 intent, and whether a user rates the conversation afterwards. The
 * text is real (BANKING77); the behaviour is simulated and says so — the replay exists to fill a
 * database the way production traffic would, so the reports can be tried, taught and tested.
 */
export interface SimulatedTurn {
  readonly text: string;
  readonly kind: 'corpus' | 'ack' | 'dtmf' | 'repeat';
  /** Intent display name, absent on a no-match. */
  readonly intent?: string;
  readonly confidence?: number;
  readonly page: string;
}

export interface SimulatedFeedback {
  readonly kind: 'thumbs' | 'csat';
  readonly value: 'up' | 'down' | number;
  readonly comment?: string;
}

/** What the user saw of the conversation, as the replay observed it in the replies. */
export interface ConversationOutcome {
  readonly turns: number;
  readonly noMatchTurns: number;
  readonly repeatedTurns: number;
  readonly escalated: boolean;
}

export class SimulatedUsers {
  private readonly random: () => number;
  /** Per intent: how often the agent misses it. Most intents are learnt well, a few badly. */
  private readonly missRate = new Map<string, number>();

  constructor(
    seed: number,
    private readonly feedbackRate = 0.35,
  ) {
    this.random = rng(seed);
  }

  turns(conversation: Conversation): SimulatedTurn[] {
    let page = 'Start';
    return conversation.turns.map((t) => {
      const category = t.category;
      if (!category || t.kind === 'ack' || t.kind === 'dtmf') return { text: t.text, kind: t.kind, page };
      page = pageOf(category);
      const missed = this.random() < this.missRateOf(category);
      const confidence = missed ? undefined : Math.round((0.35 + 0.65 * Math.sqrt(this.random())) * 100) / 100;
      return { text: t.text, kind: t.kind, page, ...(!missed && { intent: category, confidence }) };
    });
  }

  /** Whether the user rates the conversation, and how: satisfaction falls with what went wrong. */
  feedback(outcome: ConversationOutcome, firstText: string): SimulatedFeedback | undefined {
    if (this.random() >= this.feedbackRate) return undefined;
    const satisfaction = clamp(
      0.9 - (0.6 * outcome.noMatchTurns) / Math.max(1, outcome.turns) - (outcome.escalated ? 0.35 : 0) - 0.15 * outcome.repeatedTurns,
      0.05,
      0.95,
    );
    const happy = this.random() < satisfaction;
    // Unhappy users explain themselves more often; they restate what they came for.
    const comment = this.random() < (happy ? 0.1 : 0.6) ? firstText : undefined;
    if (this.random() < 0.5) return { kind: 'thumbs', value: happy ? 'up' : 'down', comment };
    const csat = happy ? 4 + Math.round(this.random()) : 1 + Math.floor(this.random() * 3);
    return { kind: 'csat', value: csat, comment };
  }

  private missRateOf(category: string): number {
    let rate = this.missRate.get(category);
    if (rate === undefined) {
      // One intent in eight is poorly trained (30-50% misses); the rest miss 2-8% of the time.
      rate = this.random() < 0.125 ? 0.3 + 0.2 * this.random() : 0.02 + 0.06 * this.random();
      this.missRate.set(category, rate);
    }
    return rate;
  }
}

/** The CX page a BANKING77 intent would live on in a banking agent. */
export function pageOf(category: string): string {
  const pages: Array<[RegExp, string]> = [
    [/top_up/, 'Top-ups'],
    [/transfer|beneficiary/, 'Transfers'],
    [/exchange|currency|fiat/, 'Exchange'],
    [/cash|atm/, 'Cash'],
    [/card|pin|contactless/, 'Cards'],
    [/payment|charge|refund|direct_debit/, 'Payments'],
  ];
  return pages.find(([pattern]) => pattern.test(category))?.[1] ?? 'Account';
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
