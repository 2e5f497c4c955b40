import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_DIR, TOOLCHAIN_DIR } from './config';
import { run } from './process';

/**
 * Install builds/cdktn/package.json and its lock file in the toolchain folder with `npm ci`, when the
 * lock file is not what was installed last (a stamp of its hash in node_modules): a warm build skips it,
 * a bumped pin reinstalls.
 */
export function ensureToolchain(): void {
  fs.mkdirSync(TOOLCHAIN_DIR, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(MANIFEST_DIR, f), path.join(TOOLCHAIN_DIR, f));
  const lock = fs.readFileSync(path.join(TOOLCHAIN_DIR, 'package-lock.json'));
  const hash = crypto.createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(TOOLCHAIN_DIR, 'node_modules', '.convai-lock-sha256');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return;
  console.log('cdktn build: installing the pinned toolchain (builds/cdktn/package.json, npm ci in builds/cdktn/.work/toolchain)');
  run('npm', ['ci', '--no-audit', '--no-fund'], TOOLCHAIN_DIR);
  fs.writeFileSync(stamp, hash);
}
