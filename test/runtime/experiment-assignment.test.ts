import { assignVariant, assignmentPoint, expectedShares } from '../../runtime/src/experiments/assignment';
import { Experiment, parseExperiments } from '../../runtime/src/experiments/experiment-config';
import { EXPERIMENTS_PARAMETER, ExperimentEngine } from '../../runtime/src/experiments/experiment-engine';
import { Turn } from '../../runtime/src/protocol/turn';

/** Upper 0.1% points of the chi-square distribution (any statistics table, e.g. NIST/SEMATECH 1.3.6.7.4). */
const CHI2_CRITICAL_0_001: Record<number, number> = { 1: 10.828, 2: 13.816, 3: 16.266 };

function chiSquare(observed: number[], expected: number[]): number {
  return observed.reduce((sum, o, i) => sum + (o - expected[i]) ** 2 / expected[i], 0);
}

function experiment(overrides: Record<string, unknown> = {}): Experiment {
  return parseExperiments({
    version: 1,
    experiments: [
      {
        id: 'escalation-threshold',
        variants: [
          { name: 'control', weight: 50 },
          { name: 'strict', weight: 50, settings: { negativeThreshold: -0.4 }, parameters: { prompt_variant: 'short' } },
        ],
        metrics: { primary: 'containment_rate', guardrails: ['csat'] },
        ...overrides,
      },
    ],
  }).experiments[0];
}

const sessionName = (i: number) => `projects/acme/locations/global/agents/a1/sessions/${i.toString(36)}-${(i * 7919) % 1000}`;

describe('experiment assignment', () => {
  test('is uniform: 100,000 sequential session names split 50/50 and 10/30/60 within chance (chi-square, p > 0.001)', () => {
    const n = 100_000;
    for (const weights of [
      [50, 50],
      [10, 30, 60],
    ]) {
      const e = experiment({ variants: weights.map((w, i) => ({ name: `v${i}`, weight: w, parameters: {}, settings: {} })) });
      const counts = new Array(weights.length).fill(0);
      for (let i = 0; i < n; i++) counts[e.variants.findIndex((v) => v.name === assignVariant(e, sessionName(i)).name)] += 1;
      const expected = expectedShares(e).map((s) => s * n);
      expect(chiSquare(counts, expected)).toBeLessThan(CHI2_CRITICAL_0_001[weights.length - 1]);
    }
  });

  test('the assignment point is uniform on [0, 1): ten equal bins over 50,000 sessions', () => {
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 50_000; i++) bins[Math.floor(assignmentPoint({ id: 'x' }, sessionName(i)) * 10)] += 1;
    // df = 9: the 0.1% point is 27.877.
    expect(chiSquare(bins, new Array(10).fill(5_000))).toBeLessThan(27.877);
  });

  test('is sticky and deterministic, and independent between experiments with different salts', () => {
    const a = experiment();
    const b = experiment({ id: 'prompt-length' });
    const table = [
      [0, 0],
      [0, 0],
    ];
    for (let i = 0; i < 20_000; i++) {
      const s = sessionName(i);
      const va = assignVariant(a, s).name;
      expect(assignVariant(a, s).name).toBe(va);
      table[va === 'control' ? 0 : 1][assignVariant(b, s).name === 'control' ? 0 : 1] += 1;
    }
    // 2x2 independence test, df = 1: being in a's control says nothing about b.
    const total = 20_000;
    const rows = table.map((r) => r[0] + r[1]);
    const cols = [table[0][0] + table[1][0], table[0][1] + table[1][1]];
    const expected = [rows[0] * cols[0], rows[0] * cols[1], rows[1] * cols[0], rows[1] * cols[1]].map((x) => x / total);
    expect(chiSquare(table.flat(), expected)).toBeLessThan(CHI2_CRITICAL_0_001[1]);
    // A new salt reshuffles: about half the sessions change variant.
    const resalted = { ...a, salt: 'rerun-2' };
    let moved = 0;
    for (let i = 0; i < 10_000; i++) if (assignVariant(a, sessionName(i)).name !== assignVariant(resalted, sessionName(i)).name) moved++;
    expect(moved / 10_000).toBeGreaterThan(0.47);
    expect(moved / 10_000).toBeLessThan(0.53);
  });

  test('changing the split moves only the sessions it must (90/10 → 80/20 keeps every 10% session in its variant)', () => {
    const before = experiment({
      variants: [
        { name: 'control', weight: 90 },
        { name: 'treatment', weight: 10 },
      ],
    });
    const after = experiment({
      variants: [
        { name: 'control', weight: 80 },
        { name: 'treatment', weight: 20 },
      ],
    });
    for (let i = 0; i < 5_000; i++) {
      const s = sessionName(i);
      if (assignVariant(before, s).name === 'treatment') expect(assignVariant(after, s).name).toBe('treatment');
    }
  });
});

