import { Database, Queryable, transactionOn } from '../../runtime/src/storage/database';

/**
 * Run a report's reads in one REPEATABLE READ, READ ONLY transaction: every query sees the same
 * snapshot while the webhook keeps writing (a total must match its breakdown), and a report can
 * never change data. The runtime pool's 5 s statement timeout is for webhook turns; a month of
 * analytics may take longer, so the transaction sets its own.
 */
export async function readOnlySnapshot<T>(
  db: Pick<Database, 'withSession'>,
  statementTimeout: string,
  fn: (q: Queryable) => Promise<T>,
): Promise<T> {
  if (!/^\d+(ms|s|min)$/.test(statementTimeout)) throw new Error(`statement timeout "${statementTimeout}" must look like 30s or 5min`);
  return db.withSession((session) =>
    transactionOn(
      session,
      async (tx) => {
        await tx.query(`SET LOCAL statement_timeout = '${statementTimeout}'`);
        return fn(tx);
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    ),
  );
}
