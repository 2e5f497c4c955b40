import { Op, Token } from 'cdktf';

/** A unit of time and its length in milliseconds. */
class TimeUnit {
  public static readonly MILLIS = new TimeUnit('ms', 1);
  public static readonly SECONDS = new TimeUnit('s', 1000);
  public static readonly MINUTES = new TimeUnit('min', 60_000);
  public static readonly HOURS = new TimeUnit('h', 3_600_000);
  public static readonly DAYS = new TimeUnit('d', 86_400_000);

  private constructor(
    public readonly label: string,
    public readonly millis: number,
  ) {}
}

/**
 * A length of time: every time prop of the library takes one (timeouts, thresholds, retention,
 * intervals), so the unit is said where the value is written. Enum-like class (jsii has no
 * unions): build it with `Duration.millis(800)`, `Duration.seconds(30)`, `Duration.minutes(15)`,
 * `Duration.hours(4)`, `Duration.days(30)`.
 *
 * An amount may be an unresolved token (e.g. a Terraform variable): conversions then become
 * Terraform arithmetic (`var.days * 86400`), and the rules that judge durations skip it.
 */
export class Duration {
  /** @param amount milliseconds, ≥ 0 */
  public static millis(amount: number): Duration {
    return new Duration(amount, TimeUnit.MILLIS);
  }

  /** @param amount whole or fractional seconds, ≥ 0 */
  public static seconds(amount: number): Duration {
    return new Duration(amount, TimeUnit.SECONDS);
  }

  /** @param amount minutes, ≥ 0 */
  public static minutes(amount: number): Duration {
    return new Duration(amount, TimeUnit.MINUTES);
  }

  /** @param amount hours, ≥ 0 */
  public static hours(amount: number): Duration {
    return new Duration(amount, TimeUnit.HOURS);
  }

  /** @param amount days, ≥ 0 */
  public static days(amount: number): Duration {
    return new Duration(amount, TimeUnit.DAYS);
  }

  private constructor(
    private readonly amount: number,
    private readonly unit: TimeUnit,
  ) {
    if (Token.isUnresolved(amount)) return;
    if (!Number.isFinite(amount) || amount < 0) {
      throw new Error(`Duration: ${amount} ${unit.label} is not a duration: use a finite amount ≥ 0`);
    }
  }

  /** True when the amount is an unresolved token: its value is known only at apply time. */
  public isUnresolved(): boolean {
    return Token.isUnresolved(this.amount);
  }

  /** The duration in milliseconds. */
  public toMilliseconds(): number {
    return this.convert(TimeUnit.MILLIS);
  }

  /** The duration in seconds (fractional when not whole). */
  public toSeconds(): number {
    return this.convert(TimeUnit.SECONDS);
  }

  /** The duration in minutes (fractional when not whole). */
  public toMinutes(): number {
    return this.convert(TimeUnit.MINUTES);
  }

  /** The duration in hours (fractional when not whole). */
  public toHours(): number {
    return this.convert(TimeUnit.HOURS);
  }

  /** The duration in days (fractional when not whole). */
  public toDays(): number {
    return this.convert(TimeUnit.DAYS);
  }

  /** Human-readable, in the largest whole unit: "5 min", "4 h", "1 d", "90 s", "800 ms". */
  public toString(): string {
    if (this.isUnresolved()) return `${Token.asString(this.amount)} ${this.unit.label}`;
    const ms = this.toMilliseconds();
    for (const unit of [TimeUnit.DAYS, TimeUnit.HOURS, TimeUnit.MINUTES]) {
      if (ms >= unit.millis && ms % unit.millis === 0) return `${ms / unit.millis} ${unit.label}`;
    }
    if (this.unit === TimeUnit.MILLIS && ms % 1000 !== 0) return `${ms} ms`;
    return `${ms / 1000} s`;
  }

  private convert(to: TimeUnit): number {
    if (to === this.unit) return this.amount;
    if (this.isUnresolved()) {
      const result =
        this.unit.millis >= to.millis
          ? Op.mul(this.amount, this.unit.millis / to.millis)
          : Op.div(this.amount, to.millis / this.unit.millis);
      return Token.asNumber(result);
    }
    // Rounded to 12 significant digits: 0.1 h is 360 s, not 359.99999999999994.
    return Number(((this.amount * this.unit.millis) / to.millis).toPrecision(12));
  }
}
