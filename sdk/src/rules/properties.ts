// The property catalogue: every session property a rule condition can test, with its type, unit, description and an
// example. The engine, the file format, the studio and the Blockly blocks all read this one list.

/**
 * The type of a property's value, which decides the operators a condition may use and how values are written:
 * - "string": text, compared exactly (case-sensitive). Operators: eq, ne, in, notIn, exists.
 * - "enum": one of `values`. Operators: eq, ne, in, notIn, exists.
 * - "decimal": a number written as a decimal string ("7.2"). Operators: eq, ne, lt, lte, gt, gte, between, in, notIn,
 *   exists.
 * - "time": a local time of day "HH:MM" (24 h). Operators: timeOfDay, eq, ne, lt, lte, gt, gte, between, exists.
 * - "date": a local date "YYYY-MM-DD". Operators: eq, ne, lt, lte, gt, gte, between, in, notIn, exists.
 * - "dayOfWeek": a day name, "MONDAY" … "SUNDAY". Operators: dayOfWeek, eq, ne, in, notIn, exists.
 * - "custom": a custom property (`custom.<key>`): a string, number or boolean. Values in conditions are strings or
 *   booleans; ordering operators compare numerically when both sides are decimal numbers, else as text.
 */
export type PropertyType = "string" | "enum" | "decimal" | "time" | "date" | "dayOfWeek" | "custom";

/** The names of the catalogued properties (custom properties are `custom.<key>` on top of these). */
export type CataloguedPropertyName =
  | "cpo"
  | "cpoTariffCode"
  | "country"
  | "powerType"
  | "powerKw"
  | "durationMinutes"
  | "energyKwh"
  | "parkingMinutes"
  | "startTime"
  | "endTime"
  | "startDay"
  | "startDate"
  | "tokenType"
  | "contractId"
  | "product"
  | "subscription"
  | "locationId"
  | "evseId";

/** A property name: a catalogued name or `custom.<key>` (key: letters, digits, `_`, `-`, `.`). */
export type PropertyName = CataloguedPropertyName | `custom.${string}`;

/** One entry of the catalogue. */
export interface PropertyDefinition {
  /** The name conditions use, e.g. "energyKwh". */
  name: CataloguedPropertyName;
  /** A short label for tables and blocks, e.g. "Energy". */
  label: string;
  type: PropertyType;
  /** The unit of a decimal property ("kWh", "kW", "min"); undefined for unitless properties. */
  unit?: string;
  /** The allowed values of an enum property. */
  values?: readonly string[];
  /** What the property means and where its value comes from. */
  description: string;
  /** An example value, as written in a condition. */
  example: string;
}

/** OCPI TokenType values. */
export const TOKEN_TYPES = ["AD_HOC_USER", "APP_USER", "OTHER", "RFID"] as const;

/** The power types of an EVSE. */
export const POWER_TYPES = ["AC", "DC"] as const;

