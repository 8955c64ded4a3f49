// Country codes: ISO 3166-1 alpha-2, with the aliases VAT practice uses (EL for Greece, UK for the United Kingdom).

/** The 27 EU member states (ISO codes; Greece is GR). */
export const EU_MEMBER_STATES: readonly string[] = Object.freeze([
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
]);

const ALIASES: Readonly<Record<string, string>> = { EL: "GR", UK: "GB" };

/**
 * Upper-cases a country code and maps the VAT aliases to ISO ("EL" → "GR", "UK" → "GB").
 * Returns undefined when the input is not two letters.
 */
export function normalizeCountry(code: string): string | undefined {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(upper)) return undefined;
  return ALIASES[upper] ?? upper;
}

/**
 * The country that issued a VAT identification number, from its prefix: the two-letter prefix of EU and UK
 * numbers ("EL" → GR, "XI" Northern Ireland → GB), "CHE" for Swiss UID/MWST numbers, "NO" for Norwegian
 * organisation numbers ("NO123456789MVA"). Spaces, dots and dashes are ignored. Undefined when there is no prefix.
 */
export function vatIdCountry(vatId: string): string | undefined {
  const compact = vatId.replace(/[\s.-]/g, "").toUpperCase();
  if (/^CHE\d/.test(compact)) return "CH";
  const m = /^([A-Z]{2})[0-9A-Z]+$/.exec(compact);
  if (!m) return undefined;
  const prefix = m[1] as string;
  if (prefix === "XI") return "GB";
  return ALIASES[prefix] ?? prefix;
}
