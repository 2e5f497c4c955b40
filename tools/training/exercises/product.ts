import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectedShares } from '../../../runtime/src/experiments/assignment';
import { ExperimentsFile, parseExperiments } from '../../../runtime/src/experiments/experiment-config';
import { HandlerRegistry } from '../../../runtime/src/handlers/handler-registry';
import { registerReferenceHandlers } from '../../../runtime/src/handlers/reference-handlers';
import { sampleRatioMismatch } from '../../experiments/statistics/sample-ratio-mismatch';
import {
  DEFAULT_MIN_SAMPLE,
  MIN_QUALITY_GAP,
  QUALITY_GAP_BANDS,
  bandOf,
  confidenceFor,
  riceScore,
} from '../../improvement/prioritize/rice';
import { Exercise, REPO_ROOT, json, readLearnerJson, result, writeFiles } from '../exercise';

function parseLearnerExperiments(dir: string): { doc?: ExperimentsFile; problem?: string } {
  const { value, problem } = readLearnerJson(dir, 'experiments.json');
  if (problem) return { problem };
  try {
    return { doc: parseExperiments(value, 'experiments.json') };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

const BROKEN_EXPERIMENTS = {
  version: 3,
  experiments: [
    {
      id: 'Short Greeting',
      description: 'Does a shorter greeting keep more conversations with the bot?',
      variants: [{ name: 'short-greeting', weight: 50, parameters: { greeting_prompt: 'greeting-short' } }],
      targeting: { tags: ['enrich'], environments: ['production'] },
      metrics: { primary: 'happiness', guardrails: ['csat', 'containment_rate'] },
    },
  ],
};

const brokenExperiment: Exercise = {
  id: 'po-broken-experiment',
  role: 'product',
  title: 'An experiment definition synth refuses',
  task: `experiments.json defines a shorter-greeting test, and synth (and the runtime) refuse it. Read the
errors (parseExperiments names every broken field) and fix the document: keep the idea (a control and
a short-greeting variant, 50/50, judged on containment with CSAT as a guardrail), use a valid id
(short-greeting), and bump version.`,
  docs: ['docs/improvement/process.md', 'docs/knowledge-base/which-experiment-variant.md'],
  start: (dir) => writeFiles(dir, { 'experiments.json': json(BROKEN_EXPERIMENTS) }),
  solve: (dir) =>
    writeFiles(dir, {
      'experiments.json': json({
        version: 4,
        experiments: [
          {
            ...BROKEN_EXPERIMENTS.experiments[0],
            id: 'short-greeting',
            variants: [{ name: 'control', weight: 50 }, ...BROKEN_EXPERIMENTS.experiments[0].variants],
            metrics: { primary: 'containment_rate', guardrails: ['csat'] },
          },
        ],
      }),
    }),
  check: async (dir) => {
    const hints = [
      'npm run synth prints the same errors; metric names are listed in runtime/src/experiments/experiment-config.ts.',
      'The first variant is the control the others are compared to.',
    ];
    const { doc, problem } = parseLearnerExperiments(dir);
    if (!doc) return result([problem!], hints);
    const problems: string[] = [];
    if (doc.version <= BROKEN_EXPERIMENTS.version) problems.push(`version ${doc.version}: bump it on every change (exposures record it)`);
    const e = doc.experiments.find((x) => x.id === 'short-greeting');
    if (!e) return result([...problems, 'no experiment with id short-greeting'], hints);
    if (!e.variants.some((v) => v.name === 'short-greeting' && v.parameters.greeting_prompt === 'greeting-short'))
      problems.push('the short-greeting variant with its greeting_prompt parameter is gone');
    const control = e.variants[0];
    if (control.name === 'short-greeting' || Object.keys(control.parameters).length > 0 || Object.keys(control.settings).length > 0)
      problems.push('the first variant must be an unchanged control');
    const shares = expectedShares(e);
    if (shares.length !== 2 || Math.abs(shares[0] - 0.5) > 1e-9)
      problems.push(`traffic split is ${shares.map((s) => `${Math.round(s * 100)}%`).join('/')}, not 50/50`);
    if (e.metrics.primary !== 'containment_rate') problems.push(`primary metric ${e.metrics.primary}: the question is about containment`);
    if (!e.metrics.guardrails.includes('csat')) problems.push('csat must stay a guardrail');
    return result(problems, hints);
  },
};

const newExperiment: Exercise = {
  id: 'po-new-experiment',
  role: 'product',
  title: 'Turn a hypothesis into a second experiment',
  task: `experiments.json is the platform's experiments document. The priorities report says customers
repeat amounts the bot already captured. Add a second experiment for the capture-entities handler:
a control and one variant that sets the session parameter confirm_captured to true, 50/50, in
production only, judged on turns (fewer is better) with csat and conversation_quality as guardrails.
Keep the existing experiment unchanged and bump version.`,
  docs: ['docs/improvement/process.md', 'docs/improvement/experiments.md'],
  start: (dir) => writeFiles(dir, { 'experiments.json': fs.readFileSync(path.join(REPO_ROOT, 'config', 'experiments.json'), 'utf8') }),
  solve: (dir) => {
    const file = path.join(dir, 'experiments.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    doc.version += 1;
    doc.experiments.push({
      id: 'confirm-captured',
      description: 'Does confirming the amount we captured cut the turns customers spend repeating it, without hurting satisfaction?',
      status: 'running',
      variants: [
        { name: 'control', weight: 50 },
        { name: 'confirm', weight: 50, parameters: { confirm_captured: true } },
      ],
      targeting: { tags: ['capture-entities'], environments: ['production'] },
      metrics: { primary: 'turns', guardrails: ['csat', 'conversation_quality'] },
    });
    fs.writeFileSync(file, json(doc));
  },
  check: async (dir) => {
    const hints = [
      'docs/improvement/process.md step 3 shows the shape of a hypothesis and its experiment.',
      'Targeted tags must be handlers the runtime registers (runtime/src/handlers/reference-handlers.ts).',
    ];
    const { doc, problem } = parseLearnerExperiments(dir);
    if (!doc) return result([problem!], hints);
    const original = parseExperiments(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'config', 'experiments.json'), 'utf8')));
    const problems: string[] = [];
    if (doc.version <= original.version) problems.push(`version ${doc.version}: bump it`);
    for (const e of original.experiments) {
      const now = doc.experiments.find((x) => x.id === e.id);
      if (!now || JSON.stringify(now) !== JSON.stringify(e)) problems.push(`experiment ${e.id} changed or is gone: keep it as it is`);
    }
    const added = doc.experiments.filter((x) => !original.experiments.some((e) => e.id === x.id));
    if (added.length !== 1) return result([...problems, `expected one new experiment, found ${added.length}`], hints);
    const e = added[0];
    const tags = new Set(
      registerReferenceHandlers(new HandlerRegistry(), { negativeThreshold: -0.25, escalateAfterNegativeTurns: 3 }).tags,
    );
    const unknown = (e.targeting.tags ?? []).filter((t) => !tags.has(t));
    if (unknown.length > 0) problems.push(`targeting.tags ${unknown.join(', ')}: no such handler`);
    if (JSON.stringify(e.targeting.tags) !== JSON.stringify(['capture-entities'])) problems.push('target the capture-entities tag only');
    if (JSON.stringify(e.targeting.environments) !== JSON.stringify(['production']))
      problems.push('target the production environment only');
    if (e.variants.length !== 2 || Object.keys(e.variants[0].parameters).length > 0)
      problems.push('two variants: an unchanged control first, then the change');
    else if (e.variants[1].parameters.confirm_captured !== true) problems.push('the variant must set confirm_captured: true');
    const shares = expectedShares(e);
    if (Math.abs(shares[0] - 0.5) > 1e-9) problems.push('traffic split must be 50/50');
    if (e.metrics.primary !== 'turns') problems.push(`primary metric ${e.metrics.primary}: the hypothesis is about turns`);
    if (!['csat', 'conversation_quality'].every((g) => e.metrics.guardrails.includes(g as never)))
      problems.push('guardrails must include csat and conversation_quality');
    if (e.status !== 'running') problems.push(`status ${e.status}: the experiment should run`);
    return result(problems, hints);
  },
};

