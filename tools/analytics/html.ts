/** Escape text for HTML element content and quoted attribute values. Everything from the database goes through this. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * JSON safe inside a `<script type="application/json">` element: `</script>` or `<!--` in a
 * string must not end or confuse the element, so `<`, `>` and `&` become \u escapes (still the same
 * JSON), and U+2028/2029 too for any consumer that evaluates it as script.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
