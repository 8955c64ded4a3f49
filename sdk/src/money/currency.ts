// ISO 4217 currencies and their minor units, from the `currency-codes` package (the ISO 4217 list), not from Intl
// (whose minor units follow CLDR and differ for some currencies, e.g. CLDR shows 0 decimals for some that ISO gives 2).
import { code as currencyRecord } from "currency-codes";

/** An ISO 4217 alphabetic currency code in upper case, e.g. "EUR". Validate with `currency()`. */
export type CurrencyCode = string & { readonly __currency: unique symbol };

const minorUnitCache = new Map<string, number>();

/** True when `code` is an ISO 4217 alphabetic code known to the ISO list (upper case, 3 letters). */
export function isCurrencyCode(code: string): code is CurrencyCode {
  return /^[A-Z]{3}$/.test(code) && currencyRecord(code) !== undefined;
}

/** Validates an ISO 4217 code ("eur" is accepted and upper-cased). Throws a RangeError for unknown codes. */
export function currency(code: string): CurrencyCode {
  const upper = code.trim().toUpperCase();
  if (!isCurrencyCode(upper)) throw new RangeError(`unknown ISO 4217 currency: ${JSON.stringify(code)}`);
  return upper;
}

/**
 * The number of minor-unit digits of an ISO 4217 currency: EUR 2, JPY 0, BHD 3, CLF 4.
 * Currencies without minor units in ISO 4217 (e.g. XAU, "N.A.") count as 0.
 */
export function minorUnits(code: string): number {
  const cached = minorUnitCache.get(code);
  if (cached !== undefined) return cached;
  const record = currencyRecord(currency(code));
  const digits = record && Number.isInteger(record.digits) ? record.digits : 0;
  minorUnitCache.set(code, digits);
  return digits;
}
