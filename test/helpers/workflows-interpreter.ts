/**
 * A small interpreter for the subset of Google Cloud Workflows syntax our workflow sources use, so a
 * test can run a subworkflow's real YAML (not a copy of its logic) against fakes: steps with
 * `assign` (variables, map fields, list indexes), `call` (stubbed connectors, or a subworkflow of
 * the same source), `switch` (first true condition; `steps`, `next`, `raise`, `return`), `for`
 * (value/index over a list; `next: continue|break`), `raise`, `return` and `next` jumps.
 *
 * Expressions (`${...}`) are translated to JavaScript: `and`/`or`/`not(...)` outside string
 * literals, `in` on maps, and the standard library functions the sources call (`text.replace_all_regex`,
 * `json.decode`, `json.encode_to_string`, `len`, `string`, `default`, `map.get`). Assignments copy
 * values, as Workflows does. Anything else is refused loudly, so a source that grows beyond the
 * subset fails the test instead of being misread.
 */

type Json = any;
export type WorkflowCalls = Record<string, (args: Json) => unknown>;

export class WorkflowRaised extends Error {
  constructor(readonly value: unknown) {
    super(typeof value === 'string' ? value : JSON.stringify(value));
    this.name = 'WorkflowRaised';
  }
}

type Flow = { kind: 'next'; target: string } | { kind: 'return'; value: unknown } | undefined;

const BUILTINS = {
  text: {
    replace_all_regex: (source: string, pattern: string, replacement: string) =>
      source.replace(new RegExp(pattern, 'g'), () => replacement),
  },
  json: {
    decode: (data: string) => JSON.parse(data),
    encode_to_string: (value: unknown) => JSON.stringify(value),
  },
  map: { get: (m: Json, key: string) => (m && typeof m === 'object' && key in m ? m[key] : null) },
  len: (x: Json) => (typeof x === 'string' || Array.isArray(x) ? x.length : Object.keys(x).length),
  string: (x: unknown) => String(x),
  _default: (value: unknown, fallback: unknown) => (value === null || value === undefined ? fallback : value),
  sys: { now: () => 0 },
};

/** `${expr}` → its value in `scope`; any other value as it is. */
export function evaluate(value: unknown, scope: Record<string, unknown>): unknown {
  if (typeof value !== 'string') return value;
  const m = /^\$\{([\s\S]*)\}$/.exec(value);
  if (!m) return value;
  // Translate operators outside string literals only.
  const js = m[1]
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/\band\b/g, '&&')
            .replace(/\bor\b/g, '||')
            .replace(/\bnot\s*\(/g, '!(')
            .replace(/\bdefault\(/g, '_default('),
    )
    .join('');
  const fn = new Function('__builtins', '__scope', `with (__builtins) { with (__scope) { return (${js}); } }`) as (
    b: unknown,
    s: unknown,
  ) => unknown;
  return fn(BUILTINS, scope);
}

/** Evaluate every `${...}` string inside a value (call arguments). */
function evaluateDeep(value: unknown, scope: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluateDeep(v, scope));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateDeep(v, scope)]));
  return evaluate(value, scope);
}

const copy = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

function assign(target: string, value: unknown, scope: Record<string, unknown>): void {
  if (/^[A-Za-z_]\w*$/.test(target)) {
    scope[target] = copy(value);
    return;
  }
  let container: string;
  let key: unknown;
  if (target.endsWith(']')) {
    let depth = 0;
    let open = target.length - 1;
    for (; open >= 0; open--) {
      if (target[open] === ']') depth++;
      if (target[open] === '[' && --depth === 0) break;
    }
    container = target.slice(0, open);
    key = evaluate(`\${${target.slice(open + 1, -1)}}`, scope);
  } else {
    const dot = target.lastIndexOf('.');
    container = target.slice(0, dot);
    key = target.slice(dot + 1);
  }
  const holder = evaluate(`\${${container}}`, scope) as Record<string, unknown>;
  if (!holder || typeof holder !== 'object') throw new Error(`cannot assign ${target}: ${container} is not a map or list`);
  if (Array.isArray(holder) && (typeof key !== 'number' || key < 0 || key >= holder.length)) {
    throw new WorkflowRaised(`IndexError: ${target}`);
  }
  holder[key as string] = copy(value);
}

