import { createHash } from 'node:crypto';
import { Queryable } from './database';
import { sqlState } from './postgres-refusal';
import { storableText } from './storable-text';

/**
 * Records a write-behind queue's store refused (see postgres-refusal.ts), kept in the same
 * database so they outlive the instance: the queue name, the error Postgres gave, and the record
 * as JSON text. The encoding is always storable — JSON escapes NUL and unpaired surrogates as
 * `\u0000` / `\udXXX`, and the column is `text`, not `jsonb`, which would refuse those escapes —
 * so dead-lettering cannot itself be refused. Keyed by a hash of queue and record: a record
 * dead-lettered again (a retry after a lost commit, two instances) is stored once. See
 * runtime/README.md "Durable writes" for reading and replaying them.
 */
export async function writeDeadLetter(db: Queryable, queue: string, record: unknown, error: unknown): Promise<void> {
  const encoded = encodeRecord(record);
  const message = storableText(error instanceof Error ? error.message : String(error)).slice(0, 2_000);
  const detail = error !== null && typeof error === 'object' ? (error as { detail?: unknown }).detail : undefined;
  await db.query(
    `INSERT INTO write_dead_letters (id, queue, error_code, error_message, record) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
    [
      createHash('sha256').update(`${queue}\n${encoded}`).digest('base64url'),
      queue,
      sqlState(error) ?? null,
      typeof detail === 'string' ? `${message} (${storableText(detail).slice(0, 500)})` : message,
      encoded,
    ],
  );
}

/**
 * A record as JSON text Postgres can store. Numbers JSON cannot hold (NaN, ±Infinity) and bigints
 * are written as strings, so nothing is silently turned into `null`; a value JSON cannot encode
 * at all (a cycle) is kept as its string form.
 */
export function encodeRecord(record: unknown): string {
  try {
    return (
      JSON.stringify(record, (_key, value: unknown) =>
        (typeof value === 'number' && !Number.isFinite(value)) || typeof value === 'bigint' ? String(value) : value,
      ) ?? 'null'
    );
  } catch {
    return JSON.stringify(storableText(String(record)));
  }
}
