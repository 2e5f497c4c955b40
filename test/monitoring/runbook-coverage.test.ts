/**
 * Every alert policy links a runbook that exists, and every runbook is linked by some alert.
 *
 * Generic over the reference app: every stack of every configured environment, whatever
 * construct created its alerts. Alerts that the reference app does not switch on yet (e.g. Cloud
 * SQL forecasts before a database is part of it) come from LIBRARY_ALERTS: each construct's alerts
 * with every optional alert turned on. Add yours there when a runbook is only reachable that way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { DEFAULT_RUNBOOK_BASE_URL, RUNBOOK_DIR } from '../../constructs/core/runbooks';
import { ScalableWebhook } from '../../constructs/scalable-webhook/scalable-webhook';
import { MultiRegionDb } from '../../constructs/multi-region-db/multi-region-db';
import { SloAlerting } from '../../constructs/slo-alerting/slo-alerting';
import { SloTarget } from '../../constructs/slo-alerting/slo-target';
import { DEFAULT_CONFIG } from '../../stacks/config';
import { WebhookPlatformStack } from '../../stacks/webhook-platform-stack';
import { IMAGE, Json, PROD_PROPS, platformStack, resources, synth } from '../helpers/synth';
import { FixedKeys } from '../helpers/fixed-keys';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RUNBOOKS = path.join(REPO_ROOT, RUNBOOK_DIR);
const SECTIONS = ['## What fired', '## User impact', '## First checks', '## Mitigations', '## Escalation'];
const LINK = new RegExp(`${DEFAULT_RUNBOOK_BASE_URL.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/([a-z0-9-]+)\\.md`, 'g');

interface Alert {
  readonly source: string;
  readonly name: string;
  readonly block: Json;
}

function alertsOf(source: string, json: Json): Alert[] {
  return Object.entries(resources(json, 'google_monitoring_alert_policy')).map(([name, block]) => ({ source, name, block }));
}

/** Every alert policy of every stack of the reference app. */
function referenceAlerts(): Alert[] {
  return DEFAULT_CONFIG.environments.flatMap((env) => alertsOf(`stack ${env.name}`, synth(new WebhookPlatformStack(Testing.app(), env))));
}

/** Library constructs with every optional alert on. */
const LIBRARY_ALERTS: Array<[string, () => Json]> = [
  [
    'SloAlerting (all options)',
    () => {
      const stack = platformStack(PROD_PROPS);
      const webhook = new ScalableWebhook(stack, 'webhook', { image: IMAGE, domains: ['hook.acme.dev'], projectNumber: '42' });
      new SloAlerting(stack, 'slo', {
        target: SloTarget.fromWebhook(webhook),
        pageChannels: ['projects/p/notificationChannels/1'],
        uptimeHost: 'hook.acme.dev',
        database: new MultiRegionDb(stack, 'db', {
          network: 'projects/acme-convai-prod/global/networks/convai',
          encryptionKeys: new FixedKeys(),
        }),
        nlpQuotaPerMinute: 600,
      });
      return synth(stack);
    },
  ],
];

const linksOf = (alert: Alert): string[] => [...String(alert.block.documentation?.content ?? '').matchAll(LINK)].map((m) => m[1]);
const runbookFiles = (): string[] =>
  fs
    .readdirSync(RUNBOOKS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();

describe('alerts and runbooks', () => {
  const reference = referenceAlerts();
  const library = LIBRARY_ALERTS.flatMap(([source, build]) => alertsOf(source, build()));
  const all = [...reference, ...library];

  test('the reference app has alerts (the checks below are not vacuous)', () => {
    expect(reference.filter((a) => a.source === 'stack prod').length).toBeGreaterThan(5);
  });

  test('every alert policy links exactly one runbook, and the runbook exists', () => {
    const problems = all.flatMap((a) => {
      const links = linksOf(a);
      if (links.length !== 1) return [`${a.source} ${a.name}: ${links.length} runbook links in documentation.content`];
      return fs.existsSync(path.join(RUNBOOKS, `${links[0]}.md`))
        ? []
        : [`${a.source} ${a.name}: ${RUNBOOK_DIR}/${links[0]}.md does not exist`];
    });
    expect(problems).toEqual([]);
  });

  test('every runbook is linked by some alert', () => {
    const linked = new Set(all.flatMap(linksOf));
    expect(runbookFiles().filter((f) => !linked.has(f))).toEqual([]);
  });

  test.each(runbookFiles())('%s.md has the five sections, in order, and first checks with exact commands', (name) => {
    const text = fs.readFileSync(path.join(RUNBOOKS, `${name}.md`), 'utf8');
    const positions = SECTIONS.map((s) => text.split('\n').findIndex((line) => line.trim() === s));
    expect({ name, positions: positions.map((p) => p >= 0) }).toEqual({ name, positions: SECTIONS.map(() => true) });
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const firstChecks = text.slice(text.indexOf('## First checks'), text.indexOf('## Mitigations'));
    expect(firstChecks).toMatch(/`[^`]*(gcloud|curl|SELECT|rate\(|histogram_quantile)[^`]*`/);
  });
});
