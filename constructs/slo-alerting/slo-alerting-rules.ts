import { pageChannelsRule } from '../core/alert-routing';
import { Duration } from '../core/duration';
import { Rule, isToken } from '../core/validation';
import { MAX_ROLLING_DAYS, MIN_ROLLING_DAYS, SloWindow, burnRateAlerts } from './burn-rate';
import { SloAlertingProps } from './slo-alerting-props';

/** Props after defaults are applied: what the rules judge. */
export interface ResolvedSloAlertingProps extends SloAlertingProps {
  readonly name: string;
  readonly production: boolean;
  readonly availabilityObjective: number;
  readonly latencyObjective: number;
  readonly latencyThreshold: Duration;
  readonly window: SloWindow;
  readonly pageChannels: string[];
  readonly ticketChannels: string[];
  readonly saturationRatio: number;
  readonly forecastHorizon: Duration;
  readonly degradedRatioThreshold: number;
  readonly noMatchRatioThreshold: number;
  readonly qualityScoreTarget: number;
  readonly conversationQualityAlert: boolean;
  readonly autoClose: Duration;
}

/** 2..40 chars: SLO ids and log metric names get suffixes and must stay short. */
const NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
const known = (v: unknown): v is number => typeof v === 'number' && !isToken(v);
const knownDuration = (d: Duration | undefined): d is Duration => d !== undefined && !d.isUnresolved();
const notPercent = (v: number): boolean => known(v) && !(v > 0 && v < 100);
const notRatio = (v: number): boolean => known(v) && !(v > 0 && v <= 1);
/** The fastest page needs errors at 14.4× the budget rate (30 days): impossible when that exceeds 100%. */
const unreachablePage = (objective: number, days: number): boolean =>
  known(objective) && objective > 0 && objective < 100 && burnRateAlerts(objective / 100, days)[0].errorRateThreshold > 1;
const fastestBurn = (days: number): number => burnRateAlerts(0.999, days)[0].burnRate;

export const SLO_ALERTING_RULES: ReadonlyArray<Rule<ResolvedSloAlertingProps>> = [
  {
    when: (p) => !p.target,
    say: () =>
      'target is missing: pass SloTarget.fromWebhook(webhook), or SloTarget.cloudRun({...}) / SloTarget.gkeWorkload({...}) for workloads no ScalableWebhook made',
  },
  {
    when: (p) => (p.target?._problems() ?? []).length > 0,
    say: (p) => p.target._problems().join('; '),
  },
  {
    when: (p) => !isToken(p.name) && !NAME.test(p.name),
    say: (p) =>
      `name "${p.name}" is not a valid base name: use 2-40 lowercase letters, digits and "-", starting with a letter (it defaults to the construct id, lowercased)`,
  },
  {
    when: (p) => notPercent(p.availabilityObjective),
    say: (p) =>
      `availabilityObjective ${p.availabilityObjective} is not a percentage between 0 and 100 (exclusive): e.g. 99.9 for "99.9% of requests succeed"`,
  },
  {
    when: (p) => notPercent(p.latencyObjective),
    say: (p) =>
      `latencyObjective ${p.latencyObjective} is not a percentage between 0 and 100 (exclusive): e.g. 95 for "95% of requests under latencyThreshold"`,
  },
  {
    when: (p) => known(p.window?.days) && unreachablePage(p.availabilityObjective, p.window.days),
    say: (p) =>
      `availabilityObjective ${p.availabilityObjective} is so low that the fast-burn page (${fastestBurn(p.window.days)}× the budget rate) would need more than 100% errors and could never fire: use an objective of at least ${(100 * (1 - 1 / fastestBurn(p.window.days))).toFixed(2)}`,
  },
  {
    when: (p) => known(p.window?.days) && unreachablePage(p.latencyObjective, p.window.days),
    say: (p) =>
      `latencyObjective ${p.latencyObjective} is so low that the fast-burn page (${fastestBurn(p.window.days)}× the budget rate) would need more than 100% slow requests and could never fire: use an objective of at least ${(100 * (1 - 1 / fastestBurn(p.window.days))).toFixed(2)}`,
  },
  {
    when: (p) => knownDuration(p.latencyThreshold) && !(p.latencyThreshold.toMilliseconds() > 0),
    say: (p) => `latencyThreshold ${p.latencyThreshold} must be greater than 0: e.g. Duration.millis(800)`,
  },
  {
    when: (p) => known(p.window?.days) && !(Number.isInteger(p.window.days) && p.window.days >= 1 && p.window.days <= MAX_ROLLING_DAYS),
    say: (p) =>
      `window of ${p.window.days} days is not supported by Cloud Monitoring: rolling SLO periods are 1 to ${MAX_ROLLING_DAYS} whole days; use SloWindow.ROLLING_28_DAYS or SloWindow.ROLLING_30_DAYS`,
  },
  {
    when: (p) => known(p.window?.days) && Number.isInteger(p.window.days) && p.window.days >= 1 && p.window.days < MIN_ROLLING_DAYS,
    say: (p) =>
      `window of ${p.window.days} days is shorter than the ticket alert's 3-day burn-rate window: use at least ${MIN_ROLLING_DAYS} days, e.g. SloWindow.ROLLING_28_DAYS`,
  },
  pageChannelsRule('pages'),
  {
    when: (p) => notRatio(p.saturationRatio),
    say: (p) => `saturationRatio ${p.saturationRatio} must be in (0, 1]: e.g. 0.8 to be warned at 80% of a limit`,
  },
  {
    when: (p) => knownDuration(p.forecastHorizon) && !(p.forecastHorizon.toHours() >= 1 && p.forecastHorizon.toHours() <= 60),
    say: (p) => `forecastHorizon ${p.forecastHorizon} must be between 1 h and 60 h: Cloud Monitoring forecasts 1 to 60 hours ahead`,
  },
  {
    when: (p) => notRatio(p.degradedRatioThreshold),
    say: (p) => `degradedRatioThreshold ${p.degradedRatioThreshold} must be in (0, 1]: e.g. 0.05 for 5% of turns`,
  },
  {
    when: (p) => notRatio(p.noMatchRatioThreshold),
    say: (p) => `noMatchRatioThreshold ${p.noMatchRatioThreshold} must be in (0, 1]: e.g. 0.3 for 30% of turns`,
  },
  {
    when: (p) => known(p.qualityScoreTarget) && !(p.qualityScoreTarget > 0 && p.qualityScoreTarget < 1),
    say: (p) =>
      `qualityScoreTarget ${p.qualityScoreTarget} must be between 0 and 1 (exclusive): it is the mean quality score (0..1) conversations should reach, e.g. 0.7; at 0 the alert could never fire, at 1 every imperfect conversation would fire it`,
  },
  {
    when: (p) => knownDuration(p.autoClose) && !(p.autoClose.toMinutes() >= 30 && p.autoClose.toDays() <= 7),
    say: (p) => `autoClose ${p.autoClose} must be between 30 min and 7 d: Cloud Monitoring auto-closes after 30 minutes to 7 days`,
  },
  {
    when: (p) => known(p.nlpQuotaPerMinute) && !(p.nlpQuotaPerMinute > 0),
    say: (p) =>
      `nlpQuotaPerMinute ${p.nlpQuotaPerMinute} must be greater than 0: the quota shown on the Natural Language API's Quotas page`,
  },
];
