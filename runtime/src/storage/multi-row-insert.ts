import type { Database } from './database-interface';

/**
 * Two ways to insert many rows in one statement, one per dialect:
 * - Postgres: `unnest` over one typed array parameter per column (`unnestRows`, `columnArrays`).
 *   The statement text is the same for every batch, with as many parameters as columns; a
 *   multi-row VALUES list had rows × columns placeholders (11,500 for 500 turn events) that the
 *   server parsed and planned again for every batch, on the same cores as the webhook in a small
 *   deployment (docs/performance/optimization_report.md).
 * - SQLite: multi-row VALUES lists, cut into a few fixed sizes (`insertChunks`, `valuesList`).
 *
 * Rows per multi-row INSERT on SQLite: batches are cut into chunks of 64, 32, 16, 8, 4, 2 and 1
 * rows, so each writer has at most seven statement texts however its batches vary (the write-behind
 * queue takes up to 500 records, and halves a batch that fails to find a poison record).
 *
 * Why: SQLite compiles each text into a prepared statement whose size grows with its placeholders
 * (~0.6 MB for 500 rows of 23 columns), and `SqliteDatabase` keeps the ones it has seen. With one
 * text per batch size, a soak held ~200 MB of them in native memory, outside V8's heap and its
 * gauges.
 */
export const SQLITE_MAX_ROWS_PER_INSERT = 64;

/**
 * `rows` cut into the statements `db` should run: one chunk on Postgres (PGlite), power-of-two
 * chunks on SQLite, none for no rows (an INSERT needs at least one).
 */
export function insertChunks<T>(db: Pick<Database, 'dialect'>, rows: readonly T[]): T[][] {
  if (rows.length === 0) return [];
  if (db.dialect !== 'sqlite') return [rows.slice()];
  const chunks: T[][] = [];
  let at = 0;
  for (let size = SQLITE_MAX_ROWS_PER_INSERT; size >= 1; size /= 2) {
    while (rows.length - at >= size) {
      chunks.push(rows.slice(at, at + size));
      at += size;
    }
  }
  return chunks;
}

/**
 * The VALUES list of a multi-row INSERT: `($1, $2), ($3, $4)` for 2 rows of 2 columns.
 * `cast(column)` appends a cast to a column's placeholder (e.g. `::jsonb` on Postgres).
 */
export function valuesList(rows: number, columns: number, cast: (column: number) => string = () => ''): string {
  const list: string[] = [];
  for (let i = 0; i < rows; i++) {
    const row: string[] = [];
    for (let j = 0; j < columns; j++) row.push(`$${i * columns + j + 1}${cast(j)}`);
    list.push(`(${row.join(', ')})`);
  }
  return list.join(', ');
}

/**
 * `SELECT <expressions> FROM unnest($1::<type>[], …) AS r(<columns>)`: the rows of
 * `columnArrays`, for `INSERT INTO t (<columns>) <this>`. `select` replaces a column's plain
 * `r.<column>` (e.g. to turn JSON back into an array: a Postgres array of arrays must be rectangular).
 */
export function unnestRows<C extends string>(
  columns: readonly C[],
  types: Readonly<Record<C, string>>,
  select: Partial<Record<C, string>> = {},
): string {
  return (
    `SELECT ${columns.map((c) => select[c] ?? `r.${c}`).join(', ')} ` +
    `FROM unnest(${columns.map((c, i) => `$${i + 1}::${types[c]}[]`).join(', ')}) AS r(${columns.join(', ')})`
  );
}

/**
 * Rows as one array per column, the parameters of `unnestRows`. A valid Date travels as ISO 8601
 * in UTC (timestamptz reads it; pg's own Date formatting costs more per element); anything else,
 * an invalid Date included, goes as it is, for Postgres to refuse as data.
 */
export function columnArrays<T>(rows: readonly T[], params: (row: T) => unknown[]): unknown[][] {
  let columns: unknown[][] | undefined;
  for (let r = 0; r < rows.length; r++) {
    const values = params(rows[r]);
    columns ??= values.map(() => new Array<unknown>(rows.length));
    for (let c = 0; c < values.length; c++) {
      const v = values[c];
      columns[c][r] = v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString() : v;
    }
  }
  return columns ?? [];
}
