import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ENV_SCHEMA } from '../../../runtime/src/config';
import { cell, code, generatedPage, table } from './markdown';

/** One environment variable the runtime reads, as its schema defines it. */
export interface EnvironmentVariable {
  readonly name: string;
  /** Accepted values in words: `integer 1..65535`, `one of: google, local`, `boolean`… */
  readonly accepts: string;
  /** The default as the variable's text, or undefined when unset means "off"/"derived". */
  readonly default?: string;
  readonly required: boolean;
}

function describe(type: z.ZodTypeAny): string {
  const def = type._def as Record<string, any>;
  switch (def.typeName) {
    case 'ZodOptional':
    case 'ZodDefault':
      return describe(def.innerType);
    case 'ZodEnum': {
      const values = def.values as string[];
      return values.join() === 'true,false,1,0'
        ? 'boolean: `true`/`false` (or `1`/`0`)'
        : `one of ${values.map((v) => code(v)).join(', ')}`;
    }
    case 'ZodEffects':
      // A transform of a bare string is a comma-separated list (config.ts's `list`); of an enum, the boolean.
      return def.schema._def.typeName === 'ZodString' ? 'comma-separated list' : describe(def.schema);
    case 'ZodPipeline':
      return 'JSON object';
    case 'ZodNumber': {
      const checks = def.checks as Array<{ kind: string; value?: number }>;
      const min = checks.find((c) => c.kind === 'min')?.value;
      const max = checks.find((c) => c.kind === 'max')?.value;
      const kind = checks.some((c) => c.kind === 'int') ? 'integer' : 'number';
      return min !== undefined && max !== undefined ? `${kind} ${min}..${max}` : kind;
    }
    case 'ZodString': {
      const checks = def.checks as Array<{ kind: string; value?: number }>;
      if (checks.some((c) => c.kind === 'url')) return 'URL';
      const min = checks.find((c) => c.kind === 'min')?.value;
      return min ? `string, at least ${min} characters` : 'string';
    }
    default:
      return String(def.typeName).replace(/^Zod/, '').toLowerCase();
  }
}

function defaultOf(type: z.ZodTypeAny): string | undefined {
  const def = type._def as Record<string, any>;
  if (def.typeName === 'ZodDefault') return String(def.defaultValue());
  return undefined;
}

/** The runtime's variables from its zod schema (runtime/src/config.ts), in schema order. */
export function environmentVariables(): EnvironmentVariable[] {
  const object = (ENV_SCHEMA as unknown as z.ZodEffects<z.ZodObject<z.ZodRawShape>>).innerType();
  return Object.entries(object.shape).map(([name, type]) => ({
    name,
    accepts: describe(type as z.ZodTypeAny),
    default: defaultOf(type as z.ZodTypeAny),
    required: !(type as z.ZodTypeAny).isOptional(),
  }));
}

/**
 * Variables the runtime reads from `process.env` directly, outside the schema (so they are not
 * validated at boot): found in the source, listed so they are not forgotten.
 */
export function variablesReadOutsideSchema(repo: string): Array<{ name: string; file: string }> {
  const found: Array<{ name: string; file: string }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts') && rel !== 'runtime/src/config.ts') {
        for (const m of fs.readFileSync(path.join(repo, rel), 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) {
          if (!found.some((f) => f.name === m[1])) found.push({ name: m[1], file: rel });
        }
      }
    }
  };
  walk('runtime/src');
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * What runtime/README.md says about each variable: its table rows name one or more variables in
 * the first cell; the last cell is the note. The schema is the truth for names, types and
 * defaults; the README carries the why.
 */
export function readmeNotes(repo: string): Map<string, string> {
  const notes = new Map<string, string>();
  const readme = fs.readFileSync(path.join(repo, 'runtime/README.md'), 'utf8');
  for (const line of readme.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim());
    const names = [...cells[0].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]);
    // A note's in-page links point at the README's own sections: keep them pointing there.
    const note = (cells.length >= 3 ? cells[cells.length - 1] : '').replace(/\]\(#/g, '](../../runtime/README.md#');
    for (const name of names) if (note) notes.set(name, note);
  }
  return notes;
}

export function environmentReferencePage(repo: string): string {
  const notes = readmeNotes(repo);
  const rows = environmentVariables().map((v) => [
    code(v.name),
    cell(v.accepts),
    v.default === undefined ? (v.required ? 'required' : '—') : code(v.default),
    cell(notes.get(v.name)),
  ]);
  const outside = variablesReadOutsideSchema(repo);
  return [
    generatedPage({
      title: 'Runtime environment variables',
      order: 10,
      sources: ['runtime/src/config.ts', 'runtime/README.md'],
      intro:
        'Every variable the webhook runtime reads at start, as its configuration schema accepts it. The runtime validates ' +
        'them all at boot and names every invalid one, so a typo fails the container instead of the first call. ' +
        'Rules across variables (for example `AUTH_MODE` being required in production, `NLP_DEADLINE_MS` below ' +
        '`WEBHOOK_BUDGET_MS`) are checked too; they are listed with the reasons in ' +
        '[runtime/README.md](../../runtime/README.md). Notes come from that README; a dash means it has none for the variable.',
    }),
    table(['variable', 'accepts', 'default', 'note'], rows),
    '',
    '## Read outside the schema',
    '',
    outside.length === 0
      ? 'None: every variable goes through the schema.'
      : 'These are read from `process.env` where they are used, not validated at boot:\n\n' +
        table(
          ['variable', 'read in', 'note'],
          outside.map((o) => [code(o.name), `[${o.file}](../../${o.file})`, cell(notes.get(o.name))]),
        ),
    '',
  ].join('\n');
}
