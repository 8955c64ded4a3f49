// The decimal arithmetic of Voltrate: a dedicated decimal.js clone, independent of the global Decimal
// configuration, so that no other library can change our precision or rounding by configuring its own copy.
import { Decimal } from "decimal.js";

/**
 * The Voltrate decimal constructor: 40 significant digits, ROUND_HALF_UP for the (rare) operations that round
 * implicitly. Money rounding never relies on this default: it always names its mode (see `RoundingPolicy`).
 *
 * Create values from strings (`new Dec("0.25")`) or other Decimals; see `dec()` for the accepted inputs.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -21, toExpPos: 40 });

/** A decimal value created by `Dec` (instances of every decimal.js clone share this type). */
export type Dec = Decimal;

/** What may be turned into a decimal without loss: a decimal string ("12.50", "-3", "1e-3"), a bigint or a Decimal. */
export type DecimalInput = string | bigint | Decimal;

/** The decimal 0. */
export const DEC_ZERO: Dec = new Dec(0);
/** The decimal 1. */
export const DEC_ONE: Dec = new Dec(1);

const DECIMAL_STRING = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Converts a string, bigint or Decimal to a `Dec`. JS numbers are refused at the type level (and at run time),
 * because a binary float may not be the decimal the sender meant; use `decFromJsonNumber` at a wire boundary.
 * Throws a RangeError for anything that is not a finite decimal.
 */
export function dec(value: DecimalInput): Dec {
  if (typeof value === "string") {
    const s = value.trim();
    if (!DECIMAL_STRING.test(s)) throw new RangeError(`not a decimal number: ${JSON.stringify(value)}`);
    return new Dec(s);
  }
  if (typeof value === "bigint") return new Dec(value.toString());
  if (Decimal.isDecimal(value)) {
    if (!value.isFinite()) throw new RangeError(`not a finite decimal: ${value.toString()}`);
    return (value as { constructor?: unknown }).constructor === Dec ? value : new Dec(value);
  }
  throw new TypeError(`expected a decimal string, bigint or Decimal, got ${typeof value}`);
}

/**
 * Converts a number that arrived as a JSON number on the wire (e.g. OCPI `"price": 0.25`) to a `Dec`, using the
 * shortest decimal representation that round-trips to the same double, i.e. the digits the sender wrote for up to
 * 15 significant digits. This is the only sanctioned entry point for JS numbers.
 */
export function decFromJsonNumber(value: number): Dec {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return new Dec(String(value));
}

/** True when `value` is a decimal.js value (of any clone). */
export function isDecimal(value: unknown): value is Dec {
  return Decimal.isDecimal(value);
}
