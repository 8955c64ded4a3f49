// Typed physical quantities on top of Dec. Each class carries a literal `unit` tag, so an Energy can never be
// passed where a Duration is expected (a type error), and arithmetic only combines like with like.
import type { Decimal } from "decimal.js";
import { DEC_ZERO, Dec, type DecimalInput, dec } from "../money/decimal.ts";

const THOUSAND = new Dec(1000);
const SIXTY = new Dec(60);
const HOUR_SECONDS = new Dec(3600);

/** An amount of energy. Stored in Wh. OCPI speaks kWh (CDR volumes, min_kwh) and Wh (ENERGY step_size). */
export class Energy {
  /** The unit tag; makes Energy incompatible with the other quantities at the type level. */
  readonly unit = "Wh" as const;
  /** The value in watt-hours. */
  readonly wh: Dec;

  private constructor(wh: Dec) {
    this.wh = wh;
  }

  /** `Energy.wh("12500")`. */
  static wh(value: DecimalInput): Energy {
    return new Energy(dec(value));
  }

  /** `Energy.kwh("12.5")` = 12 500 Wh. */
  static kwh(value: DecimalInput): Energy {
    return new Energy(dec(value).times(THOUSAND));
  }

  static zero(): Energy {
    return ENERGY_ZERO;
  }

  /** The value in kWh. */
  get kwh(): Dec {
    return this.wh.div(THOUSAND);
  }

  plus(other: Energy): Energy {
    return new Energy(this.wh.plus(other.wh));
  }

  minus(other: Energy): Energy {
    return new Energy(this.wh.minus(other.wh));
  }

  /** Scales by a dimensionless decimal factor. */
  times(factor: Decimal): Energy {
    return new Energy(this.wh.times(factor));
  }

  /** The dimensionless ratio this / other. */
  ratio(other: Energy): Dec {
    return this.wh.div(other.wh);
  }

  /** -1, 0 or 1. */
  compare(other: Energy): -1 | 0 | 1 {
    return this.wh.comparedTo(other.wh) as -1 | 0 | 1;
  }

  equals(other: Energy): boolean {
    return this.wh.eq(other.wh);
  }

  lessThan(other: Energy): boolean {
    return this.wh.lt(other.wh);
  }

  greaterThan(other: Energy): boolean {
    return this.wh.gt(other.wh);
  }

  isZero(): boolean {
    return this.wh.isZero();
  }

  /** "12.5 kWh". */
  toString(): string {
    return `${this.kwh.toString()} kWh`;
  }

  /** JSON: `{ "kwh": "12.5" }`. */
  toJSON(): { kwh: string } {
    return { kwh: this.kwh.toString() };
  }
}

const ENERGY_ZERO = Energy.wh(DEC_ZERO);

/** Power. Stored in kW (the OCPI unit of min_power/max_power and of the POWER dimensions). */
export class Power {
  /** The unit tag. */
  readonly unit = "kW" as const;
  /** The value in kilowatts. */
  readonly kw: Dec;

  private constructor(kw: Dec) {
    this.kw = kw;
  }

  /** `Power.kw("11")`. */
  static kw(value: DecimalInput): Power {
    return new Power(dec(value));
  }

  /** `Power.w("11000")` = 11 kW. */
  static w(value: DecimalInput): Power {
    return new Power(dec(value).div(THOUSAND));
  }

  /** The value in watts. */
  get w(): Dec {
    return this.kw.times(THOUSAND);
  }

  plus(other: Power): Power {
    return new Power(this.kw.plus(other.kw));
  }

  minus(other: Power): Power {
    return new Power(this.kw.minus(other.kw));
  }

  times(factor: Decimal): Power {
    return new Power(this.kw.times(factor));
  }

  /** Energy delivered at this power during `duration`. */
  over(duration: Duration): Energy {
    return Energy.kwh(this.kw.times(duration.hours));
  }

  compare(other: Power): -1 | 0 | 1 {
    return this.kw.comparedTo(other.kw) as -1 | 0 | 1;
  }

  equals(other: Power): boolean {
    return this.kw.eq(other.kw);
  }

  lessThan(other: Power): boolean {
    return this.kw.lt(other.kw);
  }

  greaterThan(other: Power): boolean {
    return this.kw.gt(other.kw);
  }

  /** "11 kW". */
  toString(): string {
    return `${this.kw.toString()} kW`;
  }

  toJSON(): { kw: string } {
    return { kw: this.kw.toString() };
  }
}

