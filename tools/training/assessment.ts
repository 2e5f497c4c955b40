import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BurnRate } from '../../constructs/slo-alerting/burn-rate';
import { feedbackRequestSchema, scoresOf } from '../../runtime/src/feedback/feedback-request';
import { sampleRatioMismatch } from '../experiments/statistics/sample-ratio-mismatch';
import { QUALITY_GAP_BANDS, bandOf, confidenceFor, riceScore } from '../improvement/prioritize/rice';
import { REPO_ROOT, ROLES, Role } from './exercise';

/**
 * Graded knowledge checks, one per role (training/assessments/<role>.json). Choice answers are
 * stored only as sha256(salt + ":" + answer), so the answer key is not readable in the repository;
 * computed answers come from the platform's own code (burn-rate thresholds from BurnRate.alerts,
 * SRM from the experiments report's test, RICE from the prioritizer), so they cannot drift from it.
 */
export interface ChoiceQuestion {
  readonly id: string;
  readonly type: 'choice';
  readonly prompt: string;
  readonly options: Readonly<Record<string, string>>;
  readonly salt: string;
  readonly answerHash: string;
  readonly explanation: string;
}

export interface ComputedQuestion {
  readonly id: string;
  readonly type: 'computed';
  readonly prompt: string;
  /** Which computation: burn-rate | error-rate | hours-to-exhaustion | srm | rice | feedback-normalized. */
  readonly compute: string;
  readonly params: Readonly<Record<string, any>>;
  /** Absolute tolerance for numeric answers. @default 0.01 */
  readonly tolerance?: number;
  readonly explanation: string;
}

export type Question = ChoiceQuestion | ComputedQuestion;

export interface Assessment {
  readonly role: Role;
  readonly title: string;
  /** Share of points needed to pass, 0..1. */
  readonly passMark: number;
  readonly questions: readonly Question[];
}

export function answerHash(salt: string, answer: string): string {
  return createHash('sha256').update(`${salt}:${answer.trim().toLowerCase()}`).digest('hex');
}

export function loadAssessment(role: string): Assessment {
  if (!(ROLES as readonly string[]).includes(role)) throw new Error(`no assessment for "${role}"; roles: ${ROLES.join(', ')}`);
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'training', 'assessments', `${role}.json`), 'utf8')) as Assessment;
}

/** The answer of a computed question, from the platform's code. */
export function computedAnswer(q: ComputedQuestion): number | string {
  const p = q.params;
  switch (q.compute) {
    case 'burn-rate':
      return BurnRate.alerts(p.objective, p.days)[p.tier].burnRate;
    case 'error-rate':
      return BurnRate.alerts(p.objective, p.days)[p.tier].errorRateThreshold;
    case 'hours-to-exhaustion':
      return BurnRate.alerts(p.objective, p.days)[p.tier].hoursToExhaustion;
    case 'srm': {
      const total = p.weights.reduce((a: number, b: number) => a + b, 0);
      return sampleRatioMismatch(
        p.observed,
        p.weights.map((w: number) => w / total),
      ).mismatch
        ? 'yes'
        : 'no';
    }
    case 'feedback-normalized':
      return scoresOf(feedbackRequestSchema.parse({ session: 'assessment', kind: p.kind, value: p.value })).normalized;
    case 'rice':
      return riceScore({
        reach: p.reach,
        impact: bandOf(QUALITY_GAP_BANDS, p.gap + 1e-12)!.value,
        confidence: confidenceFor(p.n),
        effort: p.effort,
      });
    default:
      throw new Error(`${q.id}: unknown computation ${q.compute}`);
  }
}

export interface Graded {
  readonly id: string;
  readonly correct: boolean;
  readonly given: string;
  readonly explanation: string;
}

export function grade(q: Question, given: unknown): Graded {
  const text = given === undefined || given === null ? '' : String(given).trim();
  let correct: boolean;
  if (q.type === 'choice') correct = text !== '' && answerHash(q.salt, text) === q.answerHash;
  else {
    const expected = computedAnswer(q);
    correct =
      typeof expected === 'number'
        ? text !== '' && Math.abs(Number(text.replace(/,/g, '')) - expected) <= (q.tolerance ?? 0.01)
        : text.toLowerCase() === expected;
  }
  return { id: q.id, correct, given: text, explanation: q.explanation };
}

export interface AssessmentResult {
  readonly score: number;
  readonly total: number;
  readonly passed: boolean;
  readonly graded: Graded[];
}

export function gradeAll(a: Assessment, answers: Readonly<Record<string, unknown>>): AssessmentResult {
  const graded = a.questions.map((q) => grade(q, answers[q.id]));
  const score = graded.filter((g) => g.correct).length;
  return { score, total: graded.length, passed: score / graded.length >= a.passMark, graded };
}
