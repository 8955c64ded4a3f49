// Exact integer arithmetic for the pricer's hot path.
//
// Quantities (prices, limits, energies in Wh, powers in kW, currents in A) are "scaled" bigints: units of 10^-12.
// Prices and limits must be exact at that scale (more than 12 decimals is refused); energies are exact for
// anything a meter reports and are only truncated when a period's energy is shared over the parts of a split
// period (the last part takes the remainder, so the parts always add up to the period's energy exactly).
//
// Money amounts are bigints in units of 1/AMOUNT_DEN of a currency unit, chosen so that every line amount is an
// exact integer: price × energy (10^-12 × 10^-12 Wh / 1000 per kWh), price × milliseconds / 3,600,000, and those
// amounts times a VAT factor (100 + vat) / 100 with up to 6 decimals of VAT. Sums are therefore exact, and the only
// rounding is the one the profile asks for.
import { Dec, type RoundingMode } from "@voltrate/sdk";
import { PricingError } from "./errors.ts";

export const SCALE_DIGITS = 12;
/** 10^12: one scaled unit is 10^-12. */
export const SCALE = 10n ** 12n;

/** VAT factors are (100 + vat%) × 10^6 / VAT_DEN. */
export const VAT_DEN = 10n ** 8n;
/** One amount unit is 1/AMOUNT_DEN of a currency unit: 10^-35 / 3,600,000. */
export const AMOUNT_DEN = 3_600_000n * 10n ** 35n;

// price (10^-12) × Wh (10^-12) / 1000 = price·Wh·10^-27 currency = price·Wh·3.6·10^14 amount units … × VAT_DEN.
const ENERGY_FACTOR = 3_600_000n * VAT_DEN;
// price (10^-12) × ms / 3,600,000 currency = price·ms·10^23 amount units.
const TIME_FACTOR = 10n ** 23n;
// price (10^-12) currency = price·3.6·10^29 amount units.
const FLAT_FACTOR = 3_600_000n * 10n ** 23n;

const POW10: bigint[] = [];
for (let i = 0n; i <= 48n; i++) POW10.push(10n ** i);

/** A decimal as a scaled bigint, truncated towards zero beyond 12 decimals. */
export function toScaled(value: Dec): bigint {
  if (value.isInteger()) return BigInt(value.toFixed(0)) * SCALE;
  const s = value.toFixed(SCALE_DIGITS, Dec.ROUND_DOWN);
  const dot = s.indexOf(".");
  return BigInt(s.slice(0, dot) + s.slice(dot + 1));
}

/** A decimal as a scaled bigint that must be exact (prices, limits, thresholds); throws otherwise. */
export function toScaledExact(value: Dec, what: string): bigint {
  const scaled = toScaled(value);
  if (!new Dec(scaledToString(scaled)).eq(value)) {
    throw new PricingError("INVALID_TARIFF", `${what}: ${value.toString()} has more than ${SCALE_DIGITS} decimals`);
  }
  return scaled;
}

/** The VAT numerator (100 + vat) × 10^6 of a VAT percentage with at most 6 decimals. */
export function vatNumerator(vatPercent: Dec, what: string): bigint {
  const n = new Dec(100).plus(vatPercent).times(1_000_000);
  if (!n.isInteger())
    throw new PricingError("INVALID_TARIFF", `${what}: VAT ${vatPercent.toString()} has more than 6 decimals`);
  if (n.isNegative()) throw new PricingError("INVALID_TARIFF", `${what}: VAT ${vatPercent.toString()} is below -100%`);
  return BigInt(n.toFixed(0));
}

