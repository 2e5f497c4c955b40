import fc from 'fast-check';
import { DEFAULT_QUALITY_WEIGHTS } from '../../runtime/src/quality/quality-score';
import { encodeRecord } from '../../runtime/src/storage/dead-letters';
import { PostgresDatabase } from '../../runtime/src/storage/database';
import { writeConversations } from '../../runtime/src/storage/conversation-writer';
import { writeExposures } from '../../runtime/src/storage/exposure-writer';
import { writeFeedback } from '../../runtime/src/storage/feedback-writer';
import { migrate } from '../../runtime/src/storage/migrations';
import { isRefusedByPostgres } from '../../runtime/src/storage/postgres-refusal';
import { writeTurnEvents } from '../../runtime/src/storage/turn-event-writer';
import { cacheEntries, conversations, exposures, feedbackRecords, turnEvents } from './support/hostile-records';
import { PostgresServer, waitFor } from './support/local-servers';
import { TestRuntime, startRuntime } from './support/runtime-harness';

/**
 * Every durable writer, fed hostile values on a real Postgres. The write-behind queue can only
 * isolate a bad record if the writer's failure on it is a refusal (SQLSTATE 22, 23 or 54) and
 * not something that looks like an outage, which it would retry forever; and then every record
 * must end up stored or dead-lettered while the queue keeps flowing. One table row per queue the
 * runtime builds: a new queue without a row here fails the test.
 */

interface WriterCase {
  readonly records: fc.Arbitrary<any>;
  readonly write?: (db: PostgresDatabase, batch: any[]) => Promise<void>;
  readonly stored: (record: any) => [sql: string, params: unknown[]];
}

const WRITERS: Record<string, WriterCase> = {
  'turn-events': {
    records: turnEvents,
    write: (db, batch) => writeTurnEvents(db, batch),
    stored: (r) => ['SELECT 1 FROM turn_events WHERE id = $1', [r.id]],
  },
  conversations: {
    records: conversations,
    write: (db, batch) => writeConversations(db, batch, DEFAULT_QUALITY_WEIGHTS),
    stored: (r) => ['SELECT 1 FROM conversations WHERE session_id = $1', [r.sessionId]],
  },
  'experiment-exposures': {
    records: exposures,
    write: (db, batch) => writeExposures(db, batch),
    stored: (r) => ['SELECT 1 FROM experiment_exposures WHERE session_id = $1', [r.sessionId]],
  },
  // Written through PostgresTier's private writer: covered by the queue property below.
  'l3-cache': { records: cacheEntries, stored: (r) => ['SELECT 1 FROM nlp_cache_entries WHERE key = $1', [r.key]] },
};
/** Not queued (committed before the client is answered), but the same refusal contract decides 422 vs 503. */
const FEEDBACK: WriterCase = {
  records: feedbackRecords,
  write: (db, batch) => writeFeedback(db, batch, DEFAULT_QUALITY_WEIGHTS),
  stored: (r) => ['SELECT 1 FROM feedback WHERE id = $1', [r.id]],
};

describe('durable writers and hostile values (real Postgres, property-based)', () => {
  let postgres: PostgresServer;
  let db: PostgresDatabase;
  beforeAll(async () => {
    postgres = await PostgresServer.start();
    db = new PostgresDatabase({ url: postgres.url });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await postgres.destroy();
  });

  /** Whether the row is there; a key Postgres cannot even compare (a NUL in it) was never stored. */
  const exists = async ([sql, params]: [string, unknown[]]) => {
    try {
      return (await db.query(sql, params)).rows.length > 0;
    } catch (error) {
      if (isRefusedByPostgres(error)) return false;
      throw error;
    }
  };

  test.each([...Object.entries(WRITERS).filter(([, w]) => w.write), ['feedback', FEEDBACK] as const])(
    '%s: a record is either stored or refused with a data SQLSTATE, never an error that looks like an outage',
    async (_name, writer) => {
      await fc.assert(
        fc.asyncProperty(writer.records, async (record) => {
          try {
            await writer.write!(db, [record]);
          } catch (error) {
            if (!isRefusedByPostgres(error))
              throw new Error(`not a refusal: ${(error as Error).message} (${(error as { code?: string }).code})`);
            return;
          }
          expect(await exists(writer.stored(record))).toBe(true);
        }),
        { numRuns: 150 },
      );
    },
  );

  describe("through the runtime's own queues", () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await startRuntime({ DATABASE_URL: postgres.url });
    });
    afterAll(() => rt?.close(1_000));

    test('every queue the runtime builds has a row in the writer table', () => {
      expect(rt.queues.map((q) => q.name).sort()).toEqual(Object.keys(WRITERS).sort());
    });

    test('a mix of good and hostile records: each is stored or dead-lettered, and the queue empties', async () => {
      for (const queue of rt.queues) {
        const writer = WRITERS[queue.name];
        await fc.assert(
          fc.asyncProperty(fc.array(writer.records, { minLength: 1, maxLength: 25 }), async (batch) => {
            for (const record of batch) queue.enqueue(record);
            await waitFor(() => queue.pending === 0, `${queue.name} to empty`, 20_000);
            for (const record of batch) {
              const stored = await exists(writer.stored(record));
              const deadLettered = await exists([
                'SELECT 1 FROM write_dead_letters WHERE queue = $1 AND record = $2',
                [queue.name, encodeRecord(record)],
              ]);
              expect({ queue: queue.name, handled: stored || deadLettered }).toEqual({ queue: queue.name, handled: true });
            }
          }),
          { numRuns: 15 },
        );
      }
    });
  });
});
