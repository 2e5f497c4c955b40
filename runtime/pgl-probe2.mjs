import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
const rss = () => Math.round(process.memoryUsage().rss / 1048576);
const opts = JSON.parse(process.argv[2] ?? '{}');
console.log('before', rss());
if (opts.snapshot) { opts.loadDataDir = new Blob([readFileSync('/tmp/pgl-snap.tar.gz')]); delete opts.snapshot; }
const db = await PGlite.create(opts);
global.gc?.(); await new Promise(r=>setTimeout(r,200)); global.gc?.();
await db.query('select 1');
console.log('after', rss());
const mu = process.memoryUsage(); console.log(JSON.stringify(Object.fromEntries(Object.entries(mu).map(([k,v])=>[k,Math.round(v/1048576)]))));
// big mappings
const smaps = readFileSync('/proc/self/smaps','utf8').split('\n');
let cur=null; const regions=[];
for (const l of smaps) { if (/^[0-9a-f]+-[0-9a-f]+ /.test(l)) { cur={h:l, rss:0}; regions.push(cur);} else if (l.startsWith('Rss:')) cur.rss=Number(l.split(/\s+/)[1]); }
regions.sort((a,b)=>b.rss-a.rss).slice(0,12).forEach(r=>console.log(Math.round(r.rss/1024)+'MB', r.h.slice(0,120)));
await db.close();
