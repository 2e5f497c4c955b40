/**
 * The recorded walkthroughs: each cast is a valid asciinema v2 recording of its script, made in a
 * real terminal, whose script exited 0 — a walkthrough never shows a command that no longer works.
 * A walkthrough whose npm script does not exist yet is skipped, and its page must say so.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { castText, compressIdle, parseCast } from '../../tools/docs-site/record/cast';
import { recordScript } from '../../tools/docs-site/record/recorder';
import { WALKTHROUGHS } from '../../tools/docs-site/record/walkthroughs';

const REPO = path.resolve(__dirname, '../..');
const scripts = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts as Record<string, string>;

describe.each(WALKTHROUGHS.map((w) => [w.name, w] as const))('walkthrough %s', (_name, w) => {
  const page = path.join(REPO, 'docs/walkthroughs', `${w.name}.md`);
  const castFile = path.join(REPO, 'docs/walkthroughs/casts', `${w.name}.cast`);
  const available = !w.requiresNpmScript || scripts[w.requiresNpmScript] !== undefined;

  test('its script exists and its page is committed', () => {
    expect(fs.existsSync(path.join(REPO, w.script))).toBe(true);
    expect(fs.existsSync(page)).toBe(true);
  });

  if (!available) {
    test(`is skipped, and says so, while npm run ${w.requiresNpmScript} does not exist`, () => {
      expect(fs.existsSync(castFile)).toBe(false);
      expect(fs.readFileSync(page, 'utf8')).toContain(`Skipped: \`npm run ${w.requiresNpmScript}\` does not exist`);
    });
    return;
  }

  test('is a valid cast of its script, which exited 0', () => {
    const cast = parseCast(fs.readFileSync(castFile, 'utf8'));
    expect(cast.header.convai).toEqual({ script: w.script, exit_code: 0, wall_seconds: expect.any(Number) });
    expect(cast.events.length).toBeGreaterThan(3);
  });

  test('the page plays this cast and lists the commands the recording shows', () => {
    const text = fs.readFileSync(page, 'utf8');
    expect(text).toContain(`import cast from './casts/${w.name}.cast?url';`);
    expect(text).toContain('<AsciinemaCast :src="cast"');
    const shown = castText(parseCast(fs.readFileSync(castFile, 'utf8')));
    const listed = /```sh\n([\s\S]*?)```/.exec(text)![1].trim().split('\n');
    expect(listed.length).toBeGreaterThan(0);
    for (const command of listed) expect(shown).toContain(`$ ${command}`);
  });
});

describe('the recorder', () => {
  test('runs the script in a real terminal of the cast’s size and records its exit code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-record-'));
    try {
      const script = path.join(dir, 'probe.sh');
      fs.writeFileSync(script, 'test -t 1 && echo "a terminal"\ntput cols\nsleep 0.3\necho done\nexit 3\n');
      const cast = await recordScript({ repo: REPO, script, title: 'probe', width: 93, height: 20, timeoutMs: 20_000 });
      expect(cast.header).toMatchObject({ version: 2, width: 93, height: 20, convai: { script, exit_code: 3 } });
      expect(castText(cast)).toBe('a terminal\n93\ndone\n');
      const times = cast.events.map((e) => e[0]);
      expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(0.25); // output timestamped as it came
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('long pauses are shortened to the idle limit; short ones kept', () => {
    const events = compressIdle(
      [
        [0.5, 'o', 'a'],
        [10.5, 'o', 'b'],
        [11, 'o', 'c'],
      ],
      2,
    );
    expect(events.map((e) => e[0])).toEqual([0.5, 2.5, 3]);
  });

  test('a cast with time going backwards or without an exit code is refused', () => {
    const header = JSON.stringify({ version: 2, width: 80, height: 24, convai: { exit_code: 0 } });
    expect(() => parseCast(`${header}\n[1,"o","a"]\n[0.5,"o","b"]\n`)).toThrow('line 3: time goes backwards');
    expect(() => parseCast(`${JSON.stringify({ version: 2, width: 80, height: 24 })}\n`)).toThrow('convai.exit_code is missing');
  });
});
