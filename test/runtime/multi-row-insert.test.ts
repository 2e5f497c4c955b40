import fc from 'fast-check';
import { SQLITE_MAX_ROWS_PER_INSERT, columnArrays, insertChunks, unnestRows, valuesList } from '../../runtime/src/storage/multi-row-insert';

describe('multi-row INSERT chunks', () => {
  test('SQLite: every row once, in order, in chunks of at most seven sizes (powers of two up to the maximum)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 1_200 }), (rows) => {
        const chunks = insertChunks({ dialect: 'sqlite' }, rows);
        expect(chunks.flat()).toEqual(rows);
        for (const chunk of chunks) {
          expect(chunk.length).toBeGreaterThan(0);
          expect(chunk.length).toBeLessThanOrEqual(SQLITE_MAX_ROWS_PER_INSERT);
          expect(Number.isInteger(Math.log2(chunk.length))).toBe(true);
        }
      }),
    );
  });

  test('Postgres: the whole batch in one statement; no rows, no statement', () => {
    const rows = Array.from({ length: 500 }, (_, i) => i);
    expect(insertChunks({ dialect: 'postgres' }, rows)).toEqual([rows]);
    expect(insertChunks({ dialect: 'postgres' }, [])).toEqual([]);
    expect(insertChunks({ dialect: 'sqlite' }, [])).toEqual([]);
  });

  test('the VALUES list numbers placeholders row by row, with per-column casts', () => {
    expect(valuesList(2, 3, (c) => (c === 1 ? '::jsonb' : ''))).toBe('($1, $2::jsonb, $3), ($4, $5::jsonb, $6)');
  });
});

describe('unnest inserts (Postgres)', () => {
  test('one typed array per column, numbered in column order, with replaced expressions', () => {
    expect(unnestRows(['a', 'b'], { a: 'text', b: 'jsonb' }, { b: 'f(r.b)' })).toBe(
      'SELECT r.a, f(r.b) FROM unnest($1::text[], $2::jsonb[]) AS r(a, b)',
    );
  });

  test('rows become columns; valid Dates travel as ISO 8601, anything else as it is', () => {
    const invalid = new Date(Number.NaN);
    const rows = [
      { n: 1, at: new Date(Date.UTC(2026, 11, 5, 13, 0, 0, 7)) },
      { n: 2, at: invalid },
    ];
    expect(columnArrays(rows, (r) => [r.n, r.at, null])).toEqual([
      [1, 2],
      ['2026-12-05T13:00:00.007Z', invalid],
      [null, null],
    ]);
    expect(columnArrays([], () => [1])).toEqual([]);
  });
});
