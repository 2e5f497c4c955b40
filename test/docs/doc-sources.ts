/**
 * What the troubleshooting pages must cover, collected from the code itself (never from a list
 * kept by hand), and the pages' own text. Used by troubleshooting-coverage.test.ts.
 *
 * Sources are read with the TypeScript compiler's parser, so the collection follows the code's
 * structure (a `say:` of a rule table, a `new Error(...)`, a `problems.push(...)`), not its layout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// js-yaml (a pinned devDependency) has no bundled types; only load() is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load: (text: string) => unknown } = require('js-yaml');

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const TROUBLESHOOTING_DIR = path.join(REPO_ROOT, 'docs', 'troubleshooting');

/** Stands for an interpolated value in a message template: `image "${p.image}"` becomes `image "…"`. */
export const PLACEHOLDER = '…';

/** Files under `dir` ending in `suffix`, sorted; dot-folders (`.vitepress`) and `node_modules` are skipped. */
export function filesUnder(dir: string, suffix: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !(e.isDirectory() && (e.name.startsWith('.') || e.name === 'node_modules')))
    .flatMap((e) =>
      e.isDirectory() ? filesUnder(path.join(dir, e.name), suffix) : e.name.endsWith(suffix) ? [path.join(dir, e.name)] : [],
    )
    .sort();
}

const rel = (file: string): string => path.relative(REPO_ROOT, file).split(path.sep).join('/');

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** A string-valued expression rendered with placeholders, or undefined when it is not a string expression. */
function renderString(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => PLACEHOLDER + s.literal.text).join('');
  if (ts.isParenthesizedExpression(node)) return renderString(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = renderString(node.left);
    const right = renderString(node.right);
    if (left === undefined && right === undefined) return undefined;
    return (left ?? PLACEHOLDER) + (right ?? PLACEHOLDER);
  }
  return undefined;
}

/** Every maximal string expression inside `node` (a `+` chain counts as one). */
function stringsIn(node: ts.Node): string[] {
  const rendered = renderString(node);
  if (rendered !== undefined) return [rendered];
  const out: string[] = [];
  ts.forEachChild(node, (child) => {
    out.push(...stringsIn(child));
  });
  return out;
}

const hasWords = (s: string): boolean => (s.match(/[A-Za-z]/g) ?? []).length >= 3;

/**
 * The key a troubleshooting entry is found by: the message up to its first ": " (the part that
 * names the prop and what is wrong; the fix follows the colon). Leading segments that are only
 * placeholders (a construct path) are dropped, and the key ends at its first sentence. Undefined for strings that are not messages
 * (joiners like "; ", fragments without a colon, wrappers whose text is all placeholders).
 */
export function messageKey(message: string, extraSegments = 0): string | undefined {
  // A fix on its own ("Fix: pass the construct itself …") is part of a message, not one.
  if (message.startsWith('Fix:')) return undefined;
  const segments = message.split(': ');
  if (segments.length < 2) return undefined;
  while (segments.length > 0 && !hasWords(segments[0])) segments.shift();
  if (segments.length === 0) return undefined;
  // "<where>: <what is wrong>. <fix>": the location prefix was dropped, the rest is the message.
  if (segments.length > 1 && !/[A-Za-z0-9]/.test(segments.slice(1).join(': '))) return undefined;
  // A key that runs into a second sentence ("… the resource. Fix") stops at the first.
  const firstSentence = (x: string): string => x.split(/\.\s+(?=[A-Z…])/)[0].trim();
  // "ShardMap.shardFor: shardCount is …": a code location alone names no problem; keep the
  // problem, up to its first ";".
  const codeLocation = !/\s/.test(segments[0].trim()) && segments.length > 1;
  const count = Math.min(segments.length, 1 + extraSegments + (codeLocation ? 1 : 0));
  const kept = segments.slice(0, count).map((x) => x.trim());
  const last = kept.length > 1 ? kept[kept.length - 1].split(';')[0] : kept[kept.length - 1];
  return [...kept.slice(0, -1), firstSentence(last)].join(': ');
}

export interface SynthMessage {
  /** Repository-relative source file. */
  readonly file: string;
  readonly line: number;
  /** The message template with placeholders. */
  readonly message: string;
  readonly key: string;
}

/**
 * Files whose messages are documented elsewhere: the policy pack (a folder) and its aspect speak in check
 * ids (covered by the policy-check entries), and validation.ts only wraps the rule messages.
 */
const MESSAGE_FILES_EXCLUDED = ['constructs/core/policy-pack/', 'constructs/core/policy-checks.ts'];

/**
 * Every synth-time message of the construct library and the reference app (`constructs/`, `stacks/`):
 * the `say` of each validation rule, every
 * `new Error(...)`, every `problems.push(...)` / `messages.push(...)` that builds one, and what a
 * `...Problems()` function returns.
 */
