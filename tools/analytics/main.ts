import { runCli } from '../cli-main';
import { runAnalyticsReport } from './analytics-report';
import { parseArgs } from './options';

/** `npm run analytics:report -- [--from ... --to ...]`: exit 0 with the report written, 2 on bad usage, 1 on database errors. */
runCli('analytics:report', parseArgs, async (options) => {
  const { file, data } = await runAnalyticsReport(options);
  console.log(`${data.summary.conversations} conversations, ${data.summary.turns} turns, ${data.summary.feedback} feedback: ${file}`);
});
