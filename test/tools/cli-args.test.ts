/** The one way command-line tools read arguments (tools/cli-args.ts, node:util parseArgs) and its messages. */
import { parseCommandLine, stringOptions } from '../../tools/cli-args';

const USAGE = 'usage: tool [--out DIR] [--ci]';

describe('parseCommandLine', () => {
  const options = { out: { type: 'string' }, ci: { type: 'boolean' } } as const;
  test.each([
    [['--nope'], /^unknown option --nope\nusage: tool/],
    [['--out'], /^--out needs a value\nusage: tool/],
    [['--out', '--ci'], /^--out needs a value\n/],
    [['--ci=yes'], /^--ci takes no value\n/],
    [['stray'], /^unexpected argument "stray"\n/],
  ])('%j is bad usage', (argv, message) => {
    expect(() => parseCommandLine(argv, options, USAGE)).toThrow(message);
  });
  test('reads values, --name=value and positionals where allowed', () => {
    expect(parseCommandLine(['--out=x', '--ci', 'cdktf.out'], options, USAGE, true)).toEqual({
      values: { out: 'x', ci: true },
      positionals: ['cdktf.out'],
    });
  });
});

test('stringOptions: string options only, by name', () => {
  expect(stringOptions(['--from', '2026-10-01', '--to', '2026-11-01'], ['from', 'to'], USAGE)).toEqual({
    from: '2026-10-01',
    to: '2026-11-01',
  });
  expect(() => stringOptions(['--from', 'a', '--color', 'red'], ['from'], USAGE)).toThrow(/^unknown option --color\n/);
});
