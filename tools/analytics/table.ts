import { escapeHtml } from './html';

export interface Column {
  readonly header: string;
  /** Right-aligned, for numbers. */
  readonly numeric?: boolean;
}

/**
 * A plain table: every cell is text and escaped here, so no caller can put markup from the
 * database into the page. Row headers (`th scope="row"`) name each row for screen readers.
 */
export function renderTable(
  caption: string,
  columns: readonly Column[],
  rows: ReadonlyArray<readonly string[]>,
  emptyText = 'No data in the period.',
): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(caption)}: ${escapeHtml(emptyText)}</p>`;
  const cls = (c: Column): string => (c.numeric ? ' class="num"' : '');
  const head = columns.map((c) => `<th scope="col"${cls(c)}>${escapeHtml(c.header)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row
          .map((cell, i) => (i === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td${cls(columns[i])}>${escapeHtml(cell)}</td>`))
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n<caption>${escapeHtml(caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
