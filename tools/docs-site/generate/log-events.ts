import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** A structured log event the runtime writes: `logger.<level>({ event: '<name>', ...fields }, message)`. */
export interface LogEvent {
  /** The `event` value; a template's placeholders are shown as `<name>`. */
  readonly event: string;
  readonly level: string;
  /** Fields besides `event`, in source order; spreads appear as `...<expression>`. */
  readonly fields: string[];
  /** Where it is written: `runtime/src/app.ts:42`. */
  readonly source: string;
}

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

function eventName(node: ts.Expression, file: ts.SourceFile): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return node.head.text + node.templateSpans.map((s) => `<${s.expression.getText(file)}>${s.literal.text}`).join('');
  }
  return undefined;
}

/** Every structured log event under runtime/src, found in the syntax tree (not by running the runtime). */
export function logEvents(repo: string): LogEvent[] {
  const events: LogEvent[] = [];
  const visitFile = (rel: string) => {
    const file = ts.createSourceFile(rel, fs.readFileSync(path.join(repo, rel), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        LEVELS.has(node.expression.name.text) &&
        node.arguments[0] &&
        ts.isObjectLiteralExpression(node.arguments[0])
      ) {
        const properties = node.arguments[0].properties;
        const eventProperty = properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText(file) === 'event') as
          ts.PropertyAssignment | undefined;
        const event = eventProperty && eventName(eventProperty.initializer, file);
        if (event) {
          const fields = properties
            .filter((p) => p !== eventProperty)
            .map((p) => (ts.isSpreadAssignment(p) ? `...${p.expression.getText(file)}` : (p.name?.getText(file) ?? p.getText(file))));
          const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
          events.push({ event, level: node.expression.name.text, fields, source: `${rel}:${line}` });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  };
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(repo, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) visitFile(rel);
    }
  };
  walk('runtime/src');
  return events.sort((a, b) => a.event.localeCompare(b.event) || a.source.localeCompare(b.source));
}
