/**
 * The experiment statistics against textbook cases with published answers. Each published value is
 * printed in its source at a few digits; the tight assertions are against SciPy 1.14.1 /
 * statsmodels 0.15.0 (reference implementations, values reproduced in the comments), and the
 * loose ones check we also agree with the book at its printed precision.
 */
import * as fc from 'fast-check';
import { chiSquareUpperTail, standardNormalQuantile, studentTQuantile } from '../../../tools/experiments/statistics/distributions';
import { SRM_P_THRESHOLD, sampleRatioMismatch } from '../../../tools/experiments/statistics/sample-ratio-mismatch';
import { sessionsForMean, sessionsForProportion } from '../../../tools/experiments/statistics/sample-size';
import { compareProportions, wilsonInterval } from '../../../tools/experiments/statistics/two-proportions';
import { summarize, welchTTest } from '../../../tools/experiments/statistics/welch-t-test';

const ok = <T extends { ok: boolean }>(r: T | { ok: false; reason: string }): Extract<T, { ok: true }> => {
  if (!r.ok) throw new Error(`expected a result, got: ${(r as { reason: string }).reason}`);
  return r as Extract<T, { ok: true }>;
};

describe('distribution quantiles (t table)', () => {
  test('t(0.975, 10) = 2.228, t(0.95, 5) = 2.015, t(0.995, 30) = 2.750 as in any t table (e.g. NIST/SEMATECH e-Handbook §1.3.6.7.2)', () => {
    // scipy.stats.t.ppf: 2.2281388519649385, 2.0150483733330233, 2.7499956535670305
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.2281388519649385, 9);
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.0150483733330233, 9);
    expect(studentTQuantile(0.995, 30)).toBeCloseTo(2.7499956535670305, 9);
    expect(studentTQuantile(0.975, 10).toFixed(3)).toBe('2.228');
  });

  test('z(0.975) = 1.960 and z(0.80) = 0.842', () => {
    expect(standardNormalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(standardNormalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
  });

  test('the chi-square upper tail keeps its precision far out (no 1 − cdf rounding to a negative)', () => {
    expect(chiSquareUpperTail(0, 3)).toBe(1);
    expect(chiSquareUpperTail(200, 1)).toBeGreaterThanOrEqual(0);
  });
});

describe("Welch's t-test", () => {
  // Wikipedia, "Welch's t-test", worked example 1 (samples A1 and A2): t = −2.46, ν ≈ 24.9..25.0, p = 0.021.
  // scipy.stats.ttest_ind(A1, A2, equal_var=False): t = −2.455356398286006, df = 24.988529290231416,
  // p = 0.021378001462866985; 95 % CI (−3.9840962671409264, −0.34923706619240935).
  const A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];

  test('reproduces the published example (A1 is the variant, A2 the control, as in A1 − A2)', () => {
    const r = ok(welchTTest(summarize(A2), summarize(A1)));
    expect(r.t).toBeCloseTo(-2.455356398286006, 9);
    expect(r.df).toBeCloseTo(24.988529290231416, 8);
    expect(r.pValue).toBeCloseTo(0.021378001462866985, 9);
    expect(r.ci[0]).toBeCloseTo(-3.9840962671409264, 8);
    expect(r.ci[1]).toBeCloseTo(-0.34923706619240935, 8);
    // The book's printed precision.
    expect(r.t.toFixed(2)).toBe('-2.46');
    expect(r.pValue.toFixed(3)).toBe('0.021');
    expect(r.df).toBeGreaterThan(24.9);
    expect(r.df).toBeLessThan(25.0);
  });

  test('swapping the groups negates t and the interval and keeps p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 30 }),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 30 }),
        (xs, ys) => {
          const a = welchTTest(summarize(xs), summarize(ys));
          const b = welchTTest(summarize(ys), summarize(xs));
          if (!a.ok || !b.ok) return a.ok === b.ok;
          expect(b.t).toBeCloseTo(-a.t, 9);
          expect(b.pValue).toBeCloseTo(a.pValue, 12);
          expect(b.ci[0]).toBeCloseTo(-a.ci[1], 9);
          expect(a.ci[0]).toBeLessThanOrEqual(a.difference);
          expect(a.ci[1]).toBeGreaterThanOrEqual(a.difference);
          expect(a.pValue).toBeGreaterThanOrEqual(0);
          expect(a.pValue).toBeLessThanOrEqual(1);
          // The interval excludes 0 exactly when p < alpha (same t distribution, same df).
          if (Math.abs(a.pValue - 0.05) > 1e-9) expect(a.ci[0] > 0 || a.ci[1] < 0).toBe(a.pValue < 0.05);
          return true;
        },
      ),
    );
  });

  test('one group without variation still tests (df = n − 1 of the other); both without variation is "not enough data"', () => {
    const r = ok(welchTTest({ n: 10, mean: 3, variance: 0 }, { n: 8, mean: 3.5, variance: 0.25 }));
    expect(r.df).toBeCloseTo(7, 12);
    const flat = welchTTest({ n: 10, mean: 3, variance: 0 }, { n: 10, mean: 4, variance: 0 });
    expect(flat).toEqual({ ok: false, reason: expect.stringContaining('no variation') });
  });

  test('fewer than two observations in a group is "not enough data", never NaN', () => {
    expect(welchTTest(summarize([4]), summarize([1, 2, 3]))).toEqual({ ok: false, reason: expect.stringContaining('1 control session') });
    expect(welchTTest(summarize([1, 2]), summarize([]))).toEqual({ ok: false, reason: expect.stringContaining('0 variant session') });
  });
});

