/**
 * What `improvement:prioritize` reports: built by `prioritize.ts`, rendered by `render.ts`. Its own
 * module so the renderer needs no import of the builder (which imports the renderer).
 */
import type { Ranked, Watched } from './scoring';
import type { Reference, Traffic } from './traffic';

export interface PrioritiesReport {
  readonly generatedAt: string;
  readonly period: { readonly from: string; readonly to: string; readonly days: number };
  readonly traffic: Traffic;
  readonly reference: Reference | null;
  /** The framework's parameters, so the JSON can be read without the code. */
  readonly method: Record<string, unknown>;
  /** The top `top` ranked candidates, best first. */
  readonly ranked: readonly Ranked[];
  /** How many candidates were ranked in all (the report lists `top` of them). */
  readonly rankedTotal: number;
  readonly watch: readonly Watched[];
  /** Candidates to do now whatever their rank or sample (ranked beyond `top` or watched included). */
  readonly urgent: ReadonlyArray<{ readonly key: string; readonly action: string }>;
  readonly notes: readonly string[];
}
