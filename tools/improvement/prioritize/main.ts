import { openReportDatabase } from '../shard-union';
import { runCli } from '../../cli-main';
import { parseArgs } from './args';
import { NO_EFFORT_FILE, loadEffortFile } from './effort';
import { buildPriorities, writePriorities } from './prioritize';

/** `npm run improvement:prioritize -- ...`: exit 0 with the report written, 2 on bad usage, 1 on errors (bad effort file, database). */
runCli('improvement:prioritize', parseArgs, async (options) => {
  const effort = options.effortFile === undefined ? NO_EFFORT_FILE : loadEffortFile(options.effortFile);
  const db = openReportDatabase(options.databaseUrls ?? [options.databaseUrl], { period: options.period });
  try {
    const report = await buildPriorities(db, {
      period: options.period,
      target: options.target,
      minSample: options.minSample,
      effort,
      experimentsPath: options.experimentsPath,
      top: options.top,
    });
    const files = writePriorities(report, options.outDir);
    const urgent = report.urgent.length;
    console.log(
      `${report.rankedTotal} ranked, ${report.watch.length} to watch${urgent > 0 ? `, ${urgent} URGENT` : ''}: ${files.markdown}, ${files.json}`,
    );
  } finally {
    await db.close();
  }
});