/** All digits of a scaled value, trailing zeros removed: "12.5", "-0.001", "3". */
export function scaledToString(v: bigint): string {
  if (v === 0n) return "0";
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(SCALE_DIGITS + 1, "0");
  const int = s.slice(0, s.length - SCALE_DIGITS);
  let end = s.length;
  while (end > s.length - SCALE_DIGITS && s.charCodeAt(end - 1) === 48) end--;
  const frac = s.slice(s.length - SCALE_DIGITS, end);
  return `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

/** A scaled value as a `Dec`. */
export function scaledToDec(v: bigint): Dec {
  return new Dec(scaledToString(v));
}

/** Amount of `whScaled` Wh at `priceScaled` per kWh. */
export function energyAmount(priceScaled: bigint, whScaled: bigint): bigint {
  return priceScaled * whScaled * ENERGY_FACTOR;
}

/** Amount of `ms` milliseconds at `priceScaled` per hour. */
export function timeAmount(priceScaled: bigint, ms: number): bigint {
  return priceScaled * BigInt(ms) * TIME_FACTOR;
}

/** A fixed amount (a FLAT price or a price limit) given scaled. */
export function flatAmount(priceScaled: bigint): bigint {
  return priceScaled * FLAT_FACTOR;
}

/** `excl` including VAT. Exact for line amounts (all multiples of VAT_DEN); truncated towards zero otherwise. */
export function withVat(excl: bigint, vatNum: bigint): bigint {
  return (excl * vatNum) / VAT_DEN;
}

/** An amount as a `Dec` (40 significant digits). */
export function amountToDec(v: bigint): Dec {
  if (v === 0n) return new Dec(0);
  return new Dec(v.toString()).div(AMOUNT_DEN_DEC);
}

const AMOUNT_DEN_DEC = new Dec(AMOUNT_DEN.toString());

/** An amount as a decimal string (exact when it terminates within 40 digits). */
export function amountToString(v: bigint): string {
  return amountToDec(v).toString();
}

/** Rounds an amount to `decimals` decimals with `mode` (sign-symmetric modes); the result is still an amount. */
export function roundAmount(v: bigint, decimals: number, mode: RoundingMode): bigint {
  if (v === 0n) return v;
  const unit = AMOUNT_DEN / (POW10[decimals] as bigint);
  const neg = v < 0n;
  const q = roundedQuotient(neg ? -v : v, unit, mode);
  return neg ? -(q * unit) : q * unit;
}

/**
 * An amount rounded to `decimals` decimals with `mode` and printed with `width` ≥ `decimals` decimals:
 * formatAmount(14.125, 2, "HALF_UP", 4) = "14.1300".
 */
export function formatAmount(v: bigint, decimals: number, mode: RoundingMode, width: number): string {
  if (v === 0n) return width > 0 ? `0.${"0".repeat(width)}` : "0";
  const neg = v < 0n;
  const q = roundedQuotient(neg ? -v : v, AMOUNT_DEN / (POW10[decimals] as bigint), mode);
  const digits = q.toString().padStart(decimals + 1, "0");
  const int = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals).padEnd(width, "0");
  const sign = neg && q !== 0n ? "-" : "";
  return width > 0 ? `${sign}${int}.${frac}` : `${sign}${int}`;
}

/** round(a / unit) for a ≥ 0 with `mode`. */
function roundedQuotient(a: bigint, unit: bigint, mode: RoundingMode): bigint {
  let q = a / unit;
  const r = a - q * unit;
  if (r === 0n) return q;
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
  return q;
}

/** ceil(v / step) * step for v ≥ 0 and step > 0. */
export function ceilTo(v: bigint, step: bigint): bigint {
  const q = v / step;
  return q * step === v ? v : (q + 1n) * step;
}

/** Milliseconds (an integer) as hours with 4 decimals, rounded half-up (one 0.0001 h step is 360 ms). */
export function hoursText(ms: number): string {
  const neg = ms < 0;
  const a = Math.abs(ms);
  let q = Math.floor(a / 360);
  if (2 * (a - q * 360) >= 360) q += 1;
  const frac = String(q % 10_000).padStart(4, "0");
  return `${neg && q > 0 ? "-" : ""}${Math.floor(q / 10_000)}.${frac}`;
}

/** A scaled value rounded half-up and printed with exactly 4 decimals. */
export function scaledText4(v: bigint): string {
  const neg = v < 0n;
  const unit = POW10[SCALE_DIGITS - 4] as bigint;
  const q = roundedQuotient(neg ? -v : v, unit, "HALF_UP");
  const digits = q.toString().padStart(5, "0");
  const sign = neg && q !== 0n ? "-" : "";
  return `${sign}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}
