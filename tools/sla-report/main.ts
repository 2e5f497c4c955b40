import { parseArgs, runSlaReport } from './sla-report';

/** `npm run sla-report -- --from ... --to ...`: exit 0 with the report written, 2 on bad usage, 1 on API errors. */
async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  try {
    const { report } = await runSlaReport(options);
    const breached = report.slos.filter((s) => s.slaBreached).length;
    console.log(
      `${report.slos.length} SLOs, ${report.incidents.length} incidents, ${breached} SLA breach(es): ${options.outDir}/sla-report.{md,html}`,
    );
  } catch (e) {
    console.error(`sla-report: ${(e as Error).message}`);
    process.exit(1);
  }
}

void main();
