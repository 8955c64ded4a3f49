// Fixed-point arithmetic for the pricer's hot path: values are bigints counting units of 10^-24. Prices, VAT rates,
// energies and limits arrive as decimals with far fewer decimals, so they convert exactly; sums are exact; a product
// or quotient that does not terminate within 24 decimals is truncated towards zero. Truncation never moves a value
// across a rounding boundary of ≤ 24 decimals (a value below a half-way point stays below it, a value at or above
// stays at or above), so rounding to cents or to 4 decimals afterwards gives the same result as exact arithmetic.
import { Dec, type RoundingMode } from "@voltrate/sdk";

export const SCALE_DIGITS = 24;
export const SCALE = 10n ** 24n;

const POW10: bigint[] = [];
for (let i = 0n; i <= 48n; i++) POW10.push(10n ** i);

/** 10^n as a bigint (0 ≤ n ≤ 48). */
export function pow10(n: number): bigint {
  return POW10[n] as bigint;
}

/** A decimal as fixed point (exact for up to 24 decimals; beyond that rounded half-up at the 24th). */
export function toFixedPoint(value: Dec): bigint {
  if (value.isInteger()) return BigInt(value.toFixed(0)) * SCALE;
  const s = value.toFixed(SCALE_DIGITS);
  const dot = s.indexOf(".");
  return BigInt(s.slice(0, dot) + s.slice(dot + 1));
}

/** An integer number (e.g. milliseconds) as fixed point. */
export function intToFixed(n: number): bigint {
  return BigInt(n) * SCALE;
}

/** All digits of a fixed-point value, trailing zeros removed: "12.5", "-0.001", "3". */
export function fixedToString(v: bigint): string {
  if (v === 0n) return "0";
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(SCALE_DIGITS + 1, "0");
  const int = s.slice(0, s.length - SCALE_DIGITS);
  let frac = s.slice(s.length - SCALE_DIGITS);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  return `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

/** A fixed-point value as a `Dec`. */
export function fixedToDec(v: bigint): Dec {
  return new Dec(fixedToString(v));
}

/**
 * The value with exactly `decimals` decimals, truncated (callers round first when they need rounding):
 * fixedToFixed(12_500…n, 4) = "12.5000".
 */
export function fixedToFixed(v: bigint, decimals: number): string {
  if (v === 0n) return decimals > 0 ? `0.${"0".repeat(decimals)}` : "0";
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(SCALE_DIGITS + 1, "0");
  const int = s.slice(0, s.length - SCALE_DIGITS);
  const frac = s.slice(s.length - SCALE_DIGITS, s.length - SCALE_DIGITS + decimals);
  const sign = neg && /[1-9]/.test(int + frac) ? "-" : "";
  return `${sign}${int}${decimals > 0 ? `.${frac}` : ""}`;
}

/** Rounds to `decimals` decimals with `mode` (sign-symmetric modes); the result is still fixed point. */
export function roundFixed(v: bigint, decimals: number, mode: RoundingMode): bigint {
  if (v === 0n || decimals >= SCALE_DIGITS) return v;
  const unit = POW10[SCALE_DIGITS - decimals] as bigint;
  const neg = v < 0n;
  const a = neg ? -v : v;
  let q = a / unit;
  const r = a - q * unit;
  if (r !== 0n) {
    switch (mode) {
      case "UP":
        q += 1n;
        break;
      case "DOWN":
        break;
      case "HALF_UP":
        if (2n * r >= unit) q += 1n;
        break;
      case "HALF_EVEN": {
        const twice = 2n * r;
        if (twice > unit || (twice === unit && (q & 1n) === 1n)) q += 1n;
        break;
      }
    }
  }
  const out = q * unit;
  return neg ? -out : out;
}

/**
 * Rounds to `decimals` decimals with `mode` and prints the result with `width` decimals (width ≥ decimals), e.g.
 * formatRounded(14.125 fixed, 2, "HALF_UP", 4) = "14.1300". Same result as fixedToFixed(roundFixed(v, …), width),
 * computed on the digit string.
 */
export function formatRounded(v: bigint, decimals: number, mode: RoundingMode, width: number): string {
  if (v === 0n) return width > 0 ? `0.${"0".repeat(width)}` : "0";
  if (decimals >= SCALE_DIGITS) return fixedToFixed(v, width);
  const neg = v < 0n;
  let s = (neg ? -v : v).toString();
  if (s.length <= SCALE_DIGITS) s = s.padStart(SCALE_DIGITS + 1, "0");
  const cut = s.length - SCALE_DIGITS + decimals;
  let keep = s.slice(0, cut);
  let up = false;
  let nonZeroRest = false;
  for (let i = cut; i < s.length; i++) {
    if (s.charCodeAt(i) !== 48) {
      nonZeroRest = true;
      break;
    }
  }
  if (nonZeroRest) {
    const first = s.charCodeAt(cut) - 48;
    switch (mode) {
      case "UP":
        up = true;
        break;
      case "DOWN":
        break;
      case "HALF_UP":
        up = first >= 5;
        break;
      case "HALF_EVEN": {
        if (first > 5) up = true;
        else if (first === 5) {
          let beyond = false;
          for (let i = cut + 1; i < s.length; i++) {
            if (s.charCodeAt(i) !== 48) {
              beyond = true;
              break;
            }
          }
          up = beyond || (keep.charCodeAt(keep.length - 1) - 48) % 2 === 1;
        }
        break;
      }
    }
  }
  if (up) keep = (BigInt(keep) + 1n).toString().padStart(keep.length, "0");
  const intPart = keep.slice(0, keep.length - decimals) || "0";
  const frac = keep.slice(keep.length - decimals).padEnd(width, "0");
  const sign = neg && /[1-9]/.test(keep) ? "-" : "";
  return width > 0 ? `${sign}${intPart}.${frac}` : `${sign}${intPart}`;
}

/** ceil(v / step) * step for v ≥ 0 and step > 0 (both fixed point or both plain). */
export function ceilTo(v: bigint, step: bigint): bigint {
  const q = v / step;
  return q * step === v ? v : (q + 1n) * step;
}

export const FIXED_ZERO = 0n;
export const DEC_1000 = new Dec(1000);
