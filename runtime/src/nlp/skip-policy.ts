import { Turn } from '../protocol/turn';

export interface SkipPolicyOptions {
  /** Texts shorter than this (after trimming) add nothing to analyze. */
  readonly minChars: number;
  /** Skip acknowledgements like "yes", "no", "ok", "thanks". */
  readonly shortReplies: boolean;
  /** Skip a text identical to the previous analyzed text of the same session. */
  readonly repeats: boolean;
}

/** Replies whose sentiment and entities say nothing new; billed like any text if analyzed. */
const SHORT_REPLIES = new Set([
  'yes',
  'no',
  'y',
  'n',
  'ok',
  'okay',
  'k',
  'yeah',
  'yep',
  'yup',
  'nope',
  'nah',
  'sure',
  'fine',
  'right',
  'thanks',
  'thank you',
  'thx',
  'ty',
  'hi',
  'hello',
  'hey',
  'bye',
  'goodbye',
  'correct',
  'agent',
  'help',
]);

/** Session parameter holding the hash of the last analyzed text, for repeat detection. */
export const LAST_TEXT_PARAMETER = 'nlp_last_text_hash';

/** Whitespace-collapsed, NFKC-normalized text: the form cache keys and repeat checks use. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

/**
 * Why calling Natural Language for this turn would add nothing, or undefined when it should be
 * called. DTMF digits, events and intent triggers carry no language; very short texts and
 * acknowledgements have no useful sentiment or entities; a repeat has been analyzed already.
 */
export function skipReason(turn: Turn, normalized: string, textHash: string, options: SkipPolicyOptions): string | undefined {
  if (turn.inputKind !== 'text' && turn.inputKind !== 'transcript') return `input-${turn.inputKind}`;
  if (normalized.length === 0) return 'empty';
  if (normalized.length < options.minChars) return 'too-short';
  if (options.shortReplies && SHORT_REPLIES.has(normalized.toLowerCase().replace(/[.!?,]+$/, ''))) return 'short-reply';
  if (options.repeats && turn.parameters[LAST_TEXT_PARAMETER] === textHash) return 'repeat';
  return undefined;
}
