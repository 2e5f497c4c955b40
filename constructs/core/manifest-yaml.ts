/**
 * Kubernetes manifests as YAML text, for what the library renders outside Terraform (Chaos Mesh
 * experiments that an operator applies with kubectl). Block style for maps and lists, every
 * string as a JSON string — a valid YAML double-quoted scalar, so no value can be misread as a
 * number, boolean, null or anchor — and numbers and booleans as they are. Enough for manifests;
 * not a general YAML writer (no multi-line strings, no custom tags), and it refuses what it
 * cannot write rather than guessing.
 */
export function manifestYaml(value: unknown): string {
  if (isEmpty(value)) return `${Array.isArray(value) ? '[]' : '{}'}\n`;
  return `${block(value, 0).join('\n')}\n`;
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  throw new Error(`manifestYaml: cannot write ${String(value)} (${typeof value}): use strings, finite numbers, booleans, lists and maps`);
}

/** Keys left bare: names like `app.kubernetes.io/name` that YAML cannot read as a number, boolean or null. */
const isPlainKey = (k: string) => /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(k) && !/^(y|yes|n|no|true|false|on|off|null)$/i.test(k);
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);

function block(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isMap(value)) {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .flatMap(([k, v]) => {
        const key = isPlainKey(k) ? k : JSON.stringify(k);
        if (isEmpty(v)) return [`${pad}${key}: ${Array.isArray(v) ? '[]' : '{}'}`];
        if (Array.isArray(v) || isMap(v)) return [`${pad}${key}:`, ...block(v, indent + 2)];
        return [`${pad}${key}: ${scalar(v)}`];
      });
  }
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (isEmpty(item)) return [`${pad}- ${Array.isArray(item) ? '[]' : '{}'}`];
      if (Array.isArray(item) || isMap(item)) {
        const [first, ...rest] = block(item, indent + 2);
        return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
      }
      return [`${pad}- ${scalar(item)}`];
    });
  }
  return [`${pad}${scalar(value)}`];
}
