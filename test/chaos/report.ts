/**
 * reports/chaos.json (one entry per scenario, with every hypothesis and its evidence) and
 * reports/chaos.md (the summary table that docs/disaster_recovery/chaos.md quotes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BUDGET_MS, Figures, HypothesisResult } from './hypotheses';

export interface ScenarioEntry extends Figures {
  readonly name: string;
  readonly fault: string;
  /** Whole scenario, baseline to drained, in seconds. */
  readonly durationSeconds: number;
  /** How long the fault was in place, in seconds. */
  readonly faultSeconds: number;
  readonly budgetMs: number;
  readonly passed: boolean;
  readonly hypotheses: readonly HypothesisResult[];
  /** The poison rating's fate, in the poison scenario. */
  readonly poison?: string;
  /** Set when the harness itself failed (the scenario could not be run to the end). */
  readonly error?: string;
}

export interface ChaosReport {
  readonly date: string;
  readonly machine: { readonly cores: number; readonly cpu: string; readonly node: string };
  readonly settings: Record<string, unknown>;
  readonly logDir: string;
  readonly passed: boolean;
  readonly scenarios: readonly ScenarioEntry[];
}

export function failedEntry(name: string, fault: string, error: string): ScenarioEntry {
  return {
    name,
    fault,
    durationSeconds: 0,
    faultSeconds: 0,
    budgetMs: BUDGET_MS,
    requests: 0,
    non2xx: 0,
    noReply: 0,
    failovers: 0,
    p50Ms: 0,
    p99Ms: 0,
    maxMs: 0,
    degradedBeforeFault: 0,
    degradedDuringFault: 0,
    degradedAfterRecovery: 0,
    feedbackSent: 0,
    feedbackAccepted: 0,
    feedbackStored: 0,
    feedbackDuplicates: 0,
    feedbackRetries: 0,
    passed: false,
    hypotheses: [{ name: 'scenario-ran', statement: 'the scenario runs to the end', passed: false, detail: error }],
    error,
  };
}

export function markdown(report: ChaosReport): string {
  const lines = [
    `# Chaos suite results`,
    '',
    `${report.date}, ${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}. ` +
      `${report.scenarios.filter((s) => s.passed).length} of ${report.scenarios.length} scenarios held every hypothesis.`,
    '',
    '| scenario | fault | turns | non-2xx | p99 ms (budget) | degraded during / after | feedback accepted / stored once / duplicates (retries) | result |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const s of report.scenarios) {
    const failed = s.hypotheses.filter((h) => !h.passed).map((h) => h.name);
    lines.push(
      `| ${s.name} | ${s.fault} (${s.faultSeconds} s) | ${s.requests} | ${s.non2xx + s.noReply} | ${s.p99Ms} (${s.budgetMs}) | ` +
        `${s.degradedDuringFault} / ${s.degradedAfterRecovery} | ${s.feedbackAccepted} / ${s.feedbackStored} / ${s.feedbackDuplicates} (${s.feedbackRetries}) | ` +
        `${s.passed ? 'pass' : `**fail**: ${failed.join(', ')}`} |`,
    );
  }
  const failures = report.scenarios.flatMap((s) =>
    s.hypotheses.filter((h) => !h.passed).map((h) => `- **${s.name}** ${h.name}: ${h.detail}`),
  );
  if (failures.length) lines.push('', '## Failed hypotheses', '', ...failures);
  lines.push('', `Runtime logs of this run: \`${report.logDir}\``, '');
  return lines.join('\n');
}

export function writeReport(jsonFile: string, mdFile: string, report: ChaosReport): void {
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(mdFile, markdown(report));
}
