/**
 * Find the synthesized stacks and prepare a scannable copy of each.
 *
 * checkov 3.3.30 cannot parse a top-level `terraform.required_version` in Terraform JSON: it logs
 * "Failed to parse template", lists the file under parsing_errors, runs no check and still exits 0.
 * So every stack is copied (cdktf.out is never edited) with that key removed, written with
 * `JSON.stringify(doc, null, 2)` so that resource start lines are known (see results.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PolicySetupError } from './errors';

export interface StackFile {
  /** The stack name: its folder under `stacks/`. */
  readonly name: string;
  /** The synthesized `cdk.tf.json`. */
  readonly file: string;
}

export interface PreparedStack extends StackFile {
  /** Folder holding only the prepared `cdk.tf.json`: scan this. */
  readonly scanDir: string;
  /** The prepared file. */
  readonly scanFile: string;
  /** The parsed document, as scanned. */
  readonly doc: Record<string, any>;
  /** The prepared file's text, as scanned. */
  readonly text: string;
  /** What was changed on the copy, for the report. */
  readonly changes: string[];
}

/** Every `<stacksDir>/<stack>/cdk.tf.json`, sorted by stack name. */
export function findStacks(stacksDir: string): StackFile[] {
  if (!fs.existsSync(stacksDir)) {
    throw new PolicySetupError(
      `no synthesized stacks: ${stacksDir} does not exist. Run \`cdktf synth\` first (in this repository: \`npm run synth\`).`,
    );
  }
  const stacks = fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, file: path.join(stacksDir, d.name, 'cdk.tf.json') }))
    .filter((s) => fs.existsSync(s.file))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (stacks.length === 0) {
    throw new PolicySetupError(
      `no synthesized stacks: no ${path.join(stacksDir, '*', 'cdk.tf.json')}. Run \`cdktf synth\` first (in this repository: \`npm run synth\`).`,
    );
  }
  return stacks;
}

/** Parse a stack's JSON, with an error that names the file. */
export function readStack(file: string): Record<string, any> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PolicySetupError(
      `cannot read ${file} as JSON (${(err as Error).message}): run \`cdktf synth\` (here: \`npm run synth\`) again`,
    );
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new PolicySetupError(`${file} is not a Terraform JSON object: run \`cdktf synth\` (here: \`npm run synth\`) again`);
  }
  return doc as Record<string, any>;
}

/** The document checkov can scan: a deep copy without `terraform.required_version`. */
export function scannableCopy(doc: Record<string, any>): { doc: Record<string, any>; changes: string[] } {
  const copy = JSON.parse(JSON.stringify(doc)) as Record<string, any>;
  const changes: string[] = [];
  const tf = copy.terraform;
  const blocks = Array.isArray(tf) ? tf : tf && typeof tf === 'object' ? [tf] : [];
  for (const block of blocks) {
    if (block && typeof block === 'object' && 'required_version' in block) {
      delete block.required_version;
      changes.push('removed terraform.required_version (checkov 3.3.30 cannot parse it in JSON)');
    }
  }
  return { doc: copy, changes };
}

/**
 * Resources checkov would pass over in silence. checkov 3.3.30 (`terraform_json`) drops every
 * resource holding a `dynamic` block, at any depth: no check, ours or built-in, reports on it, so
 * the gate would pass it unseen (verified: a bucket with a dynamic `lifecycle_rule` gets no result
 * while its plain neighbour gets all of them). Returns `type.name (construct path)` for each.
 */
export function unscannableResources(doc: Record<string, any>): string[] {
  const hasDynamic = (value: unknown): boolean =>
    Array.isArray(value)
      ? value.some(hasDynamic)
      : !!value && typeof value === 'object' && Object.entries(value).some(([k, v]) => k === 'dynamic' || hasDynamic(v));
  return Object.entries<Record<string, any>>(doc.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries<Record<string, any>>(byName ?? {})
      .filter(([, block]) => hasDynamic(block))
      .map(([name, block]) => `${type}.${name}${block?.['//']?.metadata?.path ? ` (${block['//'].metadata.path})` : ''}`),
  );
}

/** Write the scannable copy of `stack` as `scanDir/cdk.tf.json` (scanDir should hold nothing else). */
export function prepareStack(stack: StackFile, scanDir: string): PreparedStack {
  const source = readStack(stack.file);
  const unscannable = unscannableResources(source);
  if (unscannable.length > 0) {
    throw new PolicySetupError(
      `${stack.name}: checkov cannot scan ${unscannable.length} resource(s) with a \`dynamic\` block and would pass them unseen: ${unscannable.join(', ')}. ` +
        'Fix: write the blocks out (a literal list instead of a cdktf iterator) so every resource is judged.',
    );
  }
  const { doc, changes } = scannableCopy(source);
  fs.mkdirSync(scanDir, { recursive: true });
  const scanFile = path.join(scanDir, 'cdk.tf.json');
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  fs.writeFileSync(scanFile, text);
  return { ...stack, scanDir, scanFile, doc, text, changes };
}
