import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { replay } from './replay';

const USAGE = `npm run improvement:replay -- [--database-url <url>] [--conversations 600] [--days 14] [--seed 7] [--experiments <file>]

Plays BANKING77 conversations (with simulated users who sometimes rate them) through the real
runtime into the database, for trying, teaching and testing the improvement reports.
--database-url defaults to DATABASE_URL; --experiments to config/experiments.json when present.`;

/** Exit 0 when done, 2 on bad usage, 1 when the replay failed. */
async function main(): Promise<void> {
  const repoRoot = join(__dirname, '..', '..', '..');
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'database-url': { type: 'string' },
        conversations: { type: 'string', default: '600' },
        days: { type: 'string', default: '14' },
        seed: { type: 'string', default: '7' },
        experiments: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) return console.log(USAGE);
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  const numbers = { conversations: Number(values.conversations), days: Number(values.days), seed: Number(values.seed) };
  const bad = Object.entries(numbers).find(([, v]) => !Number.isInteger(v) || v < 0);
  if (!databaseUrl || bad) {
    console.error(
      `${bad ? `--${bad[0]} must be a non-negative integer` : 'no database: pass --database-url or set DATABASE_URL'}\n\n${USAGE}`,
    );
    process.exit(2);
  }
  const defaultExperiments = join(repoRoot, 'config', 'experiments.json');
  const experimentsFile = values.experiments ?? (existsSync(defaultExperiments) ? defaultExperiments : undefined);
  try {
    const summary = await replay({ databaseUrl, repoRoot, ...numbers, experimentsFile });
    console.log(
      `replayed ${summary.conversations} conversations (${summary.turns} turns, ${summary.escalated} handed to a human, ${summary.feedback} rated)` +
        `${experimentsFile ? ` with experiments from ${experimentsFile}` : ''}`,
    );
  } catch (error) {
    console.error(`improvement:replay: ${(error as Error).message}`);
    process.exit(1);
  }
}

void main();
