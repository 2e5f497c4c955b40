import { IAspect, TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Checks at synth what Terraform itself would refuse, or would silently get wrong, in the stack's
 * resolved JSON, and fails synth naming the construct path, the attribute and the fix:
 *
 * - a `${...}` (or `%{...}`) in a string that is not a reference cdktf wrote: Terraform reads every
 *   string as a template, so a Cloud Monitoring legend `${metric.labels.kind}` becomes a reference
 *   to an undeclared resource "metric". An interpolation passes when it starts with a declared
 *   resource (`type.name`), `data.`, `var.`, `local.`, `module.`, `each.`, `count.`, `self.`,
 *   `path.`, `terraform.`, a function call or a literal; anything else is text meant literally,
 *   and must be written `$${` (see `terraformLiteral`);
 * - a `depends_on` entry that is not a bare address of a declared resource, data source or module
 *   (Terraform refuses `"${type.name}"` already at `terraform init`): pass constructs to
 *   `dependsOn`, or `dependable(construct)`, never `construct.fqn`;
 * - a construct id (and so a Terraform address) made from an unresolved token: the token's
 *   internal number changes with unrelated edits, and Terraform then replaces the resource.
 *
 * `PlatformStack` applies it; on a plain `TerraformStack`: `Aspects.of(stack).add(new TerraformChecks())`.
 * Only validated synths run it (`cdktf synth`, `Testing.synth(stack, true)`).
 */
export class TerraformChecks implements IAspect {
  /**
   * Every problem in `stack`, one message each: what synth would fail with (also exported as the
   * function `terraformProblems`, for JavaScript and TypeScript only).
   */
  public static problems(stack: TerraformStack): string[] {
    return terraformProblems(stack);
  }

  public visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) {
      node.node.addValidation({ validate: () => terraformProblems(node) });
    }
  }
}

type Json = Record<string, any>;

/** Every problem in the stack, one message each. */
export function terraformProblems(stack: TerraformStack): string[] {
  const json = stack.toTerraform() as Json;
  const declared = declarations(json);
  const problems: string[] = [];
  for (const c of stack.node.findAll()) {
    if (tokenInId(c.node.id)) {
      problems.push(
        `${c.node.path}: construct id "${c.node.id}" is made from an unresolved token, so its Terraform address changes with unrelated edits ` +
          'and Terraform replaces the resource. Fix: build ids from stable inputs (ids the caller gave, indexes, literal names), never from attributes of resources.',
      );
    }
  }
  for (const section of ['resource', 'data'] as const) {
    for (const [type, blocks] of Object.entries<Json>(json[section] ?? {})) {
      for (const [name, block] of Object.entries<Json>(blocks)) {
        const address = section === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
        const where = block['//']?.metadata?.path ?? address;
        if (tokenInId(name))
          problems.push(`${where}: Terraform address ${address} contains a token marker. Fix: build the construct id from stable inputs.`);
        problems.push(...dependsOnProblems(where, block.depends_on, declared));
        problems.push(...templateProblems(where, block, declared));
      }
    }
  }
  for (const [name, block] of Object.entries<Json>(json.output ?? {})) {
    const where = block['//']?.metadata?.path ?? `output.${name}`;
    problems.push(...dependsOnProblems(where, block.depends_on, declared));
    problems.push(...templateProblems(where, block, declared));
  }
  for (const [name, block] of Object.entries<Json>(json.module ?? {})) {
    const where = block['//']?.metadata?.path ?? `module.${name}`;
    problems.push(...dependsOnProblems(where, block.depends_on, declared));
    problems.push(...templateProblems(where, block, declared));
  }
  for (const [type, blocks] of Object.entries<unknown>(json.provider ?? {})) {
    for (const block of Array.isArray(blocks) ? blocks : [blocks]) problems.push(...templateProblems(`provider ${type}`, block, declared));
  }
  problems.push(...templateProblems('locals', json.locals ?? {}, declared));
  return problems;
}

/** What a reference may name: `type.name`, `data.type.name`, variables, locals and modules. */
interface Declarations {
  readonly resources: Set<string>;
  readonly data: Set<string>;
  readonly variables: Set<string>;
  readonly locals: Set<string>;
  readonly modules: Set<string>;
}

function declarations(json: Json): Declarations {
  const addresses = (section: Json | undefined): Set<string> =>
    new Set(Object.entries<Json>(section ?? {}).flatMap(([type, blocks]) => Object.keys(blocks).map((name) => `${type}.${name}`)));
  return {
    resources: addresses(json.resource),
    data: addresses(json.data),
    variables: new Set(Object.keys(json.variable ?? {})),
    locals: new Set(Object.keys(json.locals ?? {})),
    modules: new Set(Object.keys(json.module ?? {})),
  };
}

