// The JSON form of the normalized tariff (sdk/src/tariff/model.ts), for `rate` outcomes: the same price components,
// elements and restrictions as an OCPI tariff, with decimals as strings and instants as ISO strings, so that every
// OCPI tariff can be written in a rule and the pricer computes it. `tariffFromJson` / `tariffToJson` convert.
import { z } from "zod";
import { type CurrencyCode, currency as toCurrency } from "../money/currency.ts";
import { Dec, dec } from "../money/decimal.ts";
import type {
  DayOfWeek,
  PriceComponent,
  PriceLimit,
  Tariff,
  TariffDimension,
  TariffElement,
  TariffRestrictions,
  TariffType,
} from "../tariff/model.ts";
import { Current, Duration, Energy, Power } from "../units/quantities.ts";
import { DATE_PATTERN, DECIMAL_PATTERN, joinPath, type ModelIssue, TIME_OF_DAY_PATTERN } from "./condition.ts";

/** A price component (OCPI PriceComponent). */
export interface PriceComponentJson {
  /** What is charged: ENERGY per kWh, TIME per hour charging, PARKING_TIME per hour not charging, FLAT once. */
  dimension: TariffDimension;
  /** Price per unit excl. VAT, a decimal string ("0.35"). */
  price: string;
  /** VAT percentage ("21"); omitted = not given (which is not the same as "0"). */
  vat?: string;
  /** Billing block: Wh for ENERGY, seconds for TIME/PARKING_TIME; default 1. */
  stepSize?: number;
}

/**
 * When an element applies (OCPI TariffRestrictions). Times "HH:MM" local (end exclusive; end ≤ start crosses
 * midnight), dates "YYYY-MM-DD" local (end exclusive), energy in kWh, current in A, power in kW, durations in
 * seconds, all decimals as strings.
 */
export interface TariffRestrictionsJson {
  startTime?: string;
  endTime?: string;
  startDate?: string;
  endDate?: string;
  minKwh?: string;
  maxKwh?: string;
  minCurrent?: string;
  maxCurrent?: string;
  minPower?: string;
  maxPower?: string;
  /** Seconds, decimal string. */
  minDuration?: string;
  /** Seconds, decimal string. */
  maxDuration?: string;
  daysOfWeek?: DayOfWeek[];
  reservation?: "RESERVATION" | "RESERVATION_EXPIRES";
}

/** A tariff element: components that apply together under the same restrictions. */
export interface TariffElementJson {
  components: PriceComponentJson[];
  restrictions?: TariffRestrictionsJson;
}

/** A price limit: excl. VAT and optionally incl. VAT, decimal strings. */
export interface PriceLimitJson {
  exclVat: string;
  inclVat?: string;
}

/** A tariff in JSON. In a rule, `id` defaults to the rule id and `currency` to the ruleset's currency. */
export interface TariffJson {
  id?: string;
  /** ISO 4217; default: the ruleset currency. */
  currency?: string;
  countryCode?: string;
  partyId?: string;
  type?: TariffType;
  minPrice?: PriceLimitJson;
  maxPrice?: PriceLimitJson;
  /** ISO 8601 instant from which the tariff is active (inclusive). */
  validFrom?: string;
  /** ISO 8601 instant until which the tariff is active (inclusive). */
  validTo?: string;
  /** In order: per dimension the first element whose restrictions hold is used. */
  elements: TariffElementJson[];
}

const decimalString = z.string().regex(DECIMAL_PATTERN, { error: 'expected a decimal number as a string ("0.35")' });
const nonNegativeDecimal = decimalString.refine((s) => !s.startsWith("-"), { error: "must not be negative" });
const isoInstant = z.iso.datetime({ offset: true, error: "expected an ISO 8601 instant (2025-01-01T00:00:00Z)" });

export const priceComponentJsonSchema: z.ZodType<PriceComponentJson> = z.strictObject({
  dimension: z.enum(["ENERGY", "FLAT", "TIME", "PARKING_TIME"]),
  price: decimalString,
  vat: nonNegativeDecimal.optional(),
  stepSize: z.number().int().min(0).optional(),
});

