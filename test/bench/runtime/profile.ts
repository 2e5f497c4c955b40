/**
 * Summary of a V8 CPU profile (`node --cpu-prof`): self time per function and per package.
 * A .cpuprofile holds a call tree (`nodes`, each with a `callFrame` and `hitCount`) and the
 * sampled node ids with the time since the previous sample (`samples`, `timeDeltas`); a node's
 * self time is the sum of the deltas of the samples that landed in it.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionRow {
  readonly fn: string;
  readonly location: string;
  readonly group: string;
  readonly selfMs: number;
  readonly share: number;
  /** For node-core and native frames: the package (or our code) whose call accounts for most of this time. */
  readonly via?: string;
}

export interface ProfileSummary {
  readonly file: string;
  /** What was summarized: the measured window only, or (when it could not be located) the whole profile. */
  readonly scope: string;
  readonly totalMs: number;
  /** Self time per group, idle excluded from `busyMs`. */
  readonly busyMs: number;
  readonly groups: Array<{ group: string; selfMs: number; share: number }>;
  /**
   * The same time with node core and native frames charged to the nearest package (or our code)
   * that called them: e.g. a socket writev under @redis/client counts for @redis/client.
   */
  readonly byCaller: Array<{ group: string; selfMs: number; share: number }>;
  readonly top: FunctionRow[];
}

/** Which package a frame belongs to: ours (runtime/dist), an npm package, node internals, or V8's pseudo-frames. */
export function groupOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) {
    if (frame.functionName === '(idle)') return '(idle)';
    if (frame.functionName === '(garbage collector)') return '(gc)';
    if (frame.functionName === '(program)') return '(program: native, not attributed)';
    return '(native/builtin)';
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('/runtime/dist/')) return 'ours (runtime/dist)';
  if (url.startsWith('node:')) return 'node core';
  return url;
}

/**
 * `window` is in microseconds of the monotonic clock (`process.hrtime`), which on Linux is the
 * clock V8 stamps profiles with: samples outside it (start-up, module loading, the cold pass)
 * are left out, so the summary describes the warm hot path only.
 */
export function summarizeProfile(file: string, window?: { fromUs: number; toUs: number }, topN = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let scope = 'whole process lifetime';
  if (samples.length > 0) {
    // timeDeltas[i] is the time before sample i; attribute it to the sample that ends it.
    const inWindow = (t: number) => !window || (t >= window.fromUs && t <= window.toUs);
    let t = profile.startTime;
    const stamps = samples.map((_, i) => (t += deltas[i] ?? 0));
    const useWindow = window !== undefined && stamps.some(inWindow);
    if (useWindow) scope = `the measured warm run only (${((window.toUs - window.fromUs) / 1e6).toFixed(1)} s)`;
    else if (window) scope = 'whole process lifetime (the warm window was not found in the profile clock)';
    for (let i = 0; i < samples.length; i++) {
      if (useWindow && !inWindow(stamps[i])) continue;
      self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, deltas[i] ?? 0) / 1000);
    }
  } else {
    const total = (profile.endTime - profile.startTime) / 1000;
    const hits = profile.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0) || 1;
    for (const n of profile.nodes) self.set(n.id, ((n.hitCount ?? 0) / hits) * total);
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isLibrary = (g: string) => g !== 'node core' && !g.startsWith('(');
  const callerGroup = (id: number): string => {
    const own = groupOf(byId.get(id)!.callFrame);
    if (isLibrary(own) || own === '(gc)' || own === '(idle)' || own === '(program: native, not attributed)') return own;
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const g = groupOf(byId.get(p)!.callFrame);
      if (isLibrary(g)) return g;
    }
    return own;
  };
  const callers = new Map<string, number>();
  const fnTotals = new Map<string, { fn: string; location: string; group: string; selfMs: number; callers: Map<string, number> }>();
  const groups = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const f = node.callFrame;
    const group = groupOf(f);
    const caller = callerGroup(id);
    const short = f.url.replace(/^.*node_modules\//, '').replace(/^.*\/runtime\/dist\//, 'runtime/dist/');
    const location = f.url ? `${short}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName}@${location}`;
    const row = fnTotals.get(key) ?? {
      fn: f.functionName || '(anonymous)',
      location,
      group,
      selfMs: 0,
      callers: new Map<string, number>(),
    };
    row.selfMs += ms;
    row.callers.set(caller, (row.callers.get(caller) ?? 0) + ms);
    fnTotals.set(key, row);
    groups.set(group, (groups.get(group) ?? 0) + ms);
    callers.set(caller, (callers.get(caller) ?? 0) + ms);
    totalMs += ms;
  }
  const busyMs = totalMs - (groups.get('(idle)') ?? 0);
  const share = (ms: number) => (busyMs > 0 ? ms / busyMs : 0);
  return {
    file,
    scope,
    totalMs,
    busyMs,
    groups: [...groups.entries()]
      .filter(([g]) => g !== '(idle)')
      .map(([group, selfMs]) => ({ group, selfMs, share: share(selfMs) }))
      .sort((a, b) => b.selfMs - a.selfMs),
    byCaller: [...callers.entries()]
      .filter(([g]) => g !== '(idle)')
      .map(([group, selfMs]) => ({ group, selfMs, share: share(selfMs) }))
      .sort((a, b) => b.selfMs - a.selfMs),
    top: [...fnTotals.values()]
      .filter((r) => r.group !== '(idle)')
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, topN)
      .map(({ callers: byCaller, ...r }) => {
        const via = [...byCaller.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
        return { ...r, share: share(r.selfMs), ...(via && via !== r.group && { via }) };
      }),
  };
}
