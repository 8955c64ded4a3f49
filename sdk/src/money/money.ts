// Money: a decimal amount in one ISO 4217 currency. Immutable; arithmetic never accepts a JS float.
import type { Decimal } from "decimal.js";
import { type CurrencyCode, minorUnits, currency as toCurrency } from "./currency.ts";
import { DEC_ZERO, Dec, type DecimalInput, dec } from "./decimal.ts";
import { DEFAULT_ROUNDING, type RoundingMode, type RoundingPolicy, roundDecimal } from "./rounding.ts";

/** Thrown when two amounts of different currencies are combined or compared. */
export class CurrencyMismatchError extends Error {
  override name = "CurrencyMismatchError";
}

/** The JSON form of Money: the amount as a decimal string (never a JSON number) and the currency code. */
export interface MoneyJson {
  amount: string;
  currency: string;
}

/** An integer multiplier: a bigint, or a JS number that is a safe integer (checked at run time). */
export type IntegerMultiplier = bigint | number;

export class Money {
  /** The amount, at full precision (not rounded until `round` is called). */
  readonly amount: Dec;
  /** The ISO 4217 code. */
  readonly currency: CurrencyCode;

  private constructor(amount: Dec, currency: CurrencyCode) {
    this.amount = amount;
    this.currency = currency;
  }

  /** `Money.of("12.50", "EUR")`. The amount is a decimal string, bigint or Decimal; JS numbers are refused. */
  static of(amount: DecimalInput, currency: string): Money {
    return new Money(dec(amount), toCurrency(currency));
  }

  /** Zero in `currency`. */
  static zero(currency: string): Money {
    return new Money(DEC_ZERO, toCurrency(currency));
  }

  /** `Money.fromMinor(1250n, "EUR")` = 12.50 EUR. */
  static fromMinor(minor: bigint, currency: string): Money {
    const code = toCurrency(currency);
    return new Money(new Dec(minor.toString()).div(new Dec(10).pow(minorUnits(code))), code);
  }

  /** Parses the JSON form produced by `toJSON`. */
  static fromJSON(json: MoneyJson): Money {
    return Money.of(json.amount, json.currency);
  }

  /** Sum of `items` (all in `currency`); zero for an empty list. */
  static sum(items: readonly Money[], currency: string): Money {
    let total = Money.zero(currency);
    for (const m of items) total = total.plus(m);
    return total;
  }

  /** Number of minor-unit digits of this currency. */
  get minorUnits(): number {
    return minorUnits(this.currency);
  }

  plus(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  minus(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  /** Multiplies by a decimal factor (e.g. a quantity or a VAT factor); no rounding. */
  times(factor: Decimal): Money {
    return new Money(this.amount.times(factor), this.currency);
  }

  /** Multiplies by an integer count (a safe integer number or a bigint). Non-integers are refused at run time. */
  timesInteger(count: IntegerMultiplier): Money {
    if (typeof count === "number" && !Number.isSafeInteger(count)) {
      throw new RangeError(`timesInteger expects an integer, got ${count}; use times(Decimal) for fractions`);
    }
    return new Money(this.amount.times(new Dec(count.toString())), this.currency);
  }

  /** Divides by a decimal divisor; no rounding (full precision of `Dec`). */
  dividedBy(divisor: Decimal): Money {
    return new Money(this.amount.div(divisor), this.currency);
  }

  negated(): Money {
    return new Money(this.amount.negated(), this.currency);
  }

  abs(): Money {
    return new Money(this.amount.abs(), this.currency);
  }

  isZero(): boolean {
    return this.amount.isZero();
  }

  isNegative(): boolean {
    return this.amount.isNegative() && !this.amount.isZero();
  }

  /** -1, 0 or 1. Throws on a currency mismatch. */
  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other);
    return this.amount.comparedTo(other.amount) as -1 | 0 | 1;
  }

  equals(other: Money): boolean {
    return this.currency === other.currency && this.amount.eq(other.amount);
  }

  lessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }

  greaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }

  /** The smaller of the two (same currency). */
  min(other: Money): Money {
    return this.compare(other) <= 0 ? this : other;
  }

  /** The larger of the two (same currency). */
  max(other: Money): Money {
    return this.compare(other) >= 0 ? this : other;
  }

  /** Rounds with `policy` (mode and decimals; the scope is for the caller to honour). */
  round(policy: Pick<RoundingPolicy, "mode" | "decimals"> = DEFAULT_ROUNDING): Money {
    return round(this, policy);
  }

  /**
   * Splits this amount, rounded to minor units with `mode`, into parts proportional to `ratios`, so that the
   * parts add up exactly to the rounded amount. Leftover minor units go one by one to the parts with the largest
   * remainders (ties to the earlier part). Ratios are non-negative decimals with a positive sum.
   */
  allocate(ratios: readonly Decimal[], mode: RoundingMode = "HALF_UP"): Money[] {
    if (ratios.length === 0) throw new RangeError("allocate needs at least one ratio");
    const sum = ratios.reduce((acc: Decimal, r) => acc.plus(r), DEC_ZERO);
    if (ratios.some((r) => r.isNegative()) || !sum.gt(0)) throw new RangeError("ratios must be ≥ 0 with a sum > 0");
    const digits = this.minorUnits;
    const scale = new Dec(10).pow(digits);
    const totalMinor = roundDecimal(this.amount, digits, mode).times(scale);
    const exact = ratios.map((r) => totalMinor.times(r).div(sum));
    const floors = exact.map((x) => x.toDecimalPlaces(0, Dec.ROUND_DOWN));
    let left = totalMinor.minus(floors.reduce((a: Decimal, b) => a.plus(b), DEC_ZERO)).toNumber();
    const step = totalMinor.isNegative() ? -1 : 1;
    const order = exact
      .map((x, i) => ({ i, rest: x.minus(floors[i] as Decimal).abs() }))
      .sort((a, b) => b.rest.comparedTo(a.rest) || a.i - b.i);
    const parts = floors.slice();
    for (let k = 0; left !== 0 && order.length > 0; k = (k + 1) % order.length) {
      const at = (order[k] as { i: number }).i;
      parts[at] = (parts[at] as Decimal).plus(step);
      left -= step;
    }
    return parts.map((p) => new Money(p.div(scale), this.currency));
  }

  /** The amount with exactly `decimals` decimals (default: the currency's minor units), rounded half-up. */
  toFixed(decimals: number = this.minorUnits, mode: RoundingMode = "HALF_UP"): string {
    return roundDecimal(this.amount, decimals, mode).toFixed(decimals);
  }

  /** "12.50 EUR": the amount with the currency's minor units (rounded half-up for display) and the code. */
  toString(): string {
    return `${this.toFixed()} ${this.currency}`;
  }

  /** `{ amount: "12.5", currency: "EUR" }`: the full-precision amount as a string. */
  toJSON(): MoneyJson {
    return { amount: this.amount.toString(), currency: this.currency };
  }

  private assertSameCurrency(other: Money): void {
    if (other.currency !== this.currency) {
      throw new CurrencyMismatchError(`currency mismatch: ${this.currency} vs ${other.currency}`);
    }
  }
}

/**
 * Rounds `money` to `policy.decimals` (default: ISO 4217 minor units of its currency) with `policy.mode`.
 * EUR 2 decimals, JPY 0, BHD 3.
 */
export function round(money: Money, policy: Pick<RoundingPolicy, "mode" | "decimals"> = DEFAULT_ROUNDING): Money {
  const decimals = policy.decimals ?? minorUnits(money.currency);
  return Money.of(roundDecimal(money.amount, decimals, policy.mode), money.currency);
}
