/**
 * Fallback peak-memory probe for synth-bench, used only where GNU time (/usr/bin/time) is missing.
 * Preloaded with `node -r`, it writes the process's own peak RSS (getrusage's ru_maxrss, in KiB)
 * to $BENCH_RSS_FILE when the process exits. It is the same number /usr/bin/time reports for a
 * single process, at the cost of loading this one tiny module.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
