/**
 * How every command-line tool reads its arguments: `node:util` `parseArgs` (strict), with its
 * errors turned into one set of messages that end with the command's usage text. The tools then
 * follow one exit contract (`cli-main.ts`): 0 done, 1 the run failed, 2 bad usage or setup.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What `parseArgs` returns for these options: values by name, and positionals. */
export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/**
 * Parse `argv` strictly. Throws an Error whose message names the problem and carries `usage`:
 * `unknown option --x`, `--x needs a value`, `unexpected argument "x"`.
 */
export function parseCommandLine(argv: readonly string[], options: Options, usage: string, allowPositionals = false): ParsedCommandLine {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { values: values as ParsedCommandLine['values'], positionals };
  } catch (e) {
    throw new Error(`${usageProblem(e as Error & { code?: string }, argv, options)}\n${usage}`);
  }
}

/** `--name value` options only, all strings, each at most once: what the report commands take. */
export function stringOptions(argv: readonly string[], names: readonly string[], usage: string): Record<string, string> {
  const options: Options = Object.fromEntries(names.map((n) => [n, { type: 'string' as const }]));
  return parseCommandLine(argv, options, usage).values as Record<string, string>;
}

function usageProblem(e: Error & { code?: string }, argv: readonly string[], options: Options): string {
  const quoted = /'(-[^' ]+)/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${quoted ?? e.message}`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = quoted ?? '';
    // node says "argument missing" for a trailing option and "argument is ambiguous" for `--a --b`.
    return options[name.replace(/^--?/, '')]?.type === 'boolean' ? `${name} takes no value` : `${name} needs a value`;
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const positional = /'([^']*)'/.exec(e.message)?.[1] ?? argv.find((a) => !a.startsWith('-'));
    return `unexpected argument "${positional}"`;
  }
  return e.message;
}
