// Field schemas shared by the master data entities. JSON only: instants are ISO 8601 strings with an offset,
// decimal amounts are strings, codes are upper case.
import { z } from "zod";
import { isCurrencyCode } from "../money/currency.ts";

/** Entity ids: letters, digits, `_`, `-`, `.`; at most 100; no `:` or `/` (ids appear in URLs and record ids). */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const entityId = z
  .string()
  .regex(ENTITY_ID_PATTERN, { error: "expected an id: letters, digits, _ - . (at most 100)" });

/** An instant with its offset: "2026-03-01T00:00:00Z", "2026-03-01T00:00:00+01:00". */
export const isoInstant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time with an offset, e.g. "2026-03-01T00:00:00+01:00" or "…Z"',
});

/** A non-negative decimal number as a string ("0.35", "22"). */
export const decimalString = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,8})?$/, { error: 'expected a non-negative decimal number as a string, e.g. "0.35"' });

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });

/** True for an ISO 3166-1 alpha-2 code the platform's ICU data knows ("NL", "DE"; not "XX"). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  try {
    return regionNames.of(code) !== code;
  } catch {
    return false;
  }
}

/** True for an IANA time zone name the platform knows ("Europe/Amsterdam"). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const countryCode = z
  .string()
  .refine(isCountryCode, { error: 'expected an ISO 3166-1 alpha-2 country code in upper case, e.g. "NL"' });

export const currencyCode = z.string().refine((code: string): boolean => isCurrencyCode(code), {
  error: 'expected an ISO 4217 currency code in upper case, e.g. "EUR"',
});

export const timeZone = z.string().refine(isTimeZone, { error: 'expected an IANA time zone, e.g. "Europe/Amsterdam"' });

/** OCPI country_code of a party: ISO 3166-1 alpha-2, upper case. */
export const ocpiCountryCode = z.string().regex(/^[A-Z]{2}$/, { error: 'expected an OCPI country_code, e.g. "NL"' });
/** OCPI party_id: three upper-case letters or digits. */
export const ocpiPartyId = z
  .string()
  .regex(/^[A-Z0-9]{3}$/, { error: 'expected an OCPI party_id: three upper-case letters or digits, e.g. "GRN"' });
/** OCPI CiString(36) identifiers (location id, EVSE uid, token uid). */
export const ocpiId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.*:-]{0,35}$/, {
  error: "expected an OCPI identifier: letters, digits, _ . * : - (at most 36)",
});

/** A product code ("FLEX", "PLUS"). */
export const productCode = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/, { error: 'expected a product code in upper case, e.g. "FLEX"' });

export const name = z.string().trim().min(1, { error: "must not be empty" }).max(200);

export const address = z.strictObject({
  street: z.string().max(200).optional(),
  postalCode: z.string().max(20).optional(),
  city: z.string().min(1).max(100),
  country: countryCode,
});
export type Address = z.output<typeof address>;

export const email = z.email({ error: "expected an e-mail address" });