export const tariffRestrictionsJsonSchema: z.ZodType<TariffRestrictionsJson> = z.strictObject({
  startTime: z.string().regex(TIME_OF_DAY_PATTERN, { error: 'expected "HH:MM"' }).optional(),
  endTime: z.string().regex(TIME_OF_DAY_PATTERN, { error: 'expected "HH:MM"' }).optional(),
  startDate: z.string().regex(DATE_PATTERN, { error: 'expected "YYYY-MM-DD"' }).optional(),
  endDate: z.string().regex(DATE_PATTERN, { error: 'expected "YYYY-MM-DD"' }).optional(),
  minKwh: nonNegativeDecimal.optional(),
  maxKwh: nonNegativeDecimal.optional(),
  minCurrent: nonNegativeDecimal.optional(),
  maxCurrent: nonNegativeDecimal.optional(),
  minPower: nonNegativeDecimal.optional(),
  maxPower: nonNegativeDecimal.optional(),
  minDuration: nonNegativeDecimal.optional(),
  maxDuration: nonNegativeDecimal.optional(),
  daysOfWeek: z
    .array(z.enum(["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]))
    .optional(),
  reservation: z.enum(["RESERVATION", "RESERVATION_EXPIRES"]).optional(),
});

const priceLimitJsonSchema: z.ZodType<PriceLimitJson> = z.strictObject({
  exclVat: nonNegativeDecimal,
  inclVat: nonNegativeDecimal.optional(),
});

export const tariffJsonSchema: z.ZodType<TariffJson> = z.strictObject({
  id: z.string().min(1).max(36).optional(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, { error: "expected an ISO 4217 code" })
    .optional(),
  countryCode: z.string().length(2).optional(),
  partyId: z.string().length(3).optional(),
  type: z.enum(["AD_HOC_PAYMENT", "PROFILE_CHEAP", "PROFILE_FAST", "PROFILE_GREEN", "REGULAR"]).optional(),
  minPrice: priceLimitJsonSchema.optional(),
  maxPrice: priceLimitJsonSchema.optional(),
  validFrom: isoInstant.optional(),
  validTo: isoInstant.optional(),
  elements: z
    .array(
      z.strictObject({
        components: z.array(priceComponentJsonSchema).min(1, { error: "an element needs at least one component" }),
        restrictions: tariffRestrictionsJsonSchema.optional(),
      }),
    )
    .min(1, { error: "a tariff needs at least one element" }),
});

/** Problems a tariff schema cannot see: an unknown currency, inverted ranges. */
export function tariffJsonIssues(t: TariffJson, path: string): ModelIssue[] {
  const issues: ModelIssue[] = [];
  if (t.currency !== undefined) {
    try {
      toCurrency(t.currency);
    } catch {
      issues.push({ path: joinPath(path, "currency"), message: `unknown ISO 4217 currency "${t.currency}"` });
    }
  }
  t.elements.forEach((e, i) => {
    const r = e.restrictions;
    if (!r) return;
    const at = joinPath(joinPath(joinPath(path, "elements"), i), "restrictions");
    for (const [lo, hi] of [
      ["minKwh", "maxKwh"],
      ["minCurrent", "maxCurrent"],
      ["minPower", "maxPower"],
      ["minDuration", "maxDuration"],
    ] as const) {
      const a = r[lo];
      const b = r[hi];
      if (a !== undefined && b !== undefined && new Dec(a).gt(new Dec(b))) {
        issues.push({ path: joinPath(at, hi), message: `${hi} ${b} is below ${lo} ${a}` });
      }
    }
    if (r.startDate !== undefined && r.endDate !== undefined && r.startDate > r.endDate) {
      issues.push({
        path: joinPath(at, "endDate"),
        message: `endDate ${r.endDate} is before startDate ${r.startDate}`,
      });
    }
  });
  return issues;
}

function limitFromJson(l: PriceLimitJson): PriceLimit {
  return l.inclVat === undefined ? { exclVat: dec(l.exclVat) } : { exclVat: dec(l.exclVat), inclVat: dec(l.inclVat) };
}

function limitToJson(l: PriceLimit): PriceLimitJson {
  return l.inclVat === undefined
    ? { exclVat: l.exclVat.toString() }
    : { exclVat: l.exclVat.toString(), inclVat: l.inclVat.toString() };
}

function restrictionsFromJson(r: TariffRestrictionsJson): TariffRestrictions {
  const out: TariffRestrictions = {};
  if (r.startTime !== undefined) out.startTime = r.startTime;
  if (r.endTime !== undefined) out.endTime = r.endTime;
  if (r.startDate !== undefined) out.startDate = r.startDate;
  if (r.endDate !== undefined) out.endDate = r.endDate;
  if (r.minKwh !== undefined) out.minEnergy = Energy.kwh(r.minKwh);
  if (r.maxKwh !== undefined) out.maxEnergy = Energy.kwh(r.maxKwh);
  if (r.minCurrent !== undefined) out.minCurrent = Current.a(r.minCurrent);
  if (r.maxCurrent !== undefined) out.maxCurrent = Current.a(r.maxCurrent);
  if (r.minPower !== undefined) out.minPower = Power.kw(r.minPower);
  if (r.maxPower !== undefined) out.maxPower = Power.kw(r.maxPower);
  if (r.minDuration !== undefined) out.minDuration = Duration.seconds(r.minDuration);
  if (r.maxDuration !== undefined) out.maxDuration = Duration.seconds(r.maxDuration);
  if (r.daysOfWeek !== undefined) out.daysOfWeek = [...r.daysOfWeek];
  if (r.reservation !== undefined) out.reservation = r.reservation;
  return out;
}

function restrictionsToJson(r: TariffRestrictions): TariffRestrictionsJson {
  const out: TariffRestrictionsJson = {};
  if (r.startTime !== undefined) out.startTime = r.startTime;
  if (r.endTime !== undefined) out.endTime = r.endTime;
  if (r.startDate !== undefined) out.startDate = r.startDate;
  if (r.endDate !== undefined) out.endDate = r.endDate;
  if (r.minEnergy !== undefined) out.minKwh = r.minEnergy.kwh.toString();
  if (r.maxEnergy !== undefined) out.maxKwh = r.maxEnergy.kwh.toString();
  if (r.minCurrent !== undefined) out.minCurrent = r.minCurrent.a.toString();
  if (r.maxCurrent !== undefined) out.maxCurrent = r.maxCurrent.a.toString();
  if (r.minPower !== undefined) out.minPower = r.minPower.kw.toString();
  if (r.maxPower !== undefined) out.maxPower = r.maxPower.kw.toString();
  if (r.minDuration !== undefined) out.minDuration = r.minDuration.seconds.toString();
  if (r.maxDuration !== undefined) out.maxDuration = r.maxDuration.seconds.toString();
  if (r.daysOfWeek !== undefined) out.daysOfWeek = [...r.daysOfWeek];
  if (r.reservation !== undefined) out.reservation = r.reservation;
  return out;
}

export interface TariffFromJsonDefaults {
  /** The id when the JSON has none. */
  id: string;
  /** The currency when the JSON has none. */
  currency: string;
}

/** The normalized tariff of a JSON tariff (validated by `tariffJsonSchema`); `defaults` fill id and currency. */
export function tariffFromJson(json: TariffJson, defaults?: TariffFromJsonDefaults): Tariff {
  const id = json.id ?? defaults?.id;
  const code = json.currency ?? defaults?.currency;
  if (id === undefined) throw new RangeError("tariff without an id and no default id");
  if (code === undefined) throw new RangeError(`tariff ${id} without a currency and no default currency`);
  const elements: TariffElement[] = json.elements.map((e) => {
    const components: PriceComponent[] = e.components.map((c) => {
      const pc: PriceComponent = { dimension: c.dimension, price: dec(c.price), stepSize: c.stepSize ?? 1 };
      if (c.vat !== undefined) pc.vatPercent = dec(c.vat);
      return pc;
    });
    return e.restrictions === undefined
      ? { components }
      : { components, restrictions: restrictionsFromJson(e.restrictions) };
  });
  const tariff: Tariff = { id, currency: toCurrency(code) as CurrencyCode, elements };
  if (json.countryCode !== undefined) tariff.countryCode = json.countryCode;
  if (json.partyId !== undefined) tariff.partyId = json.partyId;
  if (json.type !== undefined) tariff.type = json.type;
  if (json.minPrice !== undefined) tariff.minPrice = limitFromJson(json.minPrice);
  if (json.maxPrice !== undefined) tariff.maxPrice = limitFromJson(json.maxPrice);
  if (json.validFrom !== undefined) tariff.validFrom = new Date(json.validFrom);
  if (json.validTo !== undefined) tariff.validTo = new Date(json.validTo);
  return tariff;
}

/** The JSON form of a normalized tariff (every field written; `lastUpdated` is not part of the JSON form). */
export function tariffToJson(tariff: Tariff): TariffJson {
  const json: TariffJson = {
    id: tariff.id,
    currency: tariff.currency,
    elements: tariff.elements.map((e) => {
      const element: TariffElementJson = {
        components: e.components.map((c) => {
          const pc: PriceComponentJson = { dimension: c.dimension, price: c.price.toString(), stepSize: c.stepSize };
          if (c.vatPercent !== undefined) pc.vat = c.vatPercent.toString();
          return pc;
        }),
      };
      if (e.restrictions !== undefined) element.restrictions = restrictionsToJson(e.restrictions);
      return element;
    }),
  };
  if (tariff.countryCode !== undefined) json.countryCode = tariff.countryCode;
  if (tariff.partyId !== undefined) json.partyId = tariff.partyId;
  if (tariff.type !== undefined) json.type = tariff.type;
  if (tariff.minPrice !== undefined) json.minPrice = limitToJson(tariff.minPrice);
  if (tariff.maxPrice !== undefined) json.maxPrice = limitToJson(tariff.maxPrice);
  if (tariff.validFrom !== undefined) json.validFrom = tariff.validFrom.toISOString();
  if (tariff.validTo !== undefined) json.validTo = tariff.validTo.toISOString();
  return json;
}
