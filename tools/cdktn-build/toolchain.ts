import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TOOLCHAIN_DIR } from './config';
import { run } from './process';

/**
 * `npm ci` in builds/cdktn when its lock file is not what was installed last (a stamp of the lock
 * file's hash in node_modules), so a warm build skips it and a bumped pin reinstalls.
 */
export function ensureToolchain(): void {
  const lock = fs.readFileSync(path.join(TOOLCHAIN_DIR, 'package-lock.json'));
  const hash = crypto.createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(TOOLCHAIN_DIR, 'node_modules', '.convai-lock-sha256');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return;
  console.log('cdktn build: installing the pinned toolchain (npm ci in builds/cdktn)');
  run('npm', ['ci', '--no-audit', '--no-fund'], TOOLCHAIN_DIR);
  fs.writeFileSync(stamp, hash);
}