export function synthMessages(): SynthMessage[] {
  const out: SynthMessage[] = [];
  const files = ['constructs', 'stacks'].flatMap((dir) => filesUnder(path.join(REPO_ROOT, dir), '.ts'));
  for (const file of files) {
    const relative = rel(file);
    if (MESSAGE_FILES_EXCLUDED.some((excluded) => relative === excluded || (excluded.endsWith('/') && relative.startsWith(excluded))))
      continue;
    const sf = parse(file);
    const take = (node: ts.Node): void => {
      for (const message of stringsIn(node)) {
        const key = messageKey(message);
        if (key) out.push({ file: relative, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, message, key });
      }
    };
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node) && node.name.getText(sf) === 'say') take(node.initializer);
      else if (ts.isNewExpression(node) && node.expression.getText(sf) === 'Error') take(node);
      else if (ts.isCallExpression(node) && /(problems|messages)\.push$/.test(node.expression.getText(sf))) take(node);
      else if (ts.isReturnStatement(node) && node.expression && /Problems$/.test(enclosingFunctionName(node, sf))) take(node.expression);
      else ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return disambiguate(out);
}

/**
 * Keys are unique per file: when two different messages of one file share a key
 * ("PLATFORM_CONFIG=… is invalid: …"), each takes one more ": " segment until they differ.
 */
function disambiguate(messages: SynthMessage[]): SynthMessage[] {
  let current = messages;
  for (let extra = 1; extra <= 3; extra++) {
    const groups = new Map<string, Set<string>>();
    for (const m of current) groups.set(`${m.file}\n${m.key}`, (groups.get(`${m.file}\n${m.key}`) ?? new Set()).add(m.message));
    const clashing = (m: SynthMessage): boolean => groups.get(`${m.file}\n${m.key}`)!.size > 1;
    if (!current.some(clashing)) break;
    current = current.map((m) => (clashing(m) ? { ...m, key: messageKey(m.message, extra) ?? m.key } : m));
  }
  return current;
}

/** Name of the nearest named function declaration around `node` ('' when none). */
function enclosingFunctionName(node: ts.Node, sf: ts.SourceFile): string {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) return n.name?.getText(sf) ?? '';
  }
  return '';
}

const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;

/**
 * Every policy check id the project owns or names: the catalog (`POLICY_RULES`), the checkov
 * pack (`policies/checks/<ID>_*.yaml|py`), and every check id written as a string in the library
 * or the reference app (the checkov built-ins our constructs suppress with a reason).
 */
export function policyCheckIds(catalogIds: readonly string[]): string[] {
  const ids = new Set<string>(catalogIds);
  for (const file of fs.readdirSync(path.join(REPO_ROOT, 'policies', 'checks'))) {
    const m = /^(CKV2?_[A-Z0-9]+_\d+)_/.exec(file);
    if (m) ids.add(m[1]);
  }
  for (const dir of ['constructs', 'stacks']) {
    for (const file of filesUnder(path.join(REPO_ROOT, dir), '.ts')) {
      const visit = (node: ts.Node): void => {
        if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && CHECK_ID.test(node.text)) ids.add(node.text);
        ts.forEachChild(node, visit);
      };
      visit(parse(file));
    }
  }
  return [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Every value the runtime can put in `webhook_degraded_reasons`, from runtime/src: literals
 * pushed onto a `reasons` list, placed in a `degradedReasons` array, handed to the enricher's
 * `local(..., reasons)` fallback, or counted as a `reason` of `degradedReplies`. Templates are
 * expanded with `expansions` (placeholder expression → its possible values); a template with a
 * placeholder the caller cannot expand is returned in `unexpanded`, so a new kind of reason can
 * never slip past the test.
 */
export function degradedReasons(expansions: Record<string, readonly string[]>): { reasons: string[]; unexpanded: string[] } {
  const reasons = new Set<string>();
  const unexpanded: string[] = [];
  const collect = (node: ts.Node, sf: ts.SourceFile): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      reasons.add(node.text);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      let variants = [node.head.text];
      for (const span of node.templateSpans) {
        const values = expansions[span.expression.getText(sf)];
        if (!values) {
          unexpanded.push(`${rel(sf.fileName)}: ${node.getText(sf)}`);
          return;
        }
        variants = variants.flatMap((v) => values.map((x) => v + x + span.literal.text));
      }
      variants.forEach((v) => reasons.add(v));
      return;
    }
    // Only the values, never the property names or callees around them.
    if (ts.isPropertyAccessExpression(node) || ts.isIdentifier(node)) return;
    ts.forEachChild(node, (child) => collect(child, sf));
  };
  for (const file of filesUnder(path.join(REPO_ROOT, 'runtime', 'src'), '.ts')) {
    const sf = parse(file);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(sf).replace(/\s/g, '');
        if (/(^|\.)reasons\.push$/i.test(callee)) node.arguments.forEach((a) => collect(a, sf));
        if (/^this\.local$/.test(callee) && node.arguments.length >= 4) collect(node.arguments[3], sf);
        if (/degradedReplies\.inc$/.test(callee) && node.arguments[0] && ts.isObjectLiteralExpression(node.arguments[0])) {
          for (const p of node.arguments[0].properties) {
            if (ts.isPropertyAssignment(p) && p.name.getText(sf) === 'reason') collect(p.initializer, sf);
          }
        }
      }
      if (
        ts.isPropertyAssignment(node) &&
        /degradedReasons\]?$/.test(node.name.getText(sf)) &&
        ts.isArrayLiteralExpression(node.initializer)
      ) {
        collect(node.initializer, sf);
      }
      // const degradedReasons = [...]; x[SESSION_PARAMETERS.degradedReasons] = [...]
      if (ts.isVariableDeclaration(node) && /degradedReasons$/.test(node.name.getText(sf)) && node.initializer)
        collect(node.initializer, sf);
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        /degradedReasons\]?$/.test(node.left.getText(sf))
      ) {
        collect(node.right, sf);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { reasons: [...reasons].sort(), unexpanded };
}

