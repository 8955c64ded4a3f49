// OCPI versions this edge speaks, and telling them apart from an object's fields.

export const OCPI_VERSIONS = ["2.2.1", "2.1.1"] as const;
export type OcpiVersion = (typeof OCPI_VERSIONS)[number];

export function isOcpiVersion(value: string): value is OcpiVersion {
  return (OCPI_VERSIONS as readonly string[]).includes(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The OCPI version of a CDR, from fields only one version has: 2.2.1 `cdr_location`, `cdr_token`, `end_date_time`,
 * `country_code`, `party_id`, a Price object as `total_cost`; 2.1.1 `location`, `auth_id`, `stop_date_time`, a number
 * as `total_cost`. Undefined when the object has none of them or as many of each.
 */
export function detectCdrVersion(json: unknown): OcpiVersion | undefined {
  if (!isRecord(json)) return undefined;
  let v221 = 0;
  let v211 = 0;
  for (const field of ["cdr_location", "cdr_token", "end_date_time", "country_code", "party_id", "session_id"]) {
    if (field in json) v221++;
  }
  for (const field of ["location", "auth_id", "stop_date_time"]) if (field in json) v211++;
  if (isRecord(json.total_cost)) v221++;
  else if (json.total_cost !== undefined && json.total_cost !== null) v211++;
  if (v221 === v211) return undefined;
  return v221 > v211 ? "2.2.1" : "2.1.1";
}

const TARIFF_221_FIELDS = [
  "country_code",
  "party_id",
  "type",
  "min_price",
  "max_price",
  "start_date_time",
  "end_date_time",
];

/**
 * "2.2.1" when a tariff has a field that only 2.2.1 defines (`country_code`, `party_id`, `type`, `min_price`,
 * `max_price`, `start_date_time`, `end_date_time`, a component `vat`, a `min_current`/`max_current`/`reservation`
 * restriction). Otherwise undefined: a 2.1.1 tariff has no field of its own, so the caller decides (e.g. from the CDR).
 */
export function detectTariffVersion(json: unknown): OcpiVersion | undefined {
  if (!isRecord(json)) return undefined;
  if (TARIFF_221_FIELDS.some((f) => f in json)) return "2.2.1";
  const elements = Array.isArray(json.elements) ? json.elements : [];
  for (const element of elements) {
    if (!isRecord(element)) continue;
    const components = Array.isArray(element.price_components) ? element.price_components : [];
    if (components.some((c) => isRecord(c) && "vat" in c)) return "2.2.1";
    const r = element.restrictions;
    if (isRecord(r) && ("min_current" in r || "max_current" in r || "reservation" in r)) return "2.2.1";
  }
  return undefined;
}
