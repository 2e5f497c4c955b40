import { Client } from 'pg';

/**
 * What "the restore is complete" means, measured the same way on the source and on the restored
 * database: every table's row count and a checksum over its rows, the turn log's partitions, and
 * the schema version the runtime's migrations recorded.
 */
export interface TableFingerprint {
  readonly table: string;
  readonly rows: number;
  /** md5 over the rows' text forms in a fixed order: any changed, lost or extra row changes it. */
  readonly checksum: string;
}

export interface DatabaseFingerprint {
  /** Every ordinary table and partition in schema public, by name. */
  readonly tables: TableFingerprint[];
  /** Partitions attached to turn_events (including DEFAULT), by name. */
  readonly turnLogPartitions: string[];
  /** Highest migration id in schema_migrations (0 when the table is missing). */
  readonly schemaVersion: number;
  readonly migrationIds: number[];
}

export async function fingerprint(url: string): Promise<DatabaseFingerprint> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // relkind r = ordinary table (partitions included); the partitioned parent (p) has no rows of
    // its own, so counting its partitions counts every row once.
    const names = (
      await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname`,
      )
    ).rows.map((r) => r.name);
    const tables: TableFingerprint[] = [];
    for (const table of names) {
      const ident = `"${table.replace(/"/g, '""')}"`;
      const [row] = (
        await client.query<{ rows: string; checksum: string | null }>(
          `SELECT count(*) AS rows, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS checksum FROM ${ident} t`,
        )
      ).rows;
      tables.push({ table, rows: Number(row.rows), checksum: row.checksum ?? md5OfNothing });
    }
    const turnLogPartitions = (
      await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'public.turn_events'::regclass ORDER BY c.relname`,
      )
    ).rows.map((r) => r.name);
    const migrationIds = names.includes('schema_migrations')
      ? (await client.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id')).rows.map((r) => Number(r.id))
      : [];
    return { tables, turnLogPartitions, schemaVersion: Math.max(0, ...migrationIds), migrationIds };
  } catch (e) {
    if (/relation "public.turn_events" does not exist/.test((e as Error).message)) {
      throw new Error('turn_events is missing: the database holds no runtime schema');
    }
    throw e;
  } finally {
    await client.end();
  }
}

/** The checksum an empty table gets (string_agg of no rows is NULL). */
const md5OfNothing = 'empty';

export interface FingerprintDifference {
  readonly what: string;
  readonly expected: string;
  readonly actual: string;
}

/** Every way `restored` differs from `source`, one entry each (empty when identical). */
export function compareFingerprints(source: DatabaseFingerprint, restored: DatabaseFingerprint): FingerprintDifference[] {
  const diffs: FingerprintDifference[] = [];
  const byName = new Map(restored.tables.map((t) => [t.table, t]));
  for (const t of source.tables) {
    const r = byName.get(t.table);
    if (!r) diffs.push({ what: `table ${t.table}`, expected: `${t.rows} rows`, actual: 'missing' });
    else if (r.rows !== t.rows) diffs.push({ what: `rows of ${t.table}`, expected: String(t.rows), actual: String(r.rows) });
    else if (r.checksum !== t.checksum) diffs.push({ what: `checksum of ${t.table}`, expected: t.checksum, actual: r.checksum });
  }
  const sourceNames = new Set(source.tables.map((t) => t.table));
  for (const r of restored.tables) {
    if (!sourceNames.has(r.table)) diffs.push({ what: `table ${r.table}`, expected: 'absent', actual: `${r.rows} rows` });
  }
  const sp = source.turnLogPartitions.join(',');
  const rp = restored.turnLogPartitions.join(',');
  if (sp !== rp) diffs.push({ what: 'turn_events partitions', expected: sp, actual: rp || 'none' });
  if (source.migrationIds.join(',') !== restored.migrationIds.join(',')) {
    diffs.push({ what: 'schema_migrations', expected: source.migrationIds.join(','), actual: restored.migrationIds.join(',') || 'none' });
  }
  return diffs;
}