/** Electric current. Stored in A; OCPI min_current/max_current are the sum over all phases. */
export class Current {
  /** The unit tag. */
  readonly unit = "A" as const;
  /** The value in amperes. */
  readonly a: Dec;

  private constructor(a: Dec) {
    this.a = a;
  }

  /** `Current.a("32")` = 32 A. */
  static a(value: DecimalInput): Current {
    return new Current(dec(value));
  }

  /** Alias of `Current.a`. */
  static amperes(value: DecimalInput): Current {
    return new Current(dec(value));
  }

  plus(other: Current): Current {
    return new Current(this.a.plus(other.a));
  }

  minus(other: Current): Current {
    return new Current(this.a.minus(other.a));
  }

  times(factor: Decimal): Current {
    return new Current(this.a.times(factor));
  }

  compare(other: Current): -1 | 0 | 1 {
    return this.a.comparedTo(other.a) as -1 | 0 | 1;
  }

  equals(other: Current): boolean {
    return this.a.eq(other.a);
  }

  lessThan(other: Current): boolean {
    return this.a.lt(other.a);
  }

  greaterThan(other: Current): boolean {
    return this.a.gt(other.a);
  }

  /** "32 A". */
  toString(): string {
    return `${this.a.toString()} A`;
  }

  toJSON(): { a: string } {
    return { a: this.a.toString() };
  }
}

/**
 * A length of time. Stored in seconds (decimal, so milliseconds are exact). OCPI uses seconds for step_size and
 * min/max_duration, and hours for the TIME/PARKING_TIME volumes of a CDR.
 */
export class Duration {
  /** The unit tag. */
  readonly unit = "s" as const;
  /** The value in seconds. */
  readonly seconds: Dec;

  private constructor(seconds: Dec) {
    this.seconds = seconds;
  }

  /** `Duration.seconds("900")`. */
  static seconds(value: DecimalInput): Duration {
    return new Duration(dec(value));
  }

  /** `Duration.minutes("15")` = 900 s. */
  static minutes(value: DecimalInput): Duration {
    return new Duration(dec(value).times(SIXTY));
  }

  /** `Duration.hours("2.5")` = 9000 s. */
  static hours(value: DecimalInput): Duration {
    return new Duration(dec(value).times(HOUR_SECONDS));
  }

  /** An integer number of milliseconds (e.g. a difference of two `Date.getTime()` values). */
  static millis(ms: number | bigint): Duration {
    if (typeof ms === "number" && !Number.isSafeInteger(ms)) throw new RangeError(`not an integer: ${ms}`);
    return new Duration(new Dec(ms.toString()).div(THOUSAND));
  }

  /** The time from `start` to `end` (negative when `end` is before `start`), millisecond exact. */
  static between(start: Date, end: Date): Duration {
    return Duration.millis(end.getTime() - start.getTime());
  }

  static zero(): Duration {
    return DURATION_ZERO;
  }

  /** The value in hours. */
  get hours(): Dec {
    return this.seconds.div(HOUR_SECONDS);
  }

  /** The value in minutes. */
  get minutes(): Dec {
    return this.seconds.div(SIXTY);
  }

  /** The value in milliseconds (a JS number, for Date arithmetic; rounded to the nearest ms). */
  get millis(): number {
    return this.seconds.times(THOUSAND).toDecimalPlaces(0).toNumber();
  }

  plus(other: Duration): Duration {
    return new Duration(this.seconds.plus(other.seconds));
  }

  minus(other: Duration): Duration {
    return new Duration(this.seconds.minus(other.seconds));
  }

  times(factor: Decimal): Duration {
    return new Duration(this.seconds.times(factor));
  }

  /** The dimensionless ratio this / other. */
  ratio(other: Duration): Dec {
    return this.seconds.div(other.seconds);
  }

  compare(other: Duration): -1 | 0 | 1 {
    return this.seconds.comparedTo(other.seconds) as -1 | 0 | 1;
  }

  equals(other: Duration): boolean {
    return this.seconds.eq(other.seconds);
  }

  lessThan(other: Duration): boolean {
    return this.seconds.lt(other.seconds);
  }

  greaterThan(other: Duration): boolean {
    return this.seconds.gt(other.seconds);
  }

  isZero(): boolean {
    return this.seconds.isZero();
  }

  /** "900 s". */
  toString(): string {
    return `${this.seconds.toString()} s`;
  }

  toJSON(): { seconds: string } {
    return { seconds: this.seconds.toString() };
  }
}

const DURATION_ZERO = Duration.seconds(DEC_ZERO);
