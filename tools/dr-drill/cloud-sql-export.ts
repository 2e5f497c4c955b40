import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { PostgresCluster } from './postgres-cluster';

/**
 * The file DrBackup's export workflow produces, made locally with the tool Cloud SQL uses.
 *
 * The workflow calls `instances.export` with `fileType: SQL`, one database, and a `.sql.gz` URI.
 * Cloud SQL for PostgreSQL runs pg_dump for that: a plain-text SQL script without ownership or
 * privilege statements (the documented shape of a Cloud SQL-importable dump: `--no-owner`,
 * `--no-acl`, plain format; the workflow sets neither `clean` nor `ifExists`), gzip-compressed
 * because the object name ends in `.gz`. `gcloud sql import sql` feeds it to psql, stopping at
 * the first error.
 */
export const CLOUD_SQL_EXPORT_ARGS = ['--format=plain', '--no-owner', '--no-acl', '--encoding=UTF8'] as const;

/** pg_dump writes these first and last; an export without the trailer was cut short. */
const DUMP_HEADER = '-- PostgreSQL database dump';
const DUMP_TRAILER = '-- PostgreSQL database dump complete';

export interface ExportFile {
  readonly path: string;
  readonly bytes: number;
  readonly seconds: number;
}

/** Dump `database` of `cluster` as Cloud SQL's export does, into `path` (gzip). */
export async function exportDatabase(cluster: PostgresCluster, database: string, path: string): Promise<ExportFile> {
  const started = process.hrtime.bigint();
  const dump = cluster.spawnTool('pg_dump', [...CLOUD_SQL_EXPORT_ARGS, `--dbname=${cluster.urlFor(database)}`]);
  let stderr = '';
  dump.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => dump.once('close', (code) => resolve(code ?? 1)));
  await pipeline(dump.stdout!, createGzip(), createWriteStream(path));
  const code = await exited;
  if (code !== 0) throw new Error(`pg_dump exited ${code}: ${stderr.trim()}`);
  return { path, bytes: statSync(path).size, seconds: secondsSince(started) };
}

/**
 * Read the whole export before anything is restored from it: a gzip stream that is truncated or
 * corrupt fails here (gzip checks its CRC-32 and length), and a complete gzip of a dump that was
 * itself cut short lacks pg_dump's trailer. Returns the uncompressed size; throws a reason an
 * operator can act on.
 */
export async function inspectExport(path: string): Promise<{ sqlBytes: number }> {
  let sqlBytes = 0;
  let head = '';
  let tail = '';
  try {
    await pipeline(createReadStream(path), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        sqlBytes += chunk.length;
        if (head.length < 512) head += chunk.toString('utf8', 0, Math.min(chunk.length, 512));
        tail = (tail + chunk.toString('utf8')).slice(-512);
      }
    });
  } catch (e) {
    throw new Error(`export ${path} is truncated or corrupt: gunzip failed (${(e as Error).message}); restore an older export`);
  }
  if (!head.includes(DUMP_HEADER)) {
    throw new Error(`export ${path} is not a PostgreSQL SQL dump: it does not start with "${DUMP_HEADER}"`);
  }
  if (!tail.includes(DUMP_TRAILER)) {
    throw new Error(`export ${path} is incomplete: the dump ends without "${DUMP_TRAILER}" (the export was cut short)`);
  }
  return { sqlBytes };
}

/**
 * Import the export into `database` (which must exist and be empty), as `gcloud sql import sql`
 * does: psql, stopping at the first error. Throws with psql's own message.
 */
export async function importExport(cluster: PostgresCluster, database: string, path: string): Promise<{ seconds: number }> {
  const started = process.hrtime.bigint();
  const psql = cluster.spawnTool('psql', ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', `--dbname=${cluster.urlFor(database)}`]);
  let stderr = '';
  psql.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  psql.stdout!.resume();
  const exited = new Promise<number>((resolve) => psql.once('close', (code) => resolve(code ?? 1)));
  let readError: Error | undefined;
  try {
    await pipeline(createReadStream(path), createGunzip(), psql.stdin!);
  } catch (e) {
    readError = e as Error;
  }
  // psql stopping at an error closes its input, which the pipe reports as EPIPE: psql's own message
  // is the reason then. Only a failure to read the file while psql was still going is ours.
  if (readError && !/EPIPE/.test(readError.message)) {
    psql.kill('SIGKILL');
    await exited;
    throw new Error(`import of ${path} failed while reading it: ${readError.message}`);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`import of ${path} failed (psql exited ${code}): ${stderr.trim()}`);
  return { seconds: secondsSince(started) };
}

export function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
