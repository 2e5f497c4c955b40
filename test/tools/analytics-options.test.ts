/** The analytics CLI's options and the page's escaping helpers, without a database or a browser. */
import { jsonForScript, escapeHtml } from '../../tools/analytics/html';
import { parseArgs } from '../../tools/analytics/options';
import { chartLibrarySource } from '../../tools/analytics/chart-library';

const NOW = new Date('2026-03-10T15:30:00Z');

describe('analytics:report options', () => {
  test('defaults: DATABASE_URL, the last 30 whole UTC days up to the end of today, reports/analytics', () => {
    expect(parseArgs([], { DATABASE_URL: 'postgres://reader@127.0.0.1:5432/convai' }, NOW)).toEqual({
      databaseUrl: 'postgres://reader@127.0.0.1:5432/convai',
      databaseUrls: ['postgres://reader@127.0.0.1:5432/convai'],
      period: { from: new Date('2026-02-09T00:00:00Z'), to: new Date('2026-03-11T00:00:00Z') },
      outDir: 'reports/analytics',
    });
  });

  test('explicit options win; --from alone runs to the end of today, --to alone starts 30 days before it', () => {
    const env = { DATABASE_URL: 'postgres://env' };
    expect(parseArgs(['--database-url', 'postgres://flag', '--from', '2026-01-01', '--to', '2026-02-01', '--out', 'x'], env, NOW)).toEqual({
      databaseUrl: 'postgres://flag',
      databaseUrls: ['postgres://flag'],
      period: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') },
      outDir: 'x',
    });
    expect(parseArgs(['--from', '2026-03-01'], env, NOW).period.to).toEqual(new Date('2026-03-11T00:00:00Z'));
    expect(parseArgs(['--to', '2026-01-31T00:00:00Z'], env, NOW).period.from).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  test('bad usage is refused with the usage text', () => {
    const env = { DATABASE_URL: 'postgres://env' };
    expect(() => parseArgs([], {}, NOW)).toThrow(/no database: pass --database-url or set DATABASE_URL/);
    expect(() => parseArgs(['--from', 'yesterday'], env, NOW)).toThrow(/--from "yesterday" is not a date[\s\S]*Usage/);
    expect(() => parseArgs(['--from', '2026-03-01', '--to', '2026-03-01'], env, NOW)).toThrow(/must be after/);
    expect(() => parseArgs(['--project', 'p'], env, NOW)).toThrow(/unknown option --project/);
    expect(() => parseArgs(['--out'], env, NOW)).toThrow(/--out needs a value/);
    expect(() => parseArgs(['2026-10-01'], env, NOW)).toThrow(/unexpected argument "2026-10-01"/);
  });
});

describe('page escaping', () => {
  test('escapeHtml neutralizes markup and attribute quotes', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & co`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co');
  });

  test('jsonForScript cannot close its script element and parses back to the same value', () => {
    const value = { label: '</script><script>alert(1)</script> <!-- & \u2028' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  test('the inlined Chart.js is the pinned UMD build, without its source map reference', () => {
    const source = chartLibrarySource();
    expect(source).toContain('Chart.js v4.6.1');
    expect(source).not.toContain('sourceMappingURL');
  });
});
