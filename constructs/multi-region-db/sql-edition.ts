import { Duration } from '../core/duration';

/**
 * Cloud SQL edition. Enum-like class.
 *
 * ENTERPRISE_PLUS is what makes a promotable cross-region DR replica a first-class setting
 * (replication cluster, switchover without re-creating the old primary), 35 days of transaction
 * logs, and near-zero-downtime maintenance; the library picks it in production.
 */
export class SqlEdition {
  public static readonly ENTERPRISE = new SqlEdition('ENTERPRISE', Duration.days(7), 'db-custom-2-7680');
  public static readonly ENTERPRISE_PLUS = new SqlEdition('ENTERPRISE_PLUS', Duration.days(35), 'db-perf-optimized-N-2');

  private constructor(
    /** The API value of `settings.edition`. */
    public readonly value: string,
    /** The longest point-in-time-recovery log retention the edition allows. */
    public readonly maxTransactionLogRetention: Duration,
    /** The tier used when none is given. */
    public readonly defaultTier: string,
  ) {}
}
