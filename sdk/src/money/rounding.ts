// Explicit rounding: every place that rounds money names its mode, its number of decimals and its scope.
import { Decimal } from "decimal.js";
import { Dec } from "./decimal.ts";

/**
 * How a value is rounded to its last kept decimal:
 * - "HALF_UP": to nearest, ties away from zero (2.345 → 2.35, -2.345 → -2.35). The commercial default.
 * - "HALF_EVEN": to nearest, ties to the even digit (banker's rounding: 2.345 → 2.34, 2.355 → 2.36).
 * - "UP": away from zero (2.341 → 2.35, -2.341 → -2.35).
 * - "DOWN": towards zero, i.e. truncation (2.349 → 2.34, -2.349 → -2.34).
 */
export type RoundingMode = "HALF_UP" | "HALF_EVEN" | "UP" | "DOWN";

/**
 * Where rounding happens:
 * - "PER_LINE": every line (e.g. every priced period/component) is rounded, and totals are sums of rounded lines.
 * - "PER_TOTAL": lines keep full precision; only the totals are rounded.
 */
export type RoundingScope = "PER_LINE" | "PER_TOTAL";

export interface RoundingPolicy {
  /** The rounding mode; "HALF_UP" by default (see `DEFAULT_ROUNDING`). */
  mode: RoundingMode;
  /** Per line or per total. */
  scope: RoundingScope;
  /**
   * Decimals kept. When omitted, the ISO 4217 minor units of the currency (EUR 2, JPY 0, BHD 3).
   * OCPI amounts are often exchanged with 4 decimals: set 4 to round to that precision instead.
   */
  decimals?: number;
}

/** Half-up to the currency's minor units, applied to totals. */
export const DEFAULT_ROUNDING: Readonly<RoundingPolicy> = Object.freeze({ mode: "HALF_UP", scope: "PER_TOTAL" });

const MODES: Record<RoundingMode, Decimal.Rounding> = {
  HALF_UP: Decimal.ROUND_HALF_UP,
  HALF_EVEN: Decimal.ROUND_HALF_EVEN,
  UP: Decimal.ROUND_UP,
  DOWN: Decimal.ROUND_DOWN,
};

/** The decimal.js rounding constant of a mode. */
export function decimalRounding(mode: RoundingMode): Decimal.Rounding {
  return MODES[mode];
}

/** Rounds a decimal to `decimals` places with `mode` (decimals ≥ 0, integer). */
export function roundDecimal(value: Decimal, decimals: number, mode: RoundingMode): Decimal {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals must be a non-negative integer`);
  return new Dec(value).toDecimalPlaces(decimals, MODES[mode]);
}
