import { cell, code, generatedPage, table } from './markdown';
import { SynthesizedStack, resourceBlocks } from './reference-stacks';

/** One alert policy of a synthesized stack, reduced to what an on-call reader looks up. */
export interface AlertSummary {
  readonly stack: string;
  readonly name: string;
  readonly severity: string;
  /** `page` or `ticket`: where the alert is routed (user_labels.severity). */
  readonly routing: string;
  /** Each condition in words, with its threshold and window. */
  readonly conditions: string[];
  /** How conditions combine: `AND` (multi-window burn rates) or `OR`. */
  readonly combiner: string;
  /** The runbook's file name under docs/monitoring/runbooks, when the documentation links one. */
  readonly runbook?: string;
  /** Construct path, e.g. `prod/slo/availability-fast-burn`. */
  readonly path: string;
}

const COMPARISON: Record<string, string> = { COMPARISON_GT: '>', COMPARISON_LT: '<', COMPARISON_GE: '≥', COMPARISON_LE: '≤' };

function seconds(duration: string | undefined): string {
  const s = Number(String(duration ?? '0s').replace(/s$/, ''));
  if (!s) return '';
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

function describeCondition(condition: Record<string, any>): string {
  const name = condition.display_name ?? '';
  if (condition.condition_threshold) {
    const t = condition.condition_threshold;
    const window = /select_slo_burn_rate\([^,]+,\s*\\?"(\d+s)/.exec(t.filter)?.[1];
    const held = seconds(t.duration);
    const rule = `${COMPARISON[t.comparison] ?? t.comparison} ${t.threshold_value ?? 0}${window ? ` burn rate over ${seconds(window)}` : ''}`;
    return `${name} (${rule}${held ? `, for ${held}` : ''})`;
  }
  if (condition.condition_absent) return `${name} (no data for ${seconds(condition.condition_absent.duration)})`;
  if (condition.condition_matched_log) return `${name} (log match)`;
  return name;
}

export function alertSummaries(stacks: readonly SynthesizedStack[]): AlertSummary[] {
  const out: AlertSummary[] = [];
  for (const { name: stack, json } of stacks) {
    for (const [type, , block] of resourceBlocks(json)) {
      if (type !== 'google_monitoring_alert_policy') continue;
      out.push({
        stack,
        name: block.display_name,
        severity: block.severity ?? '',
        routing: block.user_labels?.severity ?? '',
        conditions: (block.conditions ?? []).map(describeCondition),
        combiner: block.combiner ?? 'OR',
        runbook: /docs\/monitoring\/runbooks\/([\w-]+)\.md/.exec(block.documentation?.content ?? '')?.[1],
        path: block['//']?.metadata?.path ?? '',
      });
    }
  }
  const rank: Record<string, number> = { CRITICAL: 0, ERROR: 1, WARNING: 2 };
  return out.sort((a, b) => (rank[a.severity] ?? 9) - (rank[b.severity] ?? 9) || a.name.localeCompare(b.name));
}

export function alertsReferencePage(stacks: readonly SynthesizedStack[]): string {
  const alerts = alertSummaries(stacks);
  const sections = stacks.map(({ name }) => {
    const rows = alerts
      .filter((a) => a.stack === name)
      .map((a) => [
        cell(a.name),
        `${a.severity} (${a.routing})`,
        cell(a.conditions.join(` ${a.combiner} `)),
        a.runbook ? `[${a.runbook}](../monitoring/runbooks/${a.runbook}.md)` : '**none**',
        code(a.path),
      ]);
    return [`## Stack \`${name}\``, '', table(['alert', 'severity (routing)', 'fires when', 'runbook', 'construct'], rows), ''].join('\n');
  });
  return [
    generatedPage({
      title: 'Alerts',
      order: 30,
      sources: ['the synthesized reference stacks (stacks/, default configuration)'],
      intro:
        'Every Cloud Monitoring alert policy of the reference platform, per stack, as synthesized from the default ' +
        'configuration: severity and routing (CRITICAL pages `pageChannels`, ERROR and WARNING open tickets on ' +
        '`ticketChannels`), the conditions with their thresholds and windows (joined by the policy’s combiner: a ' +
        'multi-window burn-rate alert fires only when both windows burn), and the runbook each one links. Thresholds are derived in code ' +
        '(`BurnRate.alerts`, the forecast and quality rules): a platform with other objectives gets other numbers.',
    }),
    ...sections,
  ].join('\n');
}
