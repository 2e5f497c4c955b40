/**
 * A length of time for recovery objectives. Enum-like class (jsii has no unions): build it with
 * `Duration.minutes(15)`, `Duration.hours(4)`, `Duration.days(1)`.
 */
export class Duration {
  /** @param amount whole or fractional seconds, ≥ 0 */
  public static seconds(amount: number): Duration {
    return new Duration(amount);
  }

  /** @param amount minutes, ≥ 0 */
  public static minutes(amount: number): Duration {
    return new Duration(amount * 60);
  }

  /** @param amount hours, ≥ 0 */
  public static hours(amount: number): Duration {
    return new Duration(amount * 3600);
  }

  /** @param amount days, ≥ 0 */
  public static days(amount: number): Duration {
    return new Duration(amount * 86400);
  }

  private constructor(private readonly totalSeconds: number) {
    if (!Number.isFinite(totalSeconds) || totalSeconds < 0) {
      throw new Error(`Duration: ${totalSeconds} seconds is not a duration: use a finite amount ≥ 0`);
    }
  }

  /** The duration in seconds. */
  public toSeconds(): number {
    return this.totalSeconds;
  }

  /** The duration in minutes (fractional when not whole). */
  public toMinutes(): number {
    return this.totalSeconds / 60;
  }

  /** The duration in hours (fractional when not whole). */
  public toHours(): number {
    return this.totalSeconds / 3600;
  }

  /** Human-readable, in the largest whole unit: "5 min", "4 h", "1 d", "90 s". */
  public toString(): string {
    const s = this.totalSeconds;
    if (s >= 86400 && s % 86400 === 0) return `${s / 86400} d`;
    if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
    if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
    return `${s} s`;
  }
}