const CANDIDATES = [
  {
    key: 'intent:card_payment_not_recognised',
    conversationsPerMonth: 1800,
    referenceQuality: 0.78,
    meanQuality: 0.61,
    sampleSize: 950,
    effortWeeks: 2,
  },
  {
    key: 'intent:transfer_not_received',
    conversationsPerMonth: 900,
    referenceQuality: 0.78,
    meanQuality: 0.5,
    sampleSize: 220,
    effortWeeks: 1,
  },
  { key: 'page:identity_check', conversationsPerMonth: 4200, referenceQuality: 0.78, meanQuality: 0.72, sampleSize: 3100, effortWeeks: 4 },
  { key: 'intent:exchange_rate', conversationsPerMonth: 600, referenceQuality: 0.78, meanQuality: 0.77, sampleSize: 500, effortWeeks: 1 },
  { key: 'page:card_delivery', conversationsPerMonth: 300, referenceQuality: 0.78, meanQuality: 0.4, sampleSize: 24, effortWeeks: 1 },
];

function riceAnswers(): { ranking: string[]; notScored: string[] } {
  const scored: Array<{ key: string; score: number }> = [];
  const notScored: string[] = [];
  for (const c of CANDIDATES) {
    const gap = c.referenceQuality - c.meanQuality;
    if (gap < MIN_QUALITY_GAP - 1e-12 || c.sampleSize < DEFAULT_MIN_SAMPLE) {
      notScored.push(c.key);
      continue;
    }
    const impact = bandOf(QUALITY_GAP_BANDS, gap + 1e-12)!.value;
    scored.push({
      key: c.key,
      score: riceScore({ reach: c.conversationsPerMonth, impact, confidence: confidenceFor(c.sampleSize), effort: c.effortWeeks }),
    });
  }
  return { ranking: scored.sort((a, b) => b.score - a.score).map((s) => s.key), notScored: notScored.sort() };
}

