/**
 * Helpers for Workflows sources written as Workflows reads them (`${...}` are Workflows
 * expressions; the caller escapes them from Terraform with `terraformLiteral`).
 */

/**
 * Single-quote a YAML value that is a Workflows expression, so its quotes, colons and `#` stay
 * inside it (`key: ${...}` and list items `- ${...}`).
 */
export function quoteExpression(line: string): string {
  return line.replace(/^(\s*(?:- )?[A-Za-z][A-Za-z0-9_]*: |\s*- )(\$\{.*\})$/, "$1'$2'");
}

/** `sys.get_env("NAME")`, the way a workflow reads what Terraform knows. */
export function env(name: string): string {
  return `sys.get_env("${name}")`;
}

/** Lines → one Workflows source, with every expression value quoted. */
export function workflowSource(lines: string[]): string {
  return lines.map(quoteExpression).join('\n');
}
