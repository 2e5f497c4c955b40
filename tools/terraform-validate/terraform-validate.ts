/**
 * Terraform's own judgement of what we synthesize: `terraform init -backend=false` and
 * `terraform validate -json` with the real providers our bindings were generated from
 * (hashicorp/google 6.50.0, hashicorp/kubernetes 2.38.0), installed offline from
 * `../shared/terraform-providers/` as a filesystem mirror.
 *
 * `validate` checks what our JSON assertions and checkov cannot: every attribute and block against
 * the provider schema, references, `depends_on` syntax, `${...}` interpolations inside strings, and
 * the providers' value validators. We require 0 errors **and** 0 warnings: a deprecation warning is
 * tomorrow's error.
 *
 * Cost: `init` is done once per provider set (the `required_providers` a configuration declares),
 * in a directory of its own; each configuration is then validated with `TF_DATA_DIR` pointing at
 * that directory, so no configuration re-installs or re-links providers.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot } from '../../policies/runner/main';

const execFileAsync = promisify(execFile);

export const TERRAFORM_VERSION = '1.11.4';
const REPO_ROOT = findRepoRoot(__dirname);

/** Where the provider binaries and `install-mirror.sh` are: `$CONVAI_TERRAFORM_PROVIDERS`, else `../shared/terraform-providers`. */
export function providersSource(repoRoot = REPO_ROOT): string {
  return process.env.CONVAI_TERRAFORM_PROVIDERS ?? path.resolve(repoRoot, '..', 'shared', 'terraform-providers');
}

/** The mirror, CLI config and plugin cache: `$CONVAI_TERRAFORM_CACHE`, else `~/.cache/convai-terraform`. */
export function cacheDir(): string {
  return process.env.CONVAI_TERRAFORM_CACHE ?? path.join(os.homedir(), '.cache', 'convai-terraform');
}

