import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { JsonValue } from '../protocol/turn';

/**
 * Experiments as data: one versioned JSON document (`EXPERIMENTS_FILE`), reviewed like code,
 * read by the runtime (assignment) and by `npm run experiments:report` (analysis), so both
 * always agree on variants and traffic split. Bump `version` on every change: exposures record
 * it, and the report refuses to mix versions whose split differs.
 */

/** Metrics an experiment can be judged on; each is computed per exposed conversation. */
export const EXPERIMENT_METRICS = {
  /** Mean conversation quality score, 0..1 (quality/quality-score.ts). */
  conversation_quality: { kind: 'mean', higherIsBetter: true },
  /** Share of conversations not handed to a human. */
  containment_rate: { kind: 'proportion', higherIsBetter: true },
  /** Share of conversations handed to a human. */
  escalation_rate: { kind: 'proportion', higherIsBetter: false },
  /** Share of conversations with at least one no-match turn. */
  no_match_rate: { kind: 'proportion', higherIsBetter: false },
  /** Share of thumbs-up among conversations that gave thumbs feedback. */
  thumbs_up_rate: { kind: 'proportion', higherIsBetter: true },
  /** Mean CSAT (1..5) among conversations that gave CSAT. */
  csat: { kind: 'mean', higherIsBetter: true },
  /** Mean number of turns (fewer is better for task flows). */
  turns: { kind: 'mean', higherIsBetter: false },
} as const;
export type ExperimentMetricName = keyof typeof EXPERIMENT_METRICS;
const metricName = z.enum(Object.keys(EXPERIMENT_METRICS) as [ExperimentMetricName, ...ExperimentMetricName[]]);

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(jsonValue)]),
);
const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, "_" or "-", at most 63 characters');

const variantSchema = z.object({
  name: id,
  /** Relative share of traffic; shares are normalized over the experiment's variants. */
  weight: z.number().positive(),
  /** Session parameters set on every reply in this variant (e.g. a prompt id the agent's routes read). */
  parameters: z.record(jsonValue).default({}),
  /** Run this registered handler instead of the tag's own. */
  handler: z.string().optional(),
  /** Free-form settings handlers read from `input.experiments` (e.g. a threshold). */
  settings: z.record(jsonValue).default({}),
});

const experimentSchema = z
  .object({
    id,
    description: z.string().default(''),
    status: z.enum(['running', 'paused', 'stopped']).default('running'),
    /** ISO timestamps; outside [startAt, endAt) nobody is assigned. */
    startAt: z.string().datetime({ offset: true }).optional(),
    endAt: z.string().datetime({ offset: true }).optional(),
    /** Extra hashing salt; change it to reshuffle assignments for a re-run. @default the id */
    salt: z.string().optional(),
    /** The first variant is the control the others are compared to. */
    variants: z.array(variantSchema).min(2),
    targeting: z
      .object({
        tags: z.array(z.string()).optional(),
        pages: z.array(z.string()).optional(),
        /** BCP-47 prefixes: "en" matches "en-GB". */
        languages: z.array(z.string()).optional(),
        /** Agent environments from the session name (`.../environments/<env>/sessions/...`); "draft" when none. */
        environments: z.array(z.string()).optional(),
      })
      .default({}),
    metrics: z.object({
      primary: metricName,
      guardrails: z.array(metricName).default([]),
    }),
    /** Significance level for the report. @default 0.05 */
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    /** Smallest relative change worth detecting, for the report's sample-size note. @default 0.05 (5 %) */
    minimumDetectableEffect: z.number().gt(0).default(0.05),
  })
  .superRefine((e, ctx) => {
    const names = e.variants.map((v) => v.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['variants'], message: `variant "${dup}" is listed twice` });
    if (e.startAt && e.endAt && Date.parse(e.endAt) <= Date.parse(e.startAt)) {
      ctx.addIssue({ code: 'custom', path: ['endAt'], message: 'must be after startAt' });
    }
    if (e.metrics.guardrails.includes(e.metrics.primary)) {
      ctx.addIssue({ code: 'custom', path: ['metrics', 'guardrails'], message: `"${e.metrics.primary}" is already the primary metric` });
    }
  });

export const experimentsFileSchema = z
  .object({
    /** Increment on every change. */
    version: z.number().int().positive(),
    experiments: z.array(experimentSchema).default([]),
  })
  .superRefine((f, ctx) => {
    const ids = f.experiments.map((e) => e.id);
    const dup = ids.find((n, i) => ids.indexOf(n) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['experiments'], message: `experiment "${dup}" is defined twice` });
  });

export type ExperimentsFile = z.infer<typeof experimentsFileSchema>;
export type Experiment = ExperimentsFile['experiments'][number];
export type Variant = Experiment['variants'][number];

/** Parse and validate an experiments document; the error names every broken field. */
export function parseExperiments(json: unknown, source = 'experiments'): ExperimentsFile {
  const parsed = experimentsFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new Error(`${source} is invalid:\n${problems}`);
  }
  return parsed.data;
}

export function loadExperimentsFile(path: string): ExperimentsFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`EXPERIMENTS_FILE ${path} could not be read as JSON: ${(error as Error).message}`);
  }
  return parseExperiments(json, `EXPERIMENTS_FILE ${path}`);
}
