import { runAnalyticsReport } from './analytics-report';
import { parseArgs } from './options';

/** `npm run analytics:report -- [--from ... --to ...]`: exit 0 with the report written, 2 on bad usage, 1 on database errors. */
async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  try {
    const { file, data } = await runAnalyticsReport(options);
    console.log(`${data.summary.conversations} conversations, ${data.summary.turns} turns, ${data.summary.feedback} feedback: ${file}`);
  } catch (e) {
    console.error(`analytics:report: ${(e as Error).message}`);
    process.exit(1);
  }
}

void main();
