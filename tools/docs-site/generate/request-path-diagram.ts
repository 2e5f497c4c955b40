import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { label, mermaidBlock } from './mermaid';

/**
 * The path of a webhook call through the runtime, read from the source: the middleware of the
 * webhook route (`webhookRoutes` in runtime/src/webhook/webhook-routes.ts) in the order it is
 * composed, with the early replies each can give, the calls its inline steps make, and inside
 * the turn processor (runtime/src/webhook/turn-processor.ts: `accept`, the accepted turn's
 * `reply`, `process`) the calls on its collaborators. Reordering the middleware or those calls in
 * the code changes the diagram, and the freshness test then asks for it to be regenerated.
 */
export type Step =
  | { readonly kind: 'call'; readonly from: string; readonly to: string; readonly method: string }
  | { readonly kind: 'reply'; readonly from: string; readonly status: number };

interface Scope {
  /** Whose calls these are (a participant). */
  readonly self: string;
  /** Expression roots that name collaborators: `deps` → `deps.processor.parse()` is a call on `processor`. */
  readonly roots: ReadonlySet<string>;
  /** Plain function calls that stand for a collaborator: `authenticateCaller(…)` → `authenticator`. */
  readonly functions: Readonly<Record<string, string>>;
  /** Locals that are collaborators themselves: `definition.handle()` → `handler`. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Methods of the same class, expanded where they are called (`this.render(…)`). */
  readonly methods?: ReadonlyMap<string, ts.MethodDeclaration>;
  /** Collaborator methods whose own calls to expand: `processor.process` → TurnProcessor.process. */
  readonly expand?: Readonly<Record<string, () => Step[]>>;
}

function source(repo: string, rel: string): ts.SourceFile {
  return ts.createSourceFile(rel, fs.readFileSync(path.join(repo, rel), 'utf8'), ts.ScriptTarget.ES2022, true);
}

function chain(expression: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(expression)) return [expression.text];
  if (expression.kind === ts.SyntaxKind.ThisKeyword) return ['this'];
  if (ts.isPropertyAccessExpression(expression)) {
    const head = chain(expression.expression);
    return head && [...head, expression.name.text];
  }
  return undefined;
}

function steps(body: ts.Node, scope: Scope, file: ts.SourceFile, skip?: ts.Node): Step[] {
  const out: Step[] = [];
  const localFunctions = new Map<string, ts.Node>();
  const visit = (node: ts.Node): void => {
    if (node === skip) return;
    // A local arrow function runs where it is passed, not where it is declared.
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isArrowFunction(node.initializer) && ts.isIdentifier(node.name)) {
      localFunctions.set(node.name.text, node.initializer.body);
      return;
    }
    if (ts.isReturnStatement(node) && node.expression && ts.isCallExpression(node.expression)) {
      const status = node.expression.arguments[1];
      if (status && ts.isNumericLiteral(status)) out.push({ kind: 'reply', from: scope.self, status: Number(status.text) });
    }
    if (ts.isCallExpression(node)) {
      ts.forEachChild(node, visit); // arguments are evaluated first
      const parts = chain(node.expression);
      if (parts) {
        let to: string | undefined;
        let method = parts[parts.length - 1];
        if (parts.length === 1 && scope.functions[parts[0]]) to = scope.functions[parts[0]];
        else if (parts.length === 3 && scope.roots.has(parts[0])) to = parts[1];
        else if (parts.length === 4 && parts[0] === 'this' && scope.roots.has(parts[1])) to = parts[2];
        else if (parts.length === 2 && scope.aliases[parts[0]]) to = scope.aliases[parts[0]];
        if (parts.length === 1 && scope.functions[parts[0]]) method = parts[0];
        if (to) {
          out.push({ kind: 'call', from: scope.self, to, method });
          const expansion = scope.expand?.[`${to}.${method}`];
          if (expansion) out.push(...expansion());
        } else if (parts.length === 2 && parts[0] === 'this' && scope.methods?.has(parts[1])) {
          out.push(...steps(scope.methods.get(parts[1])!.body!, scope, file));
        }
      }
      for (const argument of node.arguments) {
        if (ts.isIdentifier(argument) && localFunctions.has(argument.text))
          out.push(...steps(localFunctions.get(argument.text)!, scope, file));
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return out;
}

function findFunction(file: ts.SourceFile, name: string): ts.FunctionDeclaration {
  const found = file.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name);
  if (!found?.body) throw new Error(`${file.fileName}: function ${name} not found; update request-path-diagram.ts`);
  return found;
}

function findClass(file: ts.SourceFile, name: string): ts.ClassDeclaration {
  const found = file.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name);
  if (!found) throw new Error(`${file.fileName}: class ${name} not found; update request-path-diagram.ts`);
  return found;
}

/**
 * What each middleware factory of the webhook route does to the path: the collaborator it calls
 * and the early reply it may give. Telemetry middleware (`measured`, `traced`) is on every step
 * and left out. A factory missing here fails the generator, so a new step cannot go unnoticed.
 */