describe('two proportions: Newcombe interval and pooled z-test', () => {
  test("Physicians' Health Study: placebo 189/11034 vs aspirin 104/11037 myocardial infarctions", () => {
    // Agresti, "An Introduction to Categorical Data Analysis" (2nd ed., 2007), §2.2: difference
    // 0.0171 − 0.0094 = 0.0077, 95 % CI (0.005, 0.011). z² is the table's Pearson X² (25.0).
    // statsmodels proportions_ztest: z = 5.001388204008378, p = 5.691896973740836e-07;
    // confint_proportions_2indep(method='newcomb'): (0.004702029746381498, 0.010775083776882294).
    const r = ok(compareProportions({ successes: 104, trials: 11037 }, { successes: 189, trials: 11034 }));
    expect(r.difference).toBeCloseTo(0.0077060239760047815, 12);
    expect(r.z).toBeCloseTo(5.001388204008378, 9);
    expect(r.pValue / 5.691896973740836e-7).toBeCloseTo(1, 6);
    expect(r.ci[0]).toBeCloseTo(0.004702029746381498, 10);
    expect(r.ci[1]).toBeCloseTo(0.010775083776882294, 10);
    expect(r.difference.toFixed(4)).toBe('0.0077');
    expect(r.ci.map((x) => x.toFixed(3))).toEqual(['0.005', '0.011']);
    expect((r.z * r.z).toFixed(1)).toBe('25.0');
  });

  // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10 (hybrid score, no
  // continuity correction), examples (a), (b), (d)–(h), printed to 4 decimals; statsmodels agrees.
  test.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1.0],
    [10, 10, 0, 10, 0.6075, 1.0],
  ])('Newcombe Table II: %i/%i vs %i/%i → (%f, %f)', (x1, n1, x2, n2, lo, hi) => {
    const r = ok(compareProportions({ successes: x2, trials: n2 }, { successes: x1, trials: n1 }));
    expect(r.ci[0]).toBeCloseTo(lo, 4);
    expect(r.ci[1]).toBeCloseTo(hi, 4);
  });

  test('all successes (or all failures) in both groups: difference 0, p = 1, a finite interval', () => {
    for (const x of [0, 50]) {
      const r = ok(compareProportions({ successes: x, trials: 50 }, { successes: x, trials: 50 }));
      expect(r).toMatchObject({ difference: 0, z: 0, pValue: 1 });
      expect(r.ci.every(Number.isFinite)).toBe(true);
    }
  });

  test('an empty group is "not enough data"', () => {
    expect(compareProportions({ successes: 0, trials: 0 }, { successes: 3, trials: 10 })).toEqual({
      ok: false,
      reason: 'no control sessions',
    });
  });

  test('properties: the interval contains the difference and stays in [−1, 1]; swapping mirrors it; p is symmetric', () => {
    const sample = fc
      .integer({ min: 1, max: 5000 })
      .chain((n) => fc.record({ trials: fc.constant(n), successes: fc.integer({ min: 0, max: n }) }));
    fc.assert(
      fc.property(sample, sample, fc.constantFrom(0.01, 0.05, 0.1), (c, v, alpha) => {
        const a = ok(compareProportions(c, v, alpha));
        const b = ok(compareProportions(v, c, alpha));
        expect(a.ci[0]).toBeLessThanOrEqual(a.difference + 1e-12);
        expect(a.ci[1]).toBeGreaterThanOrEqual(a.difference - 1e-12);
        expect(a.ci[0]).toBeGreaterThanOrEqual(-1);
        expect(a.ci[1]).toBeLessThanOrEqual(1);
        expect(b.ci[0]).toBeCloseTo(-a.ci[1], 12);
        expect(b.pValue).toBeCloseTo(a.pValue, 12);
        expect(a.pValue).toBeGreaterThanOrEqual(0);
        expect(a.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });

  test('the Wilson interval of 0/n is [0, z²/(n + z²)]', () => {
    const z = 1.959963984540054;
    const [lo, hi] = wilsonInterval({ successes: 0, trials: 10 }, z);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo((z * z) / (10 + z * z), 12);
  });
});

describe('sample-ratio mismatch (chi-square goodness of fit)', () => {
  test("Mendel's peas: 315 round-yellow, 108 round-green, 101 wrinkled-yellow, 32 wrinkled-green vs 9:3:3:1", () => {
    // Mendel (1866), dihybrid cross; the classic goodness-of-fit example of introductory texts:
    // χ² = 0.470, df = 3, p = 0.925. scipy.stats.chisquare: 0.4700239808153477, 0.925425895103616.
    const r = sampleRatioMismatch([315, 108, 101, 32], [9, 3, 3, 1]);
    expect(r.chiSquare).toBeCloseTo(0.4700239808153477, 12);
    expect(r.degreesOfFreedom).toBe(3);
    expect(r.pValue).toBeCloseTo(0.925425895103616, 10);
    expect(r.chiSquare.toFixed(3)).toBe('0.470');
    expect(r.mismatch).toBe(false);
  });

  test('a 50/50 split observed as 5,500 / 4,500 is a mismatch (χ² = 100, p ≈ 1.5e-23); 5,050 / 4,950 is not', () => {
    const bad = sampleRatioMismatch([5500, 4500], [1, 1]);
    expect(bad.chiSquare).toBeCloseTo(100, 9);
    expect(bad.pValue).toBeLessThan(SRM_P_THRESHOLD);
    expect(bad.mismatch).toBe(true);
    const fine = sampleRatioMismatch([5050, 4950], [0.5, 0.5]);
    expect(fine.chiSquare).toBeCloseTo(1, 9);
    // scipy.stats.chi2.sf(1, 1) = 0.31731050786291415
    expect(fine.pValue).toBeCloseTo(0.31731050786291415, 10);
    expect(fine.mismatch).toBe(false);
  });

  test('no exposures yet: nothing to test, no NaN', () => {
    expect(sampleRatioMismatch([0, 0], [0.5, 0.5])).toMatchObject({ chiSquare: 0, pValue: 1, mismatch: false });
  });
});

describe('sample size for 80 % power', () => {
  test('proportions: Fleiss–Levin–Paik formula, equal to statsmodels samplesize_proportions_2indep_onetail', () => {
    // statsmodels: 0.70 → 0.735: 2596.239..., 0.50 → 0.55: 1564.672..., 0.10 → 0.105: 57762.65...
    expect(sessionsForProportion(0.7, 0.05, 0.05, true)).toEqual({ ok: true, sessionsPerVariant: 2597 });
    expect(sessionsForProportion(0.5, 0.1, 0.05, true)).toEqual({ ok: true, sessionsPerVariant: 1565 });
    expect(sessionsForProportion(0.1, 0.05, 0.05, true)).toEqual({ ok: true, sessionsPerVariant: 57763 });
  });

  test('proportions: a rate that cannot move 5 % in its good direction is sized in the other one', () => {
    const up = sessionsForProportion(0.98, 0.05, 0.05, true);
    const down = sessionsForProportion(0.98, 0.05, 0.05, false);
    expect(up).toEqual(down);
    expect(sessionsForProportion(0, 0.05, 0.05, true).ok).toBe(false);
  });

  test("means: Lehr's rule, n = 2(z₀.₉₇₅ + z₀.₈)²σ²/δ² ≈ 15.70·σ²/δ²", () => {
    // σ = 1, δ = 0.05 × 4 = 0.2: 15.697759468698177 / 0.04 = 392.44 → 393.
    expect(sessionsForMean(4, 1, 0.05, 0.05)).toEqual({ ok: true, sessionsPerVariant: 393 });
    expect(sessionsForMean(0, 1, 0.05, 0.05).ok).toBe(false);
    expect(sessionsForMean(4, 0, 0.05, 0.05).ok).toBe(false);
  });
});
