import type { Database } from './database-interface';

/**
 * Rows per multi-row INSERT on SQLite: batches are cut into chunks of 64, 32, 16, 8, 4, 2 and 1
 * rows, so each writer has at most seven statement texts however its batches vary (the write-behind
 * queue takes up to 500 records, and halves a batch that fails to find a poison record).
 *
 * Why: SQLite compiles each text into a prepared statement whose size grows with its placeholders
 * (~0.6 MB for 500 rows of 23 columns), and `SqliteDatabase` keeps the ones it has seen. With one
 * text per batch size, a soak held ~200 MB of them in native memory, outside V8's heap and its
 * gauges. Postgres prepares unnamed statements per query and keeps nothing, so it gets the whole
 * batch in one statement and one round trip.
 */
export const SQLITE_MAX_ROWS_PER_INSERT = 64;

/**
 * `rows` cut into the statements `db` should run: one chunk on Postgres, power-of-two chunks on
 * SQLite, none for no rows (an INSERT needs at least one).
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
