import { PostgresDatabase, inTransaction } from '../../runtime/src/storage/database';
import { PostgresServer } from './support/local-servers';

/**
 * Postgres going away in the middle of a transaction (the write-behind queues flush in
 * transactions) must fail that flush, not the process: the checked-out connection's 'error'
 * event is handled, and the broken connection is not handed out again when the server returns.
 */
describe('a database outage during a transaction', () => {
  let postgres: PostgresServer;
  let db: PostgresDatabase;

  beforeAll(async () => {
    postgres = await PostgresServer.start();
    db = new PostgresDatabase({ url: postgres.url, maxConnections: 1 });
  });
  afterAll(async () => {
    await db.close();
    await postgres.destroy();
  });

  test('rejects the transaction, raises nothing unhandled, and the next session gets a fresh connection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', onUnhandled);
    try {
      const inFlight = inTransaction(db, (tx) => tx.query('SELECT pg_sleep(10)'));
      await new Promise((r) => setTimeout(r, 300));
      await postgres.stop();
      await expect(inFlight).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('uncaughtException', onUnhandled);
      await postgres.resume();
    }
    // One connection in the pool: had the broken one been returned, this would fail on it.
    expect((await db.withSession((s) => s.query<{ one: number }>('SELECT 1 AS one'))).rows).toEqual([{ one: 1 }]);
  });
});
