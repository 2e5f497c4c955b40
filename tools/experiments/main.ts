import { runCli } from '../cli-main';
import { parseArgs, runExperimentsReport } from './experiments-report';

/** `npm run experiments:report -- ...`: exit 0 with the report written, 2 on bad usage, 1 on errors (unreadable file, database). */
runCli('experiments:report', parseArgs, async (options) => {
  const { report } = await runExperimentsReport(options);
  for (const e of report.experiments) console.log(`${e.experimentId}: ${e.verdict.kind} — ${e.verdict.text}`);
  console.log(`${report.experiments.length} experiment(s): ${options.outDir}/experiments-report.{md,json}`);
});