export interface TerraformToolchain {
  /** The terraform binary (1.11.4). */
  readonly terraform: string;
  /** Environment for every terraform call: the mirror's CLI config, the plugin cache, no telemetry. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Find terraform 1.11.4 (on the PATH, or built by `scripts/ensure-terraform.sh` into `.tools/`) and
 * lay out the provider mirror. Throws with the command that fixes it.
 */
export function prepareTerraform(repoRoot = REPO_ROOT): TerraformToolchain {
  const candidates = [path.join(repoRoot, '.tools', 'go', 'bin', 'terraform'), 'terraform'];
  const terraform = candidates.find((bin) => terraformVersion(bin) === TERRAFORM_VERSION);
  if (!terraform) {
    throw new Error(
      `terraform ${TERRAFORM_VERSION} was not found on the PATH nor in .tools/go/bin: run \`bash scripts/ensure-terraform.sh\` (builds it from the Go module proxy)`,
    );
  }
  const source = providersSource(repoRoot);
  const installer = path.join(source, 'install-mirror.sh');
  if (!fs.existsSync(installer)) {
    throw new Error(
      `the offline provider mirror is missing: ${installer} does not exist. Set CONVAI_TERRAFORM_PROVIDERS to the folder holding install-mirror.sh and the provider binaries`,
    );
  }
  const cache = cacheDir();
  const cliConfig = execFileSync('bash', [installer, cache], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const pluginCache = path.join(cache, 'plugin-cache');
  fs.mkdirSync(pluginCache, { recursive: true });
  return {
    terraform,
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_PLUGIN_CACHE_DIR: pluginCache,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    },
  };
}

function terraformVersion(bin: string): string | undefined {
  try {
    const out = execFileSync(bin, ['version', '-json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
    return (JSON.parse(out) as { terraform_version?: string }).terraform_version;
  } catch {
    return undefined;
  }
}

/** One Terraform root module to validate: its files by name (`cdk.tf.json`, `main.tf.json`, ...). */
export interface TerraformConfiguration {
  /** What to call it in messages: a stack name, a fixture set. */
  readonly name: string;
  readonly files: Readonly<Record<string, unknown>>;
}

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  /** The resource address when terraform gives one, else `file:line:column`. */
  readonly where: string;
  /** The offending line of the configuration, trimmed. */
  readonly code?: string;
}

export interface ValidationResult {
  readonly name: string;
  readonly diagnostics: Diagnostic[];
  readonly errors: number;
  readonly warnings: number;
}

interface TerraformValidateJson {
  error_count: number;
  warning_count: number;
  diagnostics: {
    severity: 'error' | 'warning';
    summary: string;
    detail?: string;
    address?: string;
    range?: { filename: string; start: { line: number; column: number } };
    snippet?: { code?: string; highlight_start_offset?: number; highlight_end_offset?: number };
  }[];
}

/** The `terraform.required_providers` of a configuration, merged over its files. */
function requiredProviders(config: TerraformConfiguration): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const doc of Object.values(config.files)) {
    const terraformBlock = (doc as { terraform?: { required_providers?: Record<string, unknown> } }).terraform;
    Object.assign(merged, terraformBlock?.required_providers ?? {});
  }
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Validate each configuration with the real providers. Configurations that declare the same
 * `required_providers` share one `terraform init`.
 */
export async function validateConfigurations(
  configs: readonly TerraformConfiguration[],
  toolchain: TerraformToolchain = prepareTerraform(),
): Promise<ValidationResult[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-tf-validate-'));
  try {
    const providerSets = new Map<string, string>();
    const initFor = async (providers: Record<string, unknown>): Promise<string> => {
      const key = JSON.stringify(providers);
      const existing = providerSets.get(key);
      if (existing) return existing;
      const dir = path.join(work, `providers-${providerSets.size}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'providers.tf.json'), JSON.stringify({ terraform: { required_providers: providers } }));
      await run(toolchain, ['init', '-backend=false', '-input=false', '-no-color'], dir, {});
      providerSets.set(key, dir);
      return dir;
    };

    const results: ValidationResult[] = [];
    for (const [index, config] of configs.entries()) {
      const providersDir = await initFor(requiredProviders(config));
      const dir = path.join(work, `config-${index}`);
      fs.mkdirSync(dir);
      for (const [file, doc] of Object.entries(config.files)) {
        fs.writeFileSync(path.join(dir, file), JSON.stringify(doc, null, 2));
      }
      fs.copyFileSync(path.join(providersDir, '.terraform.lock.hcl'), path.join(dir, '.terraform.lock.hcl'));
      // validate exits 1 when the configuration is invalid; the JSON on stdout is the answer either way.
      const stdout = await run(
        toolchain,
        ['validate', '-json', '-no-color'],
        dir,
        { TF_DATA_DIR: path.join(providersDir, '.terraform') },
        true,
      );
      results.push(toResult(config.name, JSON.parse(stdout) as TerraformValidateJson));
    }
    return results;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Validate every `<outdir>/stacks/<name>/cdk.tf.json` that `cdktf synth` wrote. */
export async function validateSynthesizedStacks(outdir: string, toolchain?: TerraformToolchain): Promise<ValidationResult[]> {
  const stacksDir = path.join(outdir, 'stacks');
  const names = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).sort() : [];
  if (names.length === 0) throw new Error(`no synthesized stacks under ${stacksDir}: run \`npm run synth\` first`);
  const configs = names.map((name) => ({
    name,
    files: { 'cdk.tf.json': JSON.parse(fs.readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8')) as unknown },
  }));
  return validateConfigurations(configs, toolchain);
}

async function run(
  toolchain: TerraformToolchain,
  args: string[],
  cwd: string,
  extraEnv: NodeJS.ProcessEnv,
  allowFailure = false,
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(toolchain.terraform, args, { cwd, env: { ...toolchain.env, ...extraEnv }, maxBuffer: 64 << 20 });
    return stdout;
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (allowFailure && err.stdout) return err.stdout;
    throw new Error(`\`terraform ${args.join(' ')}\` in ${cwd} exited ${err.code}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

function toResult(name: string, json: TerraformValidateJson): ValidationResult {
  const diagnostics = json.diagnostics.map((d): Diagnostic => ({
    severity: d.severity,
    summary: d.summary,
    detail: (d.detail ?? '').replace(/\s+/g, ' ').trim(),
    where: d.address ?? (d.range ? `${d.range.filename}:${d.range.start.line}:${d.range.start.column}` : '(configuration)'),
    code: d.snippet ? highlighted(d.snippet) : undefined,
  }));
  return { name, diagnostics, errors: json.error_count, warnings: json.warning_count };
}

/** The offending part of the line: cdktf writes whole dashboards on one line, so cut around the highlight. */
function highlighted(snippet: { code?: string; highlight_start_offset?: number; highlight_end_offset?: number }): string | undefined {
  const code = snippet.code ?? '';
  const start = snippet.highlight_start_offset ?? 0;
  const end = snippet.highlight_end_offset ?? code.length;
  if (code.length <= 200) return code.trim();
  const from = Math.max(0, start - 60);
  const to = Math.min(code.length, Math.max(end, start) + 60);
  return `${from > 0 ? '…' : ''}${code.slice(from, to).trim()}${to < code.length ? '…' : ''}`;
}

/** One line per diagnostic, for test failures and the CLI. */
export function formatResult(result: ValidationResult): string {
  const head = `${result.name}: ${result.errors} error(s), ${result.warnings} warning(s)`;
  const lines = result.diagnostics.map(
    (d) => `  ${d.severity} ${d.where}: ${d.summary}${d.detail ? ` — ${d.detail}` : ''}${d.code ? `\n      ${d.code}` : ''}`,
  );
  return [head, ...lines].join('\n');
}
