import { runCli } from '../cli-main';
import { parseArgs, runSlaReport } from './sla-report';

/** `npm run sla-report -- --from ... --to ...`: exit 0 with the report written, 2 on bad usage, 1 on API errors. */
runCli('sla-report', parseArgs, async (options) => {
  const { report } = await runSlaReport(options);
  const breached = report.slos.filter((s) => s.slaBreached).length;
  console.log(
    `${report.slos.length} SLOs, ${report.incidents.length} incidents, ${breached} SLA breach(es): ${options.outDir}/sla-report.{md,html}`,
  );
});