/** The string literals a function or method named `name` returns in `file` (e.g. `failureKind`). */
export function returnedLiterals(file: string, name: string): string[] {
  const sf = parse(path.join(REPO_ROOT, file));
  const out: string[] = [];
  const visit = (node: ts.Node, inside: boolean): void => {
    const named = (ts.isMethodDeclaration(node) || ts.isFunctionDeclaration(node)) && node.name?.getText(sf) === name;
    if ((inside || named) && ts.isReturnStatement(node) && node.expression && ts.isStringLiteral(node.expression))
      out.push(node.expression.text);
    ts.forEachChild(node, (child) => visit(child, inside || named));
  };
  visit(sf, false);
  return out;
}

export interface ConfigIssue {
  /** The variable the issue names (its `path`). */
  readonly variable: string;
  readonly message: string;
  /** As the runtime prints it: `<VARIABLE>: <message up to its first ":">`. */
  readonly key: string;
}

/**
 * The runtime's start-up configuration: every environment variable of the zod schema in
 * runtime/src/config.ts (any of them can be rejected), and every cross-variable rule
 * (`ctx.addIssue({ path: [...], message })` in its `superRefine`).
 */
export function runtimeConfig(): { variables: string[]; issues: ConfigIssue[] } {
  const sf = parse(path.join(REPO_ROOT, 'runtime', 'src', 'config.ts'));
  const variables: string[] = [];
  const issues: ConfigIssue[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText(sf) === 'schema') {
      // z.object({...}).superRefine(...): the first object literal argument of z.object.
      const find = (n: ts.Node): void => {
        if (
          ts.isCallExpression(n) &&
          n.expression.getText(sf).replace(/\s/g, '') === 'z.object' &&
          n.arguments[0] &&
          ts.isObjectLiteralExpression(n.arguments[0])
        ) {
          for (const p of n.arguments[0].properties) if (p.name) variables.push(p.name.getText(sf));
          return;
        }
        ts.forEachChild(n, find);
      };
      find(node);
    }
    if (ts.isCallExpression(node) && node.expression.getText(sf) === 'ctx.addIssue') {
      const arg = node.arguments[0];
      if (arg && ts.isObjectLiteralExpression(arg)) {
        const prop = (name: string) =>
          arg.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sf) === name)?.initializer;
        const pathInit = prop('path');
        const messageInit = prop('message');
        const message = messageInit ? renderString(messageInit) : undefined;
        if (pathInit && ts.isArrayLiteralExpression(pathInit) && message !== undefined) {
          const variable = pathInit.elements.map((e) => (ts.isStringLiteral(e) ? e.text : PLACEHOLDER)).join('.');
          issues.push({ variable, message, key: `${variable}: ${message.split(': ')[0].trim()}` });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { variables, issues };
}

export interface DocPage {
  readonly file: string;
  readonly frontmatter: Record<string, unknown>;
  readonly body: string;
}

export function readPage(file: string): DocPage {
  const text = fs.readFileSync(file, 'utf8');
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  return {
    file: rel(file),
    frontmatter: m ? ((yaml.load(m[1]) as Record<string, unknown>) ?? {}) : {},
    body: m ? text.slice(m[0].length) : text,
  };
}

/** Whitespace collapsed, so a key found across a line break (prettier wraps prose) still matches. */
export const normalize = (s: string): string => s.replace(/\s+/g, ' ');

/** The headings of a page (`## ...`), without the hashes and code-span backticks. */
export function headings(body: string): string[] {
  return [...body.matchAll(/^#{2,4}\s+(.+)$/gm)].map((m) => m[1].replace(/`/g, '').trim());
}

/** True when one heading of `body` names `id` as a whole word (CKV_CONVAI_1 is not CKV_CONVAI_10). */
export function hasHeadingFor(body: string, id: string): boolean {
  const word = new RegExp(`(^|[^A-Za-z0-9_-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_-])`);
  return headings(body).some((h) => word.test(h));
}

/** True when one heading of `body` contains `key` (whitespace-normalized). */
export function hasHeadingContaining(body: string, key: string): boolean {
  const k = normalize(key);
  return headings(body).some((h) => normalize(h).includes(k));
}