const MIDDLEWARE: Readonly<Record<string, readonly Step[]>> = {
  measured: [],
  traced: [],
  limitedBody: [{ kind: 'reply', from: 'app', status: 413 }],
  authenticated: [
    { kind: 'call', from: 'app', to: 'authenticator', method: 'authenticate' },
    { kind: 'reply', from: 'app', status: 401 },
  ],
  jsonBody: [{ kind: 'reply', from: 'app', status: 400 }],
  rateLimited: [
    { kind: 'call', from: 'app', to: 'rateLimiter', method: 'consume' },
    { kind: 'reply', from: 'app', status: 429 },
  ],
};

function findCall(node: ts.Node, test: (call: ts.CallExpression) => boolean): ts.CallExpression | undefined {
  if (ts.isCallExpression(node) && test(node)) return node;
  return ts.forEachChild(node, (child) => findCall(child, test));
}

function findProperty(node: ts.Node, name: string): ts.PropertyAssignment | undefined {
  if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === name) return node;
  return ts.forEachChild(node, (child) => findProperty(child, name));
}

export function webhookRequestSteps(repo: string): Step[] {
  const routesFile = source(repo, 'runtime/src/webhook/webhook-routes.ts');
  const processorFile = source(repo, 'runtime/src/webhook/turn-processor.ts');
  const processorClass = findClass(processorFile, 'TurnProcessor');
  const methods = new Map(
    processorClass.members
      .filter((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.body)
      .map((m) => [m.name.getText(processorFile), m] as const),
  );
  const processorScope: Scope = { self: 'processor', roots: new Set(['o']), functions: {}, aliases: { definition: 'handler' }, methods };
  const accept = methods.get('accept');
  const reply = accept && findProperty(accept.body!, 'reply');
  if (!accept || !reply)
    throw new Error('turn-processor.ts: TurnProcessor.accept returning { reply } not found; update request-path-diagram.ts');
  const routeScope: Scope = {
    self: 'app',
    roots: new Set(['deps']),
    functions: {},
    aliases: {},
    expand: { 'processor.accept': () => steps(accept.body!, processorScope, processorFile, reply) },
  };
  const post = findCall(findFunction(routesFile, 'webhookRoutes').body!, (call) => chain(call.expression)?.join('.') === 'routes.post');
  if (!post) throw new Error('webhook-routes.ts: routes.post(...) not found in webhookRoutes; update request-path-diagram.ts');
  const out: Step[] = [];
  for (const argument of post.arguments.slice(1)) {
    if (ts.isCallExpression(argument) && ts.isIdentifier(argument.expression)) {
      const known = MIDDLEWARE[argument.expression.text];
      if (!known) throw new Error(`webhook-routes.ts: middleware ${argument.expression.text}() is not described; add it to MIDDLEWARE`);
      out.push(...known);
    } else if (ts.isArrowFunction(argument) || ts.isFunctionExpression(argument)) {
      out.push(...steps(argument.body, routeScope, routesFile));
      // The accepted turn's reply: `c.get('turn').reply(...)`.
      if (findCall(argument.body, (call) => ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'reply')) {
        out.push({ kind: 'call', from: 'app', to: 'turn', method: 'reply' });
        out.push(...steps(reply.initializer, processorScope, processorFile));
      }
    }
  }
  return out;
}

/** Telemetry is on every step; the telemetry reference lists it instead of the diagram. */
const TELEMETRY = new Set(['logger', 'metrics']);

/** What an early reply means to the caller (the reasons are in app.ts next to each return). */
const STATUS_TEXT: Record<number, string> = {
  400: 'not a JSON object',
  401: 'unauthenticated',
  413: 'body too large',
  429: 'session rate-limited',
};

/**
 * A top-down flowchart rather than a sequence diagram: with a participant per collaborator a
 * sequence diagram is far wider than the page. Each box is one call, `collaborator.method()`; the
 * calls the turn processor makes are grouped; early replies branch off to the side.
 */
export function requestPathDiagram(repo: string): string {
  const all = webhookRequestSteps(repo)
    .filter((s) => (s.kind === 'call' ? !TELEMETRY.has(s.to) : s.status !== 200))
    .filter((s, i, list) => i === 0 || JSON.stringify(s) !== JSON.stringify(list[i - 1]));
  const lines = ['flowchart TD', `  request([${label('Dialogflow CX: POST /webhook/cx')}])`];
  // Edges go after the subgraph: an edge written inside it pulls its source node in too.
  const edges: string[] = [];
  let previous = 'request';
  let inProcessor = false;
  all.forEach((step, i) => {
    if (step.from !== 'processor' && inProcessor) {
      lines.push('  end');
      inProcessor = false;
    }
    if (step.kind === 'reply') {
      lines.push(`  reply${i}(${label(`${step.status} ${STATUS_TEXT[step.status] ?? ''}`.trim())})`);
      edges.push(`  ${previous} -.-> reply${i}`);
      return;
    }
    if (step.from === 'processor' && !inProcessor) {
      lines.push(`  subgraph processor${i}[${label('TurnProcessor')}]`);
      inProcessor = true;
    }
    const id = `step${i}`;
    lines.push(`  ${inProcessor ? '  ' : ''}${id}[${label(`${step.to}.${step.method}()`)}]`);
    edges.push(`  ${previous} --> ${id}`);
    previous = id;
  });
  if (inProcessor) lines.push('  end');
  lines.push(`  response([${label('200 WebhookResponse')}])`);
  edges.push(`  ${previous} --> response`);
  return mermaidBlock([...lines, ...edges]);
}
