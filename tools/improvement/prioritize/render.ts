import { count, percent } from './format';
import type { PrioritiesReport } from './priorities-report';
import { Ranked, Watched } from './scoring';

/** A table cell: pipes and line breaks would break the row. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

const weeks = (w: number): string => `${Number(w.toFixed(2))}`;

function scoreText(x: number): string {
  return x >= 100 ? count(x) : x.toFixed(1);
}

function rankedRow(c: Ranked): string {
  const r = c.rice;
  return `| ${c.rank} | ${cell(c.urgent ? `**${c.key}** (urgent)` : c.key)} | ${cell(c.why)} | ${count(r.reach)} | ${r.impact} | ${percent(r.confidence)} | ${weeks(r.effort)}${r.effortSource === 'default' ? '' : '*'} | ${scoreText(r.score)} | ${cell(c.action)} |`;
}

function watchRow(c: Watched): string {
  return `| ${cell(c.key)} | ${cell(c.why)} | ${cell(c.reason)} | ${cell(c.action)} |`;
}

export function renderMarkdown(r: PrioritiesReport): string {
  const lines = [
    '# Improvement priorities',
    '',
    `Period: ${r.period.from} to ${r.period.to} (${Number(r.period.days.toFixed(2))} days). ` +
      `${count(r.traffic.conversations)} conversations` +
      (r.traffic.meanQuality === undefined ? '' : `, mean quality ${r.traffic.meanQuality.toFixed(2)}`) +
      `, ${count(r.traffic.feedbackSessions)} with feedback.` +
      (r.reference
        ? ` Quality is compared with ${r.reference.kind === 'target' ? 'the target' : 'the platform mean'} ${r.reference.quality.toFixed(2)}.`
        : ''),
    '',
    'Score = Reach × Impact × Confidence / Effort (RICE). R: conversations affected per month; I: 0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive; ' +
      'C: from the sample size; E: person-weeks (* from the effort file). See docs/improvement/prioritization.md.',
    '',
  ];
  if (r.urgent.length > 0) {
    lines.push(`> **Urgent, whatever the rank:** ${r.urgent.map((c) => `${c.key}: ${c.action}`).join('; ')}.`, '');
  }
  lines.push(`## Ranked (${r.ranked.length} of ${r.rankedTotal})`, '');
  if (r.ranked.length === 0) {
    lines.push('No candidate has enough data and a large enough problem to rank.');
  } else {
    lines.push(
      '| # | Candidate | Why | R | I | C | E | Score | Suggested action |',
      '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...r.ranked.map(rankedRow),
    );
  }
  lines.push('', `## Watch (under ${r.method.minSample} observations: not ranked)`, '');
  if (r.watch.length === 0) {
    lines.push('Nothing to watch.');
  } else {
    lines.push('| Candidate | Why | Reason | Suggested action |', '| --- | --- | --- | --- |', ...r.watch.map(watchRow));
  }
  if (r.notes.length > 0) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  lines.push('', `Generated ${r.generatedAt}.`, '');
  return lines.join('\n');
}