describe('experiment engine', () => {
  const baseTurn: Turn = {
    protocol: 'cx',
    tag: 'sentiment-escalation',
    session: 'projects/p/locations/global/agents/a/environments/prod/sessions/abc',
    responseId: 'r1',
    text: 'hello',
    inputKind: 'text',
    languageCode: 'en-GB',
    page: { name: 'projects/p/locations/global/agents/a/flows/f/pages/p1', displayName: 'Card status' },
    parameters: {},
    noMatch: false,
  };

  test('targeting by tag, page, language prefix and environment; exposure only on the first matching turn', () => {
    const file = parseExperiments({
      version: 3,
      experiments: [
        {
          id: 'targeted',
          variants: [
            { name: 'a', weight: 1 },
            { name: 'b', weight: 1 },
          ],
          targeting: { tags: ['sentiment-escalation'], pages: ['Card status'], languages: ['en'], environments: ['prod'] },
          metrics: { primary: 'conversation_quality' },
        },
      ],
    });
    const engine = new ExperimentEngine(file);
    const first = engine.evaluate(baseTurn);
    expect(Object.keys(first.active)).toEqual(['targeted']);
    expect(first.exposures).toEqual([expect.objectContaining({ experimentId: 'targeted', configVersion: 3, sessionId: baseTurn.session })]);
    const next = engine.evaluate({ ...baseTurn, parameters: { [EXPERIMENTS_PARAMETER]: first.membership } });
    expect(next.exposures).toEqual([]);
    expect(next.membership).toEqual(first.membership);

    for (const miss of [
      { tag: 'enrich' },
      { page: { name: 'x', displayName: 'Other' } },
      { languageCode: 'de' },
      { languageCode: 'eng' },
      { session: 'projects/p/locations/global/agents/a/sessions/abc' }, // draft, not prod
    ]) {
      expect(engine.evaluate({ ...baseTurn, ...miss }).active).toEqual({});
    }
  });

  test('only running experiments inside their window apply; membership is kept on turns outside targeting', () => {
    const at = (status: string, startAt?: string, endAt?: string) =>
      new ExperimentEngine(
        parseExperiments({
          version: 1,
          experiments: [
            {
              id: 'windowed',
              status,
              startAt,
              endAt,
              variants: [
                { name: 'a', weight: 1 },
                { name: 'b', weight: 1 },
              ],
              metrics: { primary: 'csat' },
            },
          ],
        }),
      );
    const now = new Date('2026-11-25T12:00:00Z');
    expect(Object.keys(at('running', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z').evaluate(baseTurn, now).active)).toEqual(['windowed']);
    expect(at('running', '2026-11-26T00:00:00Z').evaluate(baseTurn, now).active).toEqual({});
    expect(at('running', undefined, '2026-11-25T12:00:00Z').evaluate(baseTurn, now).active).toEqual({});
    expect(at('paused').evaluate(baseTurn, now).active).toEqual({});
    const kept = at('paused').evaluate({ ...baseTurn, parameters: { [EXPERIMENTS_PARAMETER]: { windowed: 'b' } } }, now);
    expect(kept.membership).toEqual({ windowed: 'b' });
  });

  test('an invalid experiments document fails with every problem named', () => {
    let message = '';
    try {
      parseExperiments({
        version: 0,
        experiments: [{ id: 'Bad Id', variants: [{ name: 'only', weight: 0 }], metrics: { primary: 'happiness', guardrails: [] } }],
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const problem of [
      'version: Number must be greater than 0',
      'experiments.0.id: lowercase letters',
      'experiments.0.variants: Array must contain at least 2',
      'experiments.0.variants.0.weight: Number must be greater than 0',
      "experiments.0.metrics.primary: Invalid enum value. Expected 'conversation_quality'",
    ]) {
      expect(message).toContain(problem);
    }
    expect(() =>
      parseExperiments({
        version: 1,
        experiments: [
          {
            id: 'late',
            variants: [
              { name: 'a', weight: 1 },
              { name: 'b', weight: 1 },
            ],
            metrics: { primary: 'csat' },
            startAt: '2026-12-01T00:00:00Z',
            endAt: '2026-11-01T00:00:00Z',
          },
        ],
      }),
    ).toThrow(/experiments\.0\.endAt: must be after startAt/);
    expect(() =>
      parseExperiments({
        version: 1,
        experiments: [
          {
            id: 'dup',
            variants: [
              { name: 'a', weight: 1 },
              { name: 'a', weight: 1 },
            ],
            metrics: { primary: 'csat', guardrails: ['csat'] },
          },
        ],
      }),
    ).toThrow(/variant "a" is listed twice[\s\S]*"csat" is already the primary metric/);
  });
});
