/**
 * Text that Terraform must pass through unchanged.
 *
 * Terraform reads every string in cdktf's JSON as a template: `${...}` is an interpolation and
 * `%{...}` a directive. Google APIs have template languages of their own that use the same
 * syntax (Cloud Monitoring legend templates `${metric.labels.kind}`, alert documentation variables
 * `${policy.display_name}`, Workflows expressions `${sys.now()}`), and written as-is Terraform
 * tries to resolve them (`Reference to undeclared resource "metric" "labels"`). The escapes are
 * `$${` and `%%{`: Terraform turns them back into `${` and `%{`.
 *
 * cdktf's own tokens (references to resources, written `${TfToken[TOKEN.n]}` until synth) are kept,
 * so a text may mix literal templates and references:
 * `terraformLiteral(\`$\{metric.labels.kind} in ${bucket.name}\`)`.
 */
export function terraformLiteral(text: string): string {
  return text
    .split(STRING_TOKEN)
    .map((part) => (STRING_TOKEN_ONLY.test(part) ? part : escape(part)))
    .join('');
}

/**
 * `terraformLiteral` for every jsii language (the function is for JavaScript and TypeScript only):
 * `TerraformLiteral.of("${metric.labels.kind}")` returns `$${metric.labels.kind}`.
 */
export class TerraformLiteral {
  /** Text that Terraform must pass through unchanged: see the function `terraformLiteral`. */
  public static of(text: string): string {
    return terraformLiteral(text);
  }

  private constructor() {}
}

/** A cdktf string token as it appears inside a string before synth (cdktf's encoding, 0.21). */
const STRING_TOKEN = /(\$\{TfToken\[[a-zA-Z0-9:._-]+\]\})/;
const STRING_TOKEN_ONLY = /^\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}$/;

/** `${` → `$${`, `%{` → `%%{`; sequences already escaped stay as they are. */
function escape(literal: string): string {
  return literal.replace(/(?<![$%])([$%])\{/g, '$1$1{');
}
