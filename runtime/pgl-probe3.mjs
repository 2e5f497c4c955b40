import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
const rss = () => Math.round(process.memoryUsage().rss / 1048576);
const opts = JSON.parse(process.argv[2] ?? '{}');
if (opts.snapshot) { opts.loadDataDir = new Blob([readFileSync('/tmp/pgl-snap.tar.gz')]); delete opts.snapshot; }
const db = await PGlite.create(opts);
global.gc?.(); await new Promise(r=>setTimeout(r,200)); global.gc?.();
await db.query('select 1');
console.log('after', rss());
const smaps = readFileSync('/proc/self/smaps','utf8').split('\n');
let cur=null; const regions=[];
for (const l of smaps) { const m=/^([0-9a-f]+)-([0-9a-f]+) (\S+)/.exec(l); if (m) { cur={h:l, size:(parseInt(m[2],16)-parseInt(m[1],16))/1048576, perm:m[3], rss:0}; regions.push(cur);} else if (l.startsWith('Rss:')) cur.rss=Number(l.split(/\s+/)[1])/1024; }
const groups = {};
for (const r of regions) { const k = r.size > 1000 ? 'huge(>1GB: wasm memory)' : r.h.includes('/') ? 'file:'+r.h.split('/').pop().slice(0,30) : r.h.includes('[heap]') ? '[heap]' : r.perm.includes('x') ? 'anon-exec (jit code)' : r.size >= 60 ? 'anon >=60MB (arenas/cages)' : 'anon small'; groups[k] = (groups[k]??0) + r.rss; }
Object.entries(groups).sort((a,b)=>b[1]-a[1]).forEach(([k,v])=>console.log(Math.round(v)+'MB', k));
await db.close();
