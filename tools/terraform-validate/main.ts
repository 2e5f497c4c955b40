import * as path from 'node:path';
import { runCli } from '../cli-main';
import { formatResult, validateSynthesizedStacks } from './terraform-validate';

/**
 * `npm run terraform:validate [-- <cdktf.out>]`: every synthesized stack through `terraform init`
 * + `terraform validate` with the real providers. Exit 0 when every stack has 0 errors and 0
 * warnings, 1 otherwise, 2 on bad usage.
 */
runCli(
  'terraform:validate',
  (argv) => {
    if (argv.length > 1 || argv.some((a) => a.startsWith('-')))
      throw new Error('usage: npm run terraform:validate [-- <cdktf output dir, default cdktf.out>]');
    return { outdir: path.resolve(argv[0] ?? 'cdktf.out') };
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
