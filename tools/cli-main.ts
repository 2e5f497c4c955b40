/**
 * The exit-code contract of every report command (`sla-report`, `experiments:report`,
 * `analytics:report`, `improvement:prioritize`): 0 with the report written, 2 when the arguments
 * are wrong (the message carries the usage), 1 when the run failed (database, unreadable file).
 */
export function runCli<O>(name: string, parse: (argv: string[]) => O, run: (options: O) => Promise<void>): void {
  let options: O;
  try {
    options = parse(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  run(options).catch((e: unknown) => {
    console.error(`${name}: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