/** The catalogue, in the order the studio lists it. */
export const PROPERTY_CATALOGUE: readonly PropertyDefinition[] = Object.freeze([
  {
    name: "cpo",
    label: "CPO",
    type: "string",
    description:
      "The charge point operator as its OCPI party: country_code*party_id, upper case (facts.cpo; from a CDR its " +
      "country_code and party_id).",
    example: "NL*ABC",
  },
  {
    name: "cpoTariffCode",
    label: "CPO tariff",
    type: "string",
    description:
      "The CPO's code of the tariff the session ran under (facts.cpoTariffCode; else the tariff_id of the first " +
      "charging period).",
    example: "AC-STANDARD",
  },
  {
    name: "country",
    label: "Country",
    type: "string",
    description: "ISO 3166-1 alpha-2 country of the location (facts.country; else the session's country).",
    example: "NL",
  },
  {
    name: "powerType",
    label: "AC/DC",
    type: "enum",
    values: POWER_TYPES,
    description: "Whether the EVSE delivers AC or DC (facts.powerType; from a CDR its connector_power_type).",
    example: "DC",
  },
  {
    name: "powerKw",
    label: "Power",
    type: "decimal",
    unit: "kW",
    description:
      "The maximum power of the EVSE in kW (facts.maxPowerKw); when not given, the highest power measured in the " +
      "session's charging periods (max_power, else power).",
    example: "50",
  },
  {
    name: "durationMinutes",
    label: "Duration",
    type: "decimal",
    unit: "min",
    description: "The session's length from start to end, in minutes (charging and not charging).",
    example: "90",
  },
  {
    name: "energyKwh",
    label: "Energy",
    type: "decimal",
    unit: "kWh",
    description:
      "The energy charged in kWh: the sum of the charging periods' energy, else the total the source reported.",
    example: "10",
  },
  {
    name: "parkingMinutes",
    label: "Parking time",
    type: "decimal",
    unit: "min",
    description:
      "Time connected without charging, in minutes: the sum of the charging periods' parking time, else the total " +
      "the source reported, else 0.",
    example: "60",
  },
  {
    name: "startTime",
    label: "Start time",
    type: "time",
    description: "The local time of day the session started (in the location's time zone), HH:MM.",
    example: "07:30",
  },
  {
    name: "endTime",
    label: "End time",
    type: "time",
    description: "The local time of day the session ended (in the location's time zone), HH:MM.",
    example: "18:45",
  },
  {
    name: "startDay",
    label: "Start day",
    type: "dayOfWeek",
    description: "The local day of the week the session started (in the location's time zone).",
    example: "SATURDAY",
  },
  {
    name: "startDate",
    label: "Start date",
    type: "date",
    description: "The local date the session started (in the location's time zone), YYYY-MM-DD.",
    example: "2025-03-01",
  },
  {
    name: "tokenType",
    label: "Token type",
    type: "enum",
    values: TOKEN_TYPES,
    description: "How the driver was identified: the OCPI token type (facts.token.type).",
    example: "RFID",
  },
  {
    name: "contractId",
    label: "Contract",
    type: "string",
    description: "The driver's contract id (eMAID) the session was authorized with (facts.token.contractId).",
    example: "NL-VLT-C12345678-X",
  },
  {
    name: "product",
    label: "Product",
    type: "string",
    description: "The code of the contract product (tariff plan) of the driver (facts.product).",
    example: "FLEX",
  },
  {
    name: "subscription",
    label: "Subscription",
    type: "string",
    description: "The code of the driver's subscription, when they have one (facts.subscription).",
    example: "PLUS",
  },
  {
    name: "locationId",
    label: "Location",
    type: "string",
    description: "The OCPI location id (facts.locationId; from a CDR its cdr_location.id).",
    example: "LOC-0042",
  },
  {
    name: "evseId",
    label: "EVSE",
    type: "string",
    description: "The EVSE id (eMI3 form) (facts.evseId; from a CDR its cdr_location.evse_id).",
    example: "NL*ABC*E0042*1",
  },
] satisfies PropertyDefinition[]);

const BY_NAME = new Map<string, PropertyDefinition>(PROPERTY_CATALOGUE.map((p) => [p.name, p]));

/** A custom property key: letters, digits, `_`, `-`, `.`, 1–64 characters. */
export const CUSTOM_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** The prefix of custom property names. */
export const CUSTOM_PREFIX = "custom.";

/** True when `name` is `custom.<key>` with a valid key. */
export function isCustomProperty(name: string): name is `custom.${string}` {
  return name.startsWith(CUSTOM_PREFIX) && CUSTOM_KEY_PATTERN.test(name.slice(CUSTOM_PREFIX.length));
}

/**
 * The definition of a property: the catalogue entry, or a synthesized "custom" entry for `custom.<key>`; undefined
 * for unknown names.
 */
export function propertyDefinition(name: string): PropertyDefinition | undefined {
  const known = BY_NAME.get(name);
  if (known) return known;
  if (!isCustomProperty(name)) return undefined;
  return {
    name: name as CataloguedPropertyName,
    label: name.slice(CUSTOM_PREFIX.length),
    type: "custom",
    description: `Custom property "${name.slice(CUSTOM_PREFIX.length)}" (facts.custom).`,
    example: "true",
  };
}

/** True when `name` is a catalogued or custom property. */
export function isPropertyName(name: string): name is PropertyName {
  return propertyDefinition(name) !== undefined;
}

/** The comparison operators (value on the right): =, ≠, <, ≤, >, ≥. */
export const COMPARISON_OPS = ["eq", "ne", "lt", "lte", "gt", "gte"] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** The operators that test one property. */
export type PropertyOp = ComparisonOp | "between" | "in" | "notIn" | "timeOfDay" | "dayOfWeek" | "exists";

/** Which property operators each type allows. */
export const OPERATORS_BY_TYPE: Readonly<Record<PropertyType, readonly PropertyOp[]>> = Object.freeze({
  string: ["eq", "ne", "in", "notIn", "exists"],
  enum: ["eq", "ne", "in", "notIn", "exists"],
  decimal: ["eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "notIn", "exists"],
  time: ["timeOfDay", "eq", "ne", "lt", "lte", "gt", "gte", "between", "exists"],
  date: ["eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "notIn", "exists"],
  dayOfWeek: ["dayOfWeek", "eq", "ne", "in", "notIn", "exists"],
  custom: ["eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "notIn", "exists"],
});

/** The symbol of a comparison, as traces and tables show it. */
export const OP_SYMBOLS: Readonly<Record<ComparisonOp, string>> = Object.freeze({
  eq: "=",
  ne: "≠",
  lt: "<",
  lte: "≤",
  gt: ">",
  gte: "≥",
});
