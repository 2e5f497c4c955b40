/** Helpers for writing Mermaid source that stays valid whatever the names contain. */

/** A node id: letters, digits and underscores only. */
export function nodeId(...parts: string[]): string {
  return parts.join('__').replace(/[^A-Za-z0-9_]/g, '_');
}

/** A quoted label; Mermaid reads `"` and `#` specially inside labels. */
export function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/** A fenced Mermaid block for a Markdown page. */
export function mermaidBlock(lines: readonly string[]): string {
  return ['```mermaid', ...lines, '```'].join('\n');
}
