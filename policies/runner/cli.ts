#!/usr/bin/env node
/**
 * The `convai-policy` command (package.json `bin`; compiled to lib/policy-gate/cli.js by
 * tsconfig.policy.json). Also what `npm run policy` runs in this repository. See main.ts.
 */
import { EXIT_SETUP, main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`policy gate crashed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = EXIT_SETUP;
  },
);
