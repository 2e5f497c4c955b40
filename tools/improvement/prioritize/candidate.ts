import { Impact } from './rice';

/** Where a candidate came from; also the prefix of its key in the effort file. */
export type CandidateKind = 'intent' | 'page' | 'theme' | 'experiment';

export const CANDIDATE_KINDS: readonly CandidateKind[] = ['intent', 'page', 'theme', 'experiment'];

/** `intent:<name>`, `page:<name>`, `theme:<entity>`, `experiment:<id>`. */
export function candidateKey(kind: CandidateKind, name: string): string {
  return `${kind}:${name}`;
}

/** Evidence values as they go into priorities.json. */
export type EvidenceValue = string | number | boolean | null;

/**
 * Something worth doing, with the evidence for it, before scoring. Every source (quality per
 * intent and page, negative feedback themes, experiment verdicts) produces these.
 */
export interface Candidate {
  readonly key: string;
  readonly kind: CandidateKind;
  readonly name: string;
  /** The observations behind the candidate (conversations, sessions, exposures): drives Confidence and the watch guard. */
  readonly sample: number;
  /** Conversations affected over the period (Reach before the monthly extrapolation). */
  readonly affected: number;
  readonly impact: Impact;
  /** How Impact was derived, in words ("quality gap 0.25: high"). */
  readonly impactBasis: string;
  /** The evidence in words, for the report's "why" column. */
  readonly why: string;
  readonly action: string;
  /** Person-weeks when the effort file says nothing about this candidate. */
  readonly defaultEffort: number;
  /** Needs doing regardless of its rank (an experiment whose assignment is broken). */
  readonly urgent: boolean;
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
}
