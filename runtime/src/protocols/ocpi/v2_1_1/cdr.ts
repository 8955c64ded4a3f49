// OCPI 2.1.1 CDR (mod_cdrs.md). Differences from 2.2.1: no country_code/party_id/session_id; `auth_id` instead of
// `cdr_token`; the full `location` instead of `cdr_location`; `stop_date_time` instead of `end_date_time`;
// `total_cost` is a number excluding VAT (no Price object) and there are no per-dimension cost totals; charging
// periods have no tariff_id; the dimension types include FLAT.
import type { Dec } from "@voltrate/sdk";
import { z } from "zod";
import { endNotBeforeStart } from "../common/checks.ts";
import { currencyCode, dateTime, decimal, enumOf, list, obj, str, text } from "../common/fields.ts";
import { npOpt, npReq, perVariant, type SchemaVariant } from "../common/variant.ts";
import { TARIFFS_NEEDED } from "../v2_2_1/cdr.ts";
import { type Tariff, tariffSchema } from "./tariff.ts";
import { type Location, locationSchema } from "./types.ts";

export const AUTH_METHODS = ["AUTH_REQUEST", "WHITELIST"] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const CDR_DIMENSION_TYPES = ["ENERGY", "FLAT", "MAX_CURRENT", "MIN_CURRENT", "PARKING_TIME", "TIME"] as const;
export type CdrDimensionType = (typeof CDR_DIMENSION_TYPES)[number];

export interface CdrDimension {
  type: CdrDimensionType;
  /** kWh for ENERGY, hours for TIME/PARKING_TIME, A for currents. */
  volume: Dec;
}

/** OCPI 2.1.1 ChargingPeriod (no tariff_id in 2.1.1). */
export interface ChargingPeriod {
  start_date_time: string;
  dimensions: CdrDimension[];
}

/**
 * OCPI 2.1.1 CDR. Fields that the specification requires but that do not affect the price are typed optional: they
 * may be absent after a pricing-minimal parse.
 */
export interface Cdr {
  id?: string;
  start_date_time: string;
  stop_date_time: string;
  auth_id?: string;
  auth_method?: AuthMethod;
  location?: Location;
  meter_id?: string;
  currency: string;
  tariffs?: Tariff[];
  charging_periods: ChargingPeriod[];
  /** Total cost excluding VAT. */
  total_cost?: Dec;
  /** kWh. */
  total_energy?: Dec;
  /** Hours, charging and not charging. */
  total_time?: Dec;
  /** Hours not charging. */
  total_parking_time?: Dec;
  remark?: string;
  last_updated?: string;
}

export const cdrDimensionSchema: z.ZodType<CdrDimension> = obj({
  type: enumOf(CDR_DIMENSION_TYPES),
  volume: decimal(),
});

export const chargingPeriodSchema: z.ZodType<ChargingPeriod> = obj({
  start_date_time: dateTime("2.1.1"),
  dimensions: list(cdrDimensionSchema, { nonEmpty: true }),
});

function cdrTariffs(v: SchemaVariant): z.ZodType<Tariff[] | undefined> {
  const tariffs = list(tariffSchema(v));
  if (!v.minimal) return tariffs.optional();
  if (v.tariffsSupplied) return npOpt(v, tariffs);
  return z
    .array(tariffSchema(v), { error: (i) => (i.input === undefined ? TARIFFS_NEEDED : "expected an array") })
    .min(1, { error: TARIFFS_NEEDED });
}

/** The 2.1.1 CDR schema of a variant (strict or pricing-minimal). */
export const cdrSchema = perVariant(
  (v: SchemaVariant): z.ZodType<Cdr> =>
    obj({
      id: npReq(v, str(36)),
      start_date_time: dateTime("2.1.1"),
      stop_date_time: dateTime("2.1.1"),
      auth_id: npReq(v, str(36)),
      auth_method: npReq(v, enumOf(AUTH_METHODS)),
      location: npReq(v, locationSchema(v)),
      meter_id: npOpt(v, str(255)),
      currency: currencyCode(),
      tariffs: cdrTariffs(v),
      charging_periods: list(chargingPeriodSchema, { nonEmpty: true }),
      total_cost: npReq(v, decimal()),
      total_energy: npReq(v, decimal()),
      total_time: npReq(v, decimal({ min: 0 })),
      total_parking_time: npOpt(v, decimal({ min: 0 })),
      remark: npOpt(v, text(255)),
      last_updated: npReq(v, dateTime("2.1.1")),
    }).superRefine((cdr, ctx) => endNotBeforeStart(cdr.start_date_time, cdr.stop_date_time, ctx, "stop_date_time")),
);
