import { parseArgs, runExperimentsReport } from './experiments-report';

/** `npm run experiments:report -- ...`: exit 0 with the report written, 2 on bad usage, 1 on errors (unreadable file, database). */
async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  try {
    const { report } = await runExperimentsReport(options);
    for (const e of report.experiments) console.log(`${e.experimentId}: ${e.verdict.kind} — ${e.verdict.text}`);
    console.log(`${report.experiments.length} experiment(s): ${options.outDir}/experiments-report.{md,json}`);
  } catch (e) {
    console.error(`experiments:report: ${(e as Error).message}`);
    process.exit(1);
  }
}

void main();
