import { describeImpact } from './impact';
import { StoredIncident } from './store';

/**
 * The post-incident review, generated from the stored incident: the facts (when, which alerts,
 * what they did to users, what the automation did and undid, the timeline) filled in, the analysis
 * left for the review meeting. Deterministic: the same stored incident gives the same document.
 */
export function renderReview(incident: StoredIncident, options: { readonly runbookBaseUrl: string }): string {
  const time = (s: number | undefined) => (s === undefined ? '—' : new Date(s * 1000).toISOString().replace('.000Z', 'Z'));
  const clock = (s: number) => new Date(s * 1000).toISOString().slice(11, 19);
  const minutes = (from: number, to: number | undefined) => (to === undefined ? '—' : `${((to - from) / 60).toFixed(1)} min`);
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const causes = incident.alerts.filter((a) => !a.inhibitedBy);
  const explained = incident.alerts.length - causes.length;
  const regions = [...new Set(incident.alerts.map((a) => a.alert.region).filter(Boolean))].sort();
  const messages = incident.timeline.filter((e) => e.kind === 'message').length;
  const firstResponse = incident.actions.filter((a) => !a.reverts);
  const reverts = incident.actions.filter((a) => a.reverts);
  const count = (mode: string) => firstResponse.filter((a) => a.mode === mode).length;
  const kinds = [...new Set(incident.alerts.map((a) => a.alert.kind))].sort();
  const base = options.runbookBaseUrl.replace(/\/+$/, '');
  const impact = incident.impact;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

  const lines = [
    `# Post-incident review: ${incident.id}`,
    '',
    `Generated from the stored incident timeline (\`npm run incident:review -- --incident ${incident.id}\`). The facts below are`,
    'filled in; the sections marked _to write_ are for the review meeting.',
    '',
    '| | |',
    '| --- | --- |',
    `| Incident | \`${incident.id}\` (${incident.key}) |`,
    `| Severity | ${incident.severity} |`,
    `| State | ${incident.state} |`,
    `| First alert | ${time(incident.openedAt)} |`,
    `| Announced | ${time(incident.announcedAt)} (${minutes(incident.openedAt, incident.announcedAt)} after the first alert) |`,
    `| Resolved | ${time(incident.resolvedAt)} |`,
    `| Duration | ${minutes(incident.openedAt, incident.resolvedAt)} |`,
    `| Regions | ${regions.join(', ') || 'global'} |`,
    `| Alerts in | ${incident.alerts.length} (${causes.length} cause${causes.length === 1 ? '' : 's'}, ${explained} explained by them) |`,
    `| Messages out | ${messages} |`,
    `| Automated actions | ${firstResponse.length} (${count('ran')} diagnostics, ${count('applied')} applied, ${count('dry-run')} dry run, ${count('skipped')} skipped, ${count('failed')} failed); ${reverts.length} reverts |`,
    `| Automation stopped | ${incident.automationStoppedBy ? `by ${incident.automationStoppedBy} at ${time(incident.automationStoppedAt)}` : 'no'} |`,
    '',
    '## Impact',
    '',
    ...(impact
      ? [
          '| measure | value |',
          '| --- | --- |',
          `| Conversations affected | ${impact.affectedSessions} |`,
          `| Turns degraded or slow | ${impact.affectedTurns} of ${impact.totalTurns} |`,
          `| Share of traffic | ${pct(impact.shareOfTraffic)} |`,
          `| Regions with affected turns | ${impact.regions.join(', ') || 'none'} |`,
          `| Latency error budget burned | ${pct(impact.latencyBudgetBurned)} |`,
          ...(impact.unreadShards?.length
            ? [
                `| Measured on | ${(impact.shards ?? 0) - impact.unreadShards.length} of ${impact.shards} shards (${impact.unreadShards.map((s) => `shard ${s}`).join(', ')} unreadable: counts are lower bounds) |`,
              ]
            : []),
          '',
          describeImpact(impact),
        ]
      : ['Unknown: the responder had no turn log to measure it from.']),
    '',
    '## Alerts',
    '',
    '| alert | kind | region | fired | closed | explained by |',
    '| --- | --- | --- | --- | --- | --- |',
    ...incident.alerts.map(
      ({ alert, inhibitedBy }) =>
        `| \`${alert.id}\` | ${alert.kind} | ${alert.region ?? 'global'} | ${clock(alert.startedAt)} | ${alert.endedAt ? clock(alert.endedAt) : 'open'} | ${inhibitedBy ? `\`${inhibitedBy}\`` : '—'} |`,
    ),
    '',
    '## Automated actions (audit)',
    '',
    ...(incident.actions.length > 0
      ? [
          '| time | action | scope | result | what |',
          '| --- | --- | --- | --- | --- |',
          ...incident.actions.map(
            (a) =>
              `| ${clock(a.at)} | ${a.reverts ? `revert ${a.type} (of \`${a.reverts}\`)` : a.type} | ${a.scope} | ${a.mode}${a.actor === 'responder' ? '' : ` (${cell(a.actor)})`} | ${cell(a.summary)} |`,
          ),
        ]
      : ['None ran.']),
    '',
    '## Timeline (UTC)',
    '',
    ...incident.timeline.map((e) => `- ${clock(e.at)} — ${e.what}`),
    '',
    '## Runbooks',
    '',
    ...kinds.map((k) => `- [${k}](${base}/${k}.md)`),
    '',
    '## Analysis (to write)',
    '',
    '- **What happened**, in two sentences:',
    '- **Why** (the cause behind the cause):',
    '- **Detection**: did the right alert fire first, and was the grouping right?',
    '- **First response**: did the automated actions help; should a runbook call for more, or less?',
    '- **Follow-ups** (owner, issue):',
    '',
  ];
  return lines.join('\n');
}
