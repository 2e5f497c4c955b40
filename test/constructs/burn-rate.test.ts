import { AlertSeverity, BurnRate, SloWindow, humanDuration } from '../../constructs/slo-alerting/burn-rate';

/**
 * The SRE Workbook (ch. 5, table 5-8) gives, for a 30-day SLO: 2% of budget in 1 h -> 14.4,
 * 5% in 6 h -> 6, 10% in 3 days -> 1. In general burn = share × period / window, and the error rate
 * that burn means is burn × (1 − objective). Expected values below are worked out by hand.
 */
describe('BurnRate.alerts', () => {
  test('30 days: the Workbook table (14.4x / 6x / 1x; windows 1h+5m, 6h+30m, 3d+6h)', () => {
    const alerts = BurnRate.alerts(0.999, 30);
    expect(alerts.map((a) => [a.severity, a.budgetConsumed, a.longWindowSeconds, a.shortWindowSeconds, a.burnRate])).toEqual([
      [AlertSeverity.PAGE, 0.02, 3600, 300, 14.4],
      [AlertSeverity.PAGE, 0.05, 21600, 1800, 6],
      [AlertSeverity.TICKET, 0.1, 259200, 21600, 1],
    ]);
  });

  test('28 days: 2% x 672 h / 1 h = 13.44, 5% x 672 / 6 = 5.6, 10% x 28 / 3 = 0.9333', () => {
    expect(BurnRate.alerts(0.999, 28).map((a) => a.burnRate)).toEqual([13.44, 5.6, 0.9333333333]);
  });

  test.each([
    // objective, days, [error-rate thresholds of the three tiers]
    [0.99, 30, [0.144, 0.06, 0.01]],
    [0.995, 30, [0.072, 0.03, 0.005]],
    [0.999, 30, [0.0144, 0.006, 0.001]],
    [0.9999, 30, [0.00144, 0.0006, 0.0001]],
    [0.99, 28, [0.1344, 0.056, 0.009333333333]],
    [0.995, 28, [0.0672, 0.028, 0.004666666667]],
    [0.999, 28, [0.01344, 0.0056, 0.0009333333333]],
    [0.9999, 28, [0.001344, 0.00056, 0.00009333333333]],
  ])('objective %p over %p days: error-rate thresholds %p', (objective, days, expected) => {
    const got = BurnRate.alerts(objective, days).map((a) => a.errorRateThreshold);
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 12));
  });

  test('hours to exhaustion: a 14.4x burn empties a 30-day budget in 50 h, 6x in 120 h, 1x in 720 h', () => {
    expect(BurnRate.alerts(0.999, 30).map((a) => a.hoursToExhaustion)).toEqual([50, 120, 720]);
  });

  test('budget consumed in the long window at the threshold equals the tier share', () => {
    for (const days of [28, 30]) {
      for (const a of BurnRate.alerts(0.995, days)) {
        expect((a.burnRate * a.longWindowSeconds) / (days * 86400)).toBeCloseTo(a.budgetConsumed, 9);
      }
    }
  });
});

test('SloWindow presets and humanDuration', () => {
  expect([SloWindow.ROLLING_28_DAYS.days, SloWindow.ROLLING_30_DAYS.days, SloWindow.rollingDays(7).days]).toEqual([28, 30, 7]);
  expect([300, 1800, 3600, 21600, 259200].map(humanDuration)).toEqual(['5m', '30m', '1h', '6h', '3d']);
});
