import { Analysis } from '../nlp/enrichment-types';
import { WriteBehindQueue, WriteBehindQueueOptions } from '../resilience/write-behind-queue';
import { Database } from '../storage/database';
import { insertChunks, valuesList } from '../storage/multi-row-insert';
import { CacheTier } from './cache-tier';

interface PendingEntry {
  readonly key: string;
  readonly value: Analysis;
  readonly expiresAt: Date;
}

/**
 * L3: Postgres, survives deploys and regional cache flushes. Reads are direct; writes go
 * through a write-behind queue so a turn never waits on a database insert, and entries written
 * while the database is down are kept and written when it returns.
 */
export class PostgresTier implements CacheTier {
  readonly name = 'l3' as const;
  readonly queue: WriteBehindQueue<PendingEntry>;

  constructor(
    private readonly db: Database,
    queueOptions: Omit<WriteBehindQueueOptions<PendingEntry>, 'name' | 'flush'>,
    /** The queue's name in metrics and logs; shards after the first add `-s<n>`. */
    queueName = 'l3-cache',
  ) {
    this.queue = new WriteBehindQueue<PendingEntry>({ name: queueName, flush: (batch) => this.write(batch), ...queueOptions });
  }

  async get(key: string): Promise<Analysis | undefined> {
    if (this.db.dialect === 'sqlite') {
      // The embedded SQLite stores JSON as text and times as ISO 8601 text (storage/migrations.ts).
      const { rows } = await this.db.query<{ value: string }>('SELECT value FROM nlp_cache_entries WHERE key = $1 AND expires_at > $2', [
        key,
        new Date(),
      ]);
      return rows[0] && (JSON.parse(rows[0].value) as Analysis);
    }
    const { rows } = await this.db.query<{ value: Analysis }>('SELECT value FROM nlp_cache_entries WHERE key = $1 AND expires_at > now()', [
      key,
    ]);
    return rows[0]?.value;
  }

  async set(key: string, value: Analysis, ttlSeconds: number): Promise<void> {
    this.queue.enqueue({ key, value, expiresAt: new Date(Date.now() + ttlSeconds * 1000) });
  }

  /** Multi-row upserts (one per batch on Postgres): idempotent, so a retried batch stores nothing twice. */
  private async write(batch: PendingEntry[]): Promise<void> {
    // Last write wins within a batch too; Postgres refuses one statement touching a key twice.
    const unique = [...new Map(batch.map((e) => [e.key, e])).values()];
    const jsonb = this.db.dialect === 'sqlite' ? '' : '::jsonb';
    for (const chunk of insertChunks(this.db, unique)) {
      await this.db.query(
        `INSERT INTO nlp_cache_entries (key, value, expires_at) VALUES ${valuesList(chunk.length, 3, (column) => (column === 1 ? jsonb : ''))}
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
        chunk.flatMap((e) => [e.key, JSON.stringify(e.value), e.expiresAt]),
      );
    }
  }
}
