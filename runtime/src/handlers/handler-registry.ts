import { Feature } from '../nlp/enrichment-types';
import { HandlerInput, HandlerResult } from './handler-types';

/** A fulfillment handler: which NLP features it needs, and what it does with the turn. */
export interface HandlerDefinition {
  /** Features analyzed before `handle` runs; only these are billed. @default none */
  readonly features?: readonly Feature[];
  /**
   * The handler changes something outside the reply (a ticket, a payment, a counter in a
   * database), so a turn delivered twice must not run it twice on any instance: its replies are
   * shared through Redis per `detectIntentResponseId` + tag and replayed. Every reply is replayed
   * on the instance that made it anyway; a handler whose reply depends only on the request and
   * its enrichment can say false and skip the cross-instance bookkeeping (two Redis round trips).
   * @default true
   */
  readonly sideEffects?: boolean;
  handle(input: HandlerInput): HandlerResult | Promise<HandlerResult>;
}

/**
 * Handlers by fulfillment tag (CX) or action (ES). A tag without a handler falls back to the
 * `default` handler, which by default enriches nothing and says nothing — the agent's own
 * static fulfillment plays — so an agent deployed ahead of its webhook code still works.
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, HandlerDefinition>();

  constructor() {
    this.handlers.set('default', { sideEffects: false, handle: () => ({}) });
  }

  register(tag: string, definition: HandlerDefinition): this {
    if (!/^[\w.:-]{1,100}$/.test(tag)) throw new Error(`handler tag "${tag}" must be 1-100 letters, digits, "_", ".", ":" or "-"`);
    this.handlers.set(tag, definition);
    return this;
  }

  /** The handler for `tag` and whether it was found (metrics label unknown tags as `unknown`). */
  resolve(tag: string): { definition: HandlerDefinition; known: boolean } {
    const found = this.handlers.get(tag);
    return found ? { definition: found, known: true } : { definition: this.handlers.get('default')!, known: false };
  }

  get tags(): string[] {
    return [...this.handlers.keys()];
  }
}
