/**
 * Printing and recording: one side-by-side table, the three targets with measured ratio and
 * PASS/MISS, the runtime's own counters, the profile summary, and the JSON in reports/.
 * A benchmark reports; it does not judge: a MISS is printed, not thrown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ProfileSummary } from './profile';
import { ScenarioResult } from './scenarios';
import { Settings } from './settings';

export interface Target {
  readonly label: string;
  readonly measured: string;
  readonly ok: boolean;
  readonly detail: string;
}

export function targets(results: ScenarioResult[], settings: Settings): Target[] {
  const get = (id: string) => results.find((r) => r.id === id);
  const out: Target[] = [];
  const a = get('a');
  const b = get('b');
  const c = get('c');
  const d = get('d');
  const e = get('e');
  if (a && d) {
    const ratio = d.load.requestsPerSecond / a.load.requestsPerSecond;
    out.push({
      label: '(d) req/s >= 0.5x (a) req/s',
      measured: `${ratio.toFixed(2)}x`,
      ok: ratio >= 0.5,
      detail: `${d.load.requestsPerSecond.toFixed(0)} vs ${a.load.requestsPerSecond.toFixed(0)} req/s`,
    });
  }
  if (d?.load.peakRssMB !== undefined) {
    // Reported, not judged: the issue sets no threshold for it.
    out.push({
      label: '(d) req/s per MB of peak RSS (reported)',
      measured: (d.load.requestsPerSecond / d.load.peakRssMB).toFixed(1),
      ok: true,
      detail: `${d.load.requestsPerSecond.toFixed(0)} req/s at ${d.load.peakRssMB.toFixed(0)} MB; (a) ${a?.load.peakRssMB === undefined ? '-' : `${(a.load.requestsPerSecond / a.load.peakRssMB).toFixed(1)} at ${a.load.peakRssMB.toFixed(0)} MB`}`,
    });
  }
  if (b && c) {
    const ratio = b.unitsPer1k > 0 ? c.unitsPer1k / b.unitsPer1k : NaN;
    out.push({
      label: '(c) billed units <= 0.3x (b) per 1k turns',
      measured: `${ratio.toFixed(2)}x`,
      ok: ratio <= 0.3,
      detail: `${c.unitsPer1k.toFixed(0)} vs ${b.unitsPer1k.toFixed(0)} units/1k turns`,
    });
  }
  if (e) {
    const limit = settings.deadlineMs + 50;
    const ok = e.load.p99Ms <= limit && e.load.non2xx === 0 && e.load.errors === 0 && e.load.timeouts === 0;
    out.push({
      label: `(e) p99 <= deadline+50 = ${limit} ms, 0 non-2xx`,
      measured: `${e.load.p99Ms} ms`,
      ok,
      detail: `non-2xx ${e.load.non2xx}, errors ${e.load.errors}, timeouts ${e.load.timeouts}`,
    });
  }
  return out;
}

export function printTable(results: ScenarioResult[], log: (s: string) => void): void {
  const header = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'NLP calls/1k',
    'units/1k',
    'non-2xx',
    'err+t/o',
    'turns',
    'peak RSS MB',
    'req/s per MB',
  ];
  const rows = results.map((r) => [
    r.name,
    r.load.requestsPerSecond.toFixed(0),
    String(r.load.p50Ms),
    String(r.load.p99Ms),
    r.callsPer1k.toFixed(0),
    r.unitsPer1k.toFixed(0),
    String(r.load.non2xx),
    String(r.load.errors + r.load.timeouts),
    String(r.load.turns),
    r.load.peakRssMB === undefined ? '-' : r.load.peakRssMB.toFixed(0),
    r.load.peakRssMB === undefined ? '-' : (r.load.requestsPerSecond / r.load.peakRssMB).toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  line(header);
  line(widths.map((w) => '-'.repeat(w)));
  for (const r of rows) line(r);
}

export function printTargets(list: Target[], log: (s: string) => void): void {
  log('targets:');
  for (const t of list) log(`  ${t.label.padEnd(44)} ${t.measured.padStart(9)}  ${t.ok ? 'PASS' : 'MISS'}  (${t.detail})`);
}

export function printRuntimeCounters(results: ScenarioResult[], log: (s: string) => void): void {
  log("runtime's own counters per scenario (/metrics differences):");
  for (const r of results) {
    if (!r.runtimeMetrics) continue;
    const parts = Object.entries(r.runtimeMetrics).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(1)}`);
    log(`  ${r.id}: ${parts.join(', ')}`);
  }
}

export function printProfile(p: ProfileSummary, log: (s: string) => void): void {
  log(`CPU profile of the warm runtime, ${p.scope}: ${(p.busyMs / 1000).toFixed(1)} s busy of ${(p.totalMs / 1000).toFixed(1)} s sampled`);
  log('  self time by package:');
  for (const g of p.groups.slice(0, 15))
    log(`    ${(g.share * 100).toFixed(1).padStart(5)}%  ${g.selfMs.toFixed(0).padStart(7)} ms  ${g.group}`);
  log('  the same, node core and native time charged to the package that called it:');
  for (const g of p.byCaller.slice(0, 15))
    log(`    ${(g.share * 100).toFixed(1).padStart(5)}%  ${g.selfMs.toFixed(0).padStart(7)} ms  ${g.group}`);
  log('  top functions by self time:');
  for (const f of p.top) {
    log(`    ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.fn}  [${f.group}${f.via ? `, called from ${f.via}` : ''}] ${f.location}`);
  }
}

export function writeJson(file: string, data: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