const rice: Exercise = {
  id: 'po-rice-ranking',
  role: 'product',
  title: 'Rank improvement candidates by RICE',
  task: `candidates.json lists five intents and pages with their monthly reach, mean conversation
quality against the platform's reference, sample size and estimated effort. Score them the way
\`npm run improvement:prioritize\` does (docs/improvement/prioritization.md: impact band from the
quality gap, confidence from the sample size) and write ranking.json: the scored candidates from
highest to lowest RICE, and the ones not scored at all (gap too small, or too few conversations).`,
  docs: ['docs/improvement/prioritization.md', 'docs/improvement/process.md'],
  start: (dir) => writeFiles(dir, { 'candidates.json': json(CANDIDATES), 'ranking.json': json({ ranking: [], notScored: [] }) }),
  solve: (dir) => writeFiles(dir, { 'ranking.json': json(riceAnswers()) }),
  check: async (dir) => {
    const hints = [
      'RICE = reach × impact × confidence / effort; the bands are in tools/improvement/prioritize/rice.ts and explained in docs/improvement/prioritization.md.',
    ];
    const { value, problem } = readLearnerJson(dir, 'ranking.json');
    if (problem) return result([problem], hints);
    const expected = riceAnswers();
    const problems: string[] = [];
    if (JSON.stringify(value.ranking) !== JSON.stringify(expected.ranking))
      problems.push('ranking: not the RICE order of the scored candidates');
    if (JSON.stringify([...(value.notScored ?? [])].sort()) !== JSON.stringify(expected.notScored))
      problems.push('notScored: not the candidates below the gap or sample thresholds');
    return result(problems, hints);
  },
};

const EXPOSURES = [
  {
    experiment: 'escalation-threshold',
    variants: [
      { name: 'control', weight: 50, sessions: 10_112 },
      { name: 'strict-negative', weight: 50, sessions: 9_941 },
    ],
  },
  {
    experiment: 'short-greeting',
    variants: [
      { name: 'control', weight: 50, sessions: 5_320 },
      { name: 'short-greeting', weight: 50, sessions: 4_870 },
    ],
  },
  {
    experiment: 'confirm-captured',
    variants: [
      { name: 'control', weight: 80, sessions: 4_051 },
      { name: 'confirm', weight: 20, sessions: 1_003 },
    ],
  },
];

function srmAnswers(): Record<string, boolean> {
  return Object.fromEntries(
    EXPOSURES.map((e) => [
      e.experiment,
      sampleRatioMismatch(
        e.variants.map((v) => v.sessions),
        expectedShares({ variants: e.variants as never }),
      ).mismatch,
    ]),
  );
}

const srm: Exercise = {
  id: 'po-srm-check',
  role: 'product',
  title: 'Which experiment results can you trust?',
  task: `exposures.json gives, for three experiments, each variant's configured weight and the sessions
actually exposed. Before reading any result, check for a sample-ratio mismatch (chi-square goodness
of fit, p < 0.001, as the experiments report does) and write srm.json: for each experiment, true when
its split is mismatched (its results must not be trusted), else false.`,
  docs: ['docs/improvement/process.md', 'docs/knowledge-base/which-experiment-variant.md'],
  start: (dir) =>
    writeFiles(dir, {
      'exposures.json': json(EXPOSURES),
      'srm.json': json(Object.fromEntries(EXPOSURES.map((e) => [e.experiment, null]))),
    }),
  solve: (dir) => writeFiles(dir, { 'srm.json': json(srmAnswers()) }),
  check: async (dir) => {
    const hints = [
      'χ² = Σ (observed − expected)² / expected, expected = total × weight share; 1 degree of freedom for two variants; p < 0.001 means χ² > 10.83.',
    ];
    const { value, problem } = readLearnerJson(dir, 'srm.json');
    if (problem) return result([problem], hints);
    const problems = Object.entries(srmAnswers())
      .filter(([id, mismatch]) => value?.[id] !== mismatch)
      .map(([id]) => `${id}: ${value?.[id]} is not the SRM verdict`);
    return result(problems, hints);
  },
};

export const PRODUCT_EXERCISES: readonly Exercise[] = [brokenExperiment, newExperiment, rice, srm];