export class WorkflowInterpreter {
  /** Every call made, in order: the connector or subworkflow name and its evaluated arguments. */
  readonly calls: Array<{ call: string; args: Json }> = [];

  constructor(
    private readonly source: Record<string, { params?: string[]; steps: Json[] }>,
    private readonly stubs: WorkflowCalls,
  ) {}

  /** Run subworkflow `name` with `args` (by its `params` names); its return value, or a WorkflowRaised. */
  async run(name: string, args: Record<string, unknown>): Promise<unknown> {
    const sub = this.source[name];
    if (!sub) throw new Error(`no subworkflow ${name}`);
    const scope: Record<string, unknown> = {};
    for (const p of sub.params ?? []) scope[p] = copy(args[p]);
    const flow = await this.steps(sub.steps, scope);
    if (flow?.kind === 'next') throw new Error(`${name}: jump to unknown step ${flow.target}`);
    return flow?.kind === 'return' ? flow.value : null;
  }

  private async steps(steps: Json[], scope: Record<string, unknown>): Promise<Flow> {
    const names = steps.map((s) => Object.keys(s)[0]);
    for (let i = 0; i < steps.length;) {
      const body = steps[i][names[i]];
      let flow = await this.step(body, scope);
      if (!flow && body.next) flow = { kind: 'next', target: body.next };
      if (flow?.kind === 'next' && names.includes(flow.target)) {
        i = names.indexOf(flow.target);
        continue;
      }
      if (flow) return flow;
      i++;
    }
    return undefined;
  }

  private async step(body: Json, scope: Record<string, unknown>): Promise<Flow> {
    const known = ['assign', 'call', 'args', 'result', 'switch', 'for', 'raise', 'return', 'next', 'steps'];
    const unknown = Object.keys(body).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new Error(`unsupported step fields: ${unknown.join(', ')}`);
    if (body.assign) {
      for (const item of body.assign as Json[]) {
        const [[target, value]] = Object.entries(item);
        assign(target, evaluate(value, scope), scope);
      }
    }
    if (body.call) {
      const args = evaluateDeep(body.args ?? {}, scope) as Json;
      this.calls.push({ call: body.call, args });
      const stub = this.stubs[body.call];
      const result = stub ? await stub(args) : this.source[body.call] ? await this.run(body.call, args) : undefined;
      if (!stub && !this.source[body.call]) throw new Error(`no stub for call ${body.call}`);
      if (body.result) scope[body.result] = copy(result);
    }
    if (body.switch) {
      for (const branch of body.switch as Json[]) {
        if (!evaluate(branch.condition, scope)) continue;
        if (branch.steps) {
          const flow = await this.steps(branch.steps, scope);
          if (flow) return flow;
        }
        if (branch.raise !== undefined) throw new WorkflowRaised(evaluate(branch.raise, scope));
        if (branch.return !== undefined) return { kind: 'return', value: evaluateDeep(branch.return, scope) };
        if (branch.next) return { kind: 'next', target: branch.next };
        break;
      }
    }
    if (body.for) {
      const items = evaluate(body.for.in, scope) as unknown[];
      for (let i = 0; i < items.length; i++) {
        scope[body.for.value] = copy(items[i]);
        if (body.for.index) scope[body.for.index] = i;
        const flow = await this.steps(body.for.steps, scope);
        if (flow?.kind === 'next' && flow.target === 'continue') continue;
        if (flow?.kind === 'next' && flow.target === 'break') break;
        if (flow) return flow;
      }
    }
    if (body.steps) {
      const flow = await this.steps(body.steps, scope);
      if (flow) return flow;
    }
    if (body.raise !== undefined) throw new WorkflowRaised(evaluate(body.raise, scope));
    if (body.return !== undefined) return { kind: 'return', value: evaluateDeep(body.return, scope) };
    return undefined;
  }
}
