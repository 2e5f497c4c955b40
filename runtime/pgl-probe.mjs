import { PGlite } from '@electric-sql/pglite';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
const rss = () => Math.round(process.memoryUsage().rss / 1048576);
const cpu0 = process.cpuUsage();
const cpu = () => Math.round((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system)/1000);
const t0 = performance.now();
const opts = JSON.parse(process.argv[2] ?? '{}');
if (opts.snapshot) { opts.loadDataDir = new Blob([readFileSync('/tmp/pgl-snap.tar.gz')]); delete opts.snapshot; }
const db = await PGlite.create(opts);
const t1 = performance.now();
console.log('create', Math.round(t1 - t0), 'ms', rss(), 'MB', 'cpu', cpu());
global.gc?.(); await new Promise(r=>setTimeout(r,100)); global.gc?.();
console.log('after gc', rss(), 'MB');
const { migrate } = await import('./dist/storage/migrations.js');
const wrapper = { kind: 'pglite', query: async (s, p) => ({ rows: (await db.query(s, p)).rows }), withSession: (fn) => fn(wrapper) };
await migrate(wrapper);
console.log('migrate', Math.round(performance.now() - t1), 'ms', rss(), 'MB', 'cpu', cpu());
console.log((await db.query("select name, setting, unit from pg_settings where name in ('shared_buffers','work_mem','wal_buffers','max_connections','temp_buffers','maintenance_work_mem')")).rows.map(r=>`${r.name}=${r.setting}${r.unit??''}`).join(' '));
if (process.argv[3] === 'dump') { const b = await db.dumpDataDir('gzip'); writeFileSync('/tmp/pgl-snap.tar.gz', Buffer.from(await b.arrayBuffer())); console.log('dumped', b.size); }
const mu = process.memoryUsage(); console.log(JSON.stringify(Object.fromEntries(Object.entries(mu).map(([k,v])=>[k,Math.round(v/1048576)]))));
await db.close();
