import { formatDifference, formatInterval, formatP, formatPercent, formatRelative, formatValue } from './format';
import { ExperimentAnalysis, ExperimentsReport, MetricComparison } from './report-model';

const VERDICT_LABEL: Record<ExperimentAnalysis['verdict']['kind'], string> = {
  ship: 'SHIP',
  'do-not-ship': 'DO NOT SHIP',
  'no-difference': 'NO DIFFERENCE',
  srm: 'SAMPLE RATIO MISMATCH',
  'insufficient-data': 'NOT ENOUGH DATA',
};

/** `experiments-report.md`: per experiment, the verdict first, then the numbers behind it. */
export function renderMarkdown(report: ExperimentsReport): string {
  const lines = [
    '# Experiments report',
    '',
    `Generated ${report.generatedAt} from experiments file version ${report.configVersion}. ` +
      'Differences are variant − control; intervals are two-sided at the stated confidence; p-values are two-sided.',
    '',
  ];
  if (report.experiments.length === 0) lines.push('No experiments are defined.', '');
  for (const e of report.experiments) lines.push(...experimentSection(e));
  lines.push(
    '## How to read this',
    '',
    '- Proportions: pooled two-proportion z-test, Newcombe hybrid score interval. Means: Welch’s t-test and interval.',
    '- The primary metric decides; guardrails can only block. With several variants the primary metric is judged at alpha / (variants − 1).',
    '- SRM: chi-square test of the exposures against the configured split; p < 0.001 means assignment or logging is broken.',
    '- See docs/improvement/experiments.md.',
    '',
  );
  return lines.join('\n');
}

function experimentSection(e: ExperimentAnalysis): string[] {
  return [
    `## ${e.experimentId}`,
    '',
    ...(e.description ? [e.description, ''] : []),
    `**${VERDICT_LABEL[e.verdict.kind]}** — ${e.verdict.text}`,
    '',
    `Status ${e.status}; config version ${e.configVersion} (exposures counted from version${e.countedConfigVersions.length > 1 ? 's' : ''} ${e.countedConfigVersions.join(', ')}); ` +
      `primary metric \`${e.primaryMetric}\`; guardrails ${e.guardrailMetrics.length === 0 ? 'none' : e.guardrailMetrics.map((g) => `\`${g}\``).join(', ')}; ` +
      `alpha ${e.alpha}; minimum detectable effect ${formatPercent(e.minimumDetectableEffect)}.`,
    '',
    '### Exposures',
    '',
    '| Variant | Sessions | Share | Configured share |',
    '| --- | ---: | ---: | ---: |',
    ...e.exposures.map(
      (x) =>
        `| ${x.variant}${x.variant === e.control && x.variant !== 'control' ? ' (control)' : ''} | ${x.sessions} | ${formatPercent(x.share)} | ${formatPercent(x.expectedShare)} |`,
    ),
    '',
    `Sample ratio check: χ² = ${e.srm.chiSquare.toFixed(2)}, df ${e.srm.degreesOfFreedom}, p = ${formatP(e.srm.pValue)} — ` +
      (e.srm.mismatch ? `**mismatch** (p < ${e.srm.threshold}).` : `no mismatch (threshold ${e.srm.threshold}).`),
    '',
    '### Metrics',
    '',
    '| Metric | Role | Variant | Control | Variant value | Difference | Relative | CI | p | Result |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- |',
    ...e.comparisons.map(row),
    '',
    `Sample size: ${e.sampleSize.note}`,
    '',
    ...(e.notes.length === 0 ? [] : ['Notes:', '', ...e.notes.map((n) => `- ${n}`), '']),
  ];
}

function row(c: MetricComparison): string {
  const ci = c.ci === null ? 'n/a' : `${formatInterval(c.kind, c.ci)} (${Math.round(c.confidenceLevel * 1000) / 10}%)`;
  const result =
    c.notEnoughData !== null
      ? `not enough data: ${c.notEnoughData}`
      : c.harmful
        ? '**harmful**'
        : c.significant
          ? '**better**'
          : 'not significant';
  return (
    `| ${c.metric} | ${c.role} | ${c.variant} | ${formatValue(c.kind, c.controlValue)} (n=${c.controlSessions}) | ` +
    `${formatValue(c.kind, c.variantValue)} (n=${c.variantSessions}) | ${formatDifference(c.kind, c.difference)} | ${formatRelative(c.relativeDifference)} | ` +
    `${ci} | ${formatP(c.pValue)} | ${result} |`
  );
}
