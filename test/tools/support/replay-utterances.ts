import { Utterance } from '../../../tools/corpus/banking77';

/**
 * A small banking customer-service vocabulary written for the replay tests, so they run where
 * the BANKING77 corpus (../shared/corpora, outside the repository) is not present, e.g. a fresh
 * CI machine. Several intents, calm and angry phrasings (the escalation handler must have
 * something to react to), and a few with amounts and dates.
 */
const BY_INTENT: Record<string, string[]> = {
  card_arrival: [
    'My new card has not arrived yet',
    'When will my card be delivered?',
    'It has been two weeks and still no card, this is terrible',
    'I ordered a card on 2026-11-02 and nothing came',
  ],
  card_payment_declined: [
    'My card payment was declined at the supermarket',
    'Why was my card declined again? I hate this',
    'The shop refused my card for $45',
    'Awful, my card keeps getting declined',
  ],
  transfer_not_received: [
    'The money I sent has not reached my friend',
    'My transfer of €200 is still missing',
    'Where is my transfer? This is ridiculous and awful',
    'How long does a transfer to another bank take?',
  ],
  top_up_failed: [
    'My top up failed',
    'I tried to top up with my card but it did not work',
    'Top up keeps failing, terrible app',
    'Why did my top up of £20 fail?',
  ],
  exchange_rate: [
    'What exchange rate do you use?',
    'The exchange rate on my payment looks wrong',
    'Why is the rate so bad? I hate these fees',
  ],
  cash_withdrawal_charge: [
    'Why was I charged for taking cash out?',
    'The ATM fee is too high, awful',
    'Is there a fee for cash withdrawals abroad?',
  ],
  lost_or_stolen_card: [
    'I lost my card',
    'My card was stolen yesterday, please block it',
    'Someone stole my wallet and my card is gone, this is terrible',
  ],
  refund_not_showing: [
    'My refund is not showing up',
    'The shop says they refunded me $30 but I do not see it',
    'Still no refund after a week, I hate waiting',
  ],
};

export const REPLAY_UTTERANCES: Utterance[] = Object.entries(BY_INTENT).flatMap(([category, texts]) =>
  texts.map((text) => ({ text, category })),
);
