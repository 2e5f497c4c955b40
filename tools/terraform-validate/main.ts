import * as path from 'node:path';
import { parseCommandLine } from '../cli-args';
import { runCli } from '../cli-main';
import { formatResult, validateSynthesizedStacks } from './terraform-validate';

/**
 * `npm run terraform:validate [-- <cdktf.out>]`: every synthesized stack through `terraform init`
 * + `terraform validate` with the real providers. Exit 0 when every stack has 0 errors and 0
 * warnings, 1 otherwise, 2 on bad usage.
 */
const USAGE = 'usage: npm run terraform:validate [-- <cdktf output dir, default cdktf.out>]';

runCli(
  'terraform:validate',
  (argv) => {
    const { positionals } = parseCommandLine(argv, {}, USAGE, true);
    if (positionals.length > 1) throw new Error(`give one cdktf output dir, not ${positionals.length}\n${USAGE}`);
    return { outdir: path.resolve(positionals[0] ?? 'cdktf.out') };
  },
  async ({ outdir }) => {
    const results = await validateSynthesizedStacks(outdir);
    for (const result of results) console.log(formatResult(result));
    if (results.some((r) => r.errors + r.warnings > 0)) {
      console.error("terraform validate: fix every error and warning above (a deprecation warning is tomorrow's error)");
      process.exitCode = 1;
    }
  },
);
