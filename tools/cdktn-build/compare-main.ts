import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareOutputs, KNOWN_DIFFERENCES, readStacks, synthReferenceApp } from './compare-synth';

/**
 * `npm run synth:compare [-- <cdktn outdir, default cdktn.out>]`: synthesize the reference app with
 * both builds and fail unless every stack's JSON is equal apart from the documented differences. The
 * CDK Terrain output stays in the outdir for the policy gate and the Terraform tier.
 */
const args = process.argv.slice(2);
if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
  console.error('usage: npm run synth:compare [-- <cdktn output dir, default cdktn.out>]');
  process.exit(2);
}
try {
  const cdktnOut = path.resolve(args[0] ?? 'cdktn.out');
  const cdktfOut = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-cdktf-synth-'));
  synthReferenceApp(cdktfOut, 'cdktf');
  synthReferenceApp(cdktnOut, 'cdktn');
  const stacks = [...readStacks(cdktfOut).keys()];
  const differences = compareOutputs(cdktfOut, cdktnOut);
  fs.rmSync(cdktfOut, { recursive: true, force: true });
  for (const d of differences) console.error(`${d.stack}: differs at\n  ${d.paths.join('\n  ')}`);
  if (differences.length > 0) {
    console.error('synth:compare: the CDK Terrain build synthesizes different Terraform; see docs/maintenance/cdk-terrain.md');
    process.exitCode = 1;
  } else {
    const ignored = KNOWN_DIFFERENCES.map((k) => k.path).join(', ');
    console.log(`synth:compare: ${stacks.length} stacks (${stacks.join(', ')}) equal under cdktf and CDK Terrain, apart from ${ignored}`);
  }
} catch (e) {
  console.error(`synth:compare: ${(e as Error).message}`);
  process.exitCode = 1;
}
