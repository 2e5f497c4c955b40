import { Cast } from './cast';
import { Walkthrough } from './walkthroughs';

function commands(cast: Cast): string[] {
  const text = cast.events.map((e) => e[2]).join('');
  // Commands are printed after a green `$` prompt by scripts/lib.sh.
  // eslint-disable-next-line no-control-regex
  return [...text.matchAll(/\x1b\[1;32m\$\x1b\[0m ([^\r\n]+)/g)].map((m) => m[1]);
}

/** The Markdown page of a walkthrough: the player, the commands it shows, how it was recorded. */
export function walkthroughPage(w: Walkthrough, cast: Cast | undefined, skippedBecause?: string): string {
  const head = [
    '---',
    'diataxis: tutorial',
    `order: ${w.order}`,
    '---',
    '',
    `# ${w.title}`,
    '',
    '<!-- Written by `npm run docs:record`. -->',
    '',
  ];
  if (!cast) {
    return [
      ...head,
      w.intro,
      '',
      '::: warning Not recorded',
      `${skippedBecause ?? 'This walkthrough has not been recorded.'} Run \`npm run docs:record -- --only ${w.name}\` once it is.`,
      ':::',
      '',
      `The script it records: [${w.script}](../../${w.script}).`,
      '',
    ].join('\n');
  }
  const shown = commands(cast);
  return [
    ...head,
    '<script setup>',
    `import cast from './casts/${w.name}.cast?url';`,
    '</script>',
    '',
    w.intro,
    '',
    `<AsciinemaCast :src="cast" title="${w.title.replace(/"/g, '&quot;')}" />`,
    '',
    '## The commands',
    '',
    '```sh',
    ...shown,
    '```',
    '',
    `Recorded from [${w.script}](../../${w.script}) in a real terminal (${cast.header.width}×${cast.header.height}); ` +
      `it ran for ${cast.header.convai.wall_seconds} s and exited ${cast.header.convai.exit_code}. Pauses longer than ` +
      `${cast.header.idle_time_limit} s are shortened. A test refuses a recording whose script failed; ` +
      '`npm run docs:record` records it again.',
    '',
  ].join('\n');
}