/** cdktf 0.21 encodes tokens as `${TfToken[TOKEN.n]}` (strings), `#{TfToken[...]}` (lists), `&{TfToken[...]}` (maps), -1.888e+289 (numbers). */
function tokenInId(id: string): boolean {
  return Token.isUnresolved(id) || /tftoken/i.test(id) || /-1\.88815\d*e\+289/i.test(id);
}

const ADDRESS = /^(data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*$|^module\.[A-Za-z_][\w-]*$/;

function dependsOnProblems(where: string, dependsOn: unknown, declared: Declarations): string[] {
  if (dependsOn === undefined) return [];
  const entries: unknown[] = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  return entries.flatMap((entry) => {
    const fix =
      'Fix: pass the construct itself (`dependsOn: [resource]`, or `dependable(resource)` when setting it later), never `resource.fqn`.';
    if (typeof entry !== 'string' || !ADDRESS.test(entry)) {
      return [
        `${where}: depends_on entry ${JSON.stringify(entry)} is not a bare address (type.name); Terraform refuses it at init. ${fix}`,
      ];
    }
    const known = entry.startsWith('data.')
      ? declared.data.has(entry.slice('data.'.length))
      : entry.startsWith('module.')
        ? declared.modules.has(entry.slice('module.'.length))
        : declared.resources.has(entry);
    return known ? [] : [`${where}: depends_on entry "${entry}" names nothing declared in this stack. ${fix}`];
  });
}

/** Walk every string (and object key) under `value`, skipping cdktf metadata and depends_on. */
function templateProblems(where: string, value: unknown, declared: Declarations, attribute = ''): string[] {
  if (typeof value === 'string') return stringProblems(where, attribute, value, declared);
  if (Array.isArray(value)) return value.flatMap((v, i) => templateProblems(where, v, declared, `${attribute}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    if (key === '//' || (attribute === '' && key === 'depends_on')) return [];
    const path = attribute ? `${attribute}.${key}` : key;
    return [...stringProblems(where, `${path} (key)`, key, declared), ...templateProblems(where, v, declared, path)];
  });
}

const LITERAL_FIX =
  'Fix: for text meant literally (a Monitoring legend or documentation variable, a Workflows expression) write `$${` (terraformLiteral() does it).';

function stringProblems(where: string, attribute: string, text: string, declared: Declarations): string[] {
  const problems: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      i += 3;
      continue;
    }
    if (text.startsWith('%{', i)) {
      problems.push(
        `${where}: ${attribute} has "${excerpt(text, i)}", a Terraform template directive. ${LITERAL_FIX.replace('`$${`', '`%%{`')}`,
      );
      i += 2;
      continue;
    }
    if (!text.startsWith('${', i)) {
      i++;
      continue;
    }
    const end = closingBrace(text, i + 2);
    if (end < 0) {
      problems.push(`${where}: ${attribute} has an unterminated interpolation "${excerpt(text, i)}". ${LITERAL_FIX}`);
      break;
    }
    const expression = text.slice(i + 2, end);
    const wrong = unknownRoot(expression, declared);
    if (wrong !== undefined) {
      problems.push(
        `${where}: ${attribute} has "\${${expression}}", which Terraform reads as a reference to ${wrong}, not declared in this stack. ${LITERAL_FIX}`,
      );
    }
    i = end + 1;
  }
  return problems;
}

/** Index of the `}` closing an interpolation whose expression starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

const ALWAYS_VALID_ROOTS = ['each', 'count', 'self', 'path', 'terraform', 'true', 'false', 'null', 'for'];

/**
 * What the expression refers to when that is not declared (e.g. `resource "metric" "labels"`),
 * else undefined. Judges the expression's first name: cdktf writes a reference, a function call
 * or an operator/conditional/for expression that starts with one.
 */
function unknownRoot(expression: string, declared: Declarations): string | undefined {
  const body = expression.replace(/^[\s([{!-]+/, '');
  if (body === '' || /^["\d]/.test(body)) return undefined;
  const m = /^([A-Za-z_][\w-]*(?:::[\w-]+)*)\s*(\(|\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?)?/.exec(body);
  if (!m) return `"${expression}"`;
  const [, root, next, second, third] = m;
  if (next === '(' || ALWAYS_VALID_ROOTS.includes(root)) return undefined;
  switch (root) {
    case 'var':
      return second !== undefined && declared.variables.has(second) ? undefined : `variable "${second ?? ''}"`;
    case 'local':
      return second !== undefined && declared.locals.has(second) ? undefined : `local "${second ?? ''}"`;
    case 'module':
      return second !== undefined && declared.modules.has(second) ? undefined : `module "${second ?? ''}"`;
    case 'data':
      return declared.data.has(`${second}.${third}`) ? undefined : `data source "${second ?? ''}" "${third ?? ''}"`;
    default:
      return declared.resources.has(`${root}.${second}`) ? undefined : `resource "${root}" "${second ?? ''}"`;
  }
}

function excerpt(text: string, at: number): string {
  return text.slice(at, at + 40) + (text.length > at + 40 ? '…' : '');
}
