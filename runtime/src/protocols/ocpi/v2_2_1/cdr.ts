// OCPI 2.2.1 CDR (mod_cdrs.asciidoc): CDR, CdrToken, CdrLocation, ChargingPeriod, CdrDimension, SignedData.
import type { Dec } from "@voltrate/sdk";
import { z } from "zod";
import { endNotBeforeStart } from "../common/checks.ts";
import {
  bool,
  ciStr,
  currencyCode,
  dateTime,
  decimal,
  enumOf,
  int,
  list,
  obj,
  openEnum,
  str,
  text,
} from "../common/fields.ts";
import { npOpt, npReq, perVariant, type SchemaVariant } from "../common/variant.ts";
import { type Tariff, tariffSchema } from "./tariff.ts";
import { type GeoLocation, geoLocationSchema, type Price, priceSchema } from "./types.ts";

export const AUTH_METHODS = ["AUTH_REQUEST", "COMMAND", "WHITELIST"] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const TOKEN_TYPES = ["AD_HOC_USER", "APP_USER", "OTHER", "RFID"] as const;
export type TokenType = (typeof TOKEN_TYPES)[number] | (string & {});

export const CDR_DIMENSION_TYPES = [
  "CURRENT",
  "ENERGY",
  "ENERGY_EXPORT",
  "ENERGY_IMPORT",
  "MAX_CURRENT",
  "MIN_CURRENT",
  "MAX_POWER",
  "MIN_POWER",
  "PARKING_TIME",
  "POWER",
  "RESERVATION_TIME",
  "STATE_OF_CHARGE",
  "TIME",
] as const;
/** CDR dimension type; an open enum in the OpenAPI description, so unknown values are kept (and ignored later). */
export type CdrDimensionType = (typeof CDR_DIMENSION_TYPES)[number] | (string & {});

export const CONNECTOR_TYPES = [
  "CHADEMO",
  "CHAOJI",
  "DOMESTIC_A",
  "DOMESTIC_B",
  "DOMESTIC_C",
  "DOMESTIC_D",
  "DOMESTIC_E",
  "DOMESTIC_F",
  "DOMESTIC_G",
  "DOMESTIC_H",
  "DOMESTIC_I",
  "DOMESTIC_J",
  "DOMESTIC_K",
  "DOMESTIC_L",
  "DOMESTIC_M",
  "DOMESTIC_N",
  "DOMESTIC_O",
  "GBT_AC",
  "GBT_DC",
  "IEC_60309_2_single_16",
  "IEC_60309_2_three_16",
  "IEC_60309_2_three_32",
  "IEC_60309_2_three_64",
  "IEC_62196_T1",
  "IEC_62196_T1_COMBO",
  "IEC_62196_T2",
  "IEC_62196_T2_COMBO",
  "IEC_62196_T3A",
  "IEC_62196_T3C",
  "NEMA_5_20",
  "NEMA_6_30",
  "NEMA_6_50",
  "NEMA_10_30",
  "NEMA_10_50",
  "NEMA_14_30",
  "NEMA_14_50",
  "PANTOGRAPH_BOTTOM_UP",
  "PANTOGRAPH_TOP_DOWN",
  "TESLA_R",
  "TESLA_S",
] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number] | (string & {});

export const CONNECTOR_FORMATS = ["SOCKET", "CABLE"] as const;
export type ConnectorFormat = (typeof CONNECTOR_FORMATS)[number];

export const POWER_TYPES = ["AC_1_PHASE", "AC_2_PHASE", "AC_2_PHASE_SPLIT", "AC_3_PHASE", "DC"] as const;
export type PowerType = (typeof POWER_TYPES)[number];

/** OCPI 2.2.1 CdrToken. All of it is informative for pricing; fields may be absent after a pricing-minimal parse. */
export interface CdrToken {
  country_code?: string;
  party_id?: string;
  uid?: string;
  type?: TokenType;
  contract_id?: string;
}

/**
 * OCPI 2.2.1 CdrLocation. `time_zone` is not part of the 2.2.1 CdrLocation; it is accepted as an extension (an IANA
 * zone name, as in Location.time_zone) because the local time matters for time-of-day restrictions.
 */
export interface CdrLocation {
  id?: string;
  name?: string;
  address?: string;
  city?: string;
  postal_code?: string;
  state?: string;
  /** ISO 3166-1 alpha-3. */
  country?: string;
  coordinates?: GeoLocation;
  evse_uid?: string;
  evse_id?: string;
  connector_id?: string;
  connector_standard?: ConnectorType;
  connector_format?: ConnectorFormat;
  connector_power_type?: PowerType;
  time_zone?: string;
}

/** OCPI 2.2.1 CdrDimension: the volume of one dimension in a charging period. */
export interface CdrDimension {
  type: CdrDimensionType;
  /** kWh for energy types, hours for time types, A for currents, kW for powers, % for STATE_OF_CHARGE. */
  volume: Dec;
}

/** OCPI 2.2.1 ChargingPeriod: from `start_date_time` until the next period starts (the last: until the CDR ends). */
export interface ChargingPeriod {
  start_date_time: string;
  dimensions: CdrDimension[];
  tariff_id?: string;
}

export interface SignedValue {
  nature: string;
  plain_data: string;
  signed_data: string;
}

/** OCPI 2.2.1 SignedData (informative; not verified here). */
export interface SignedData {
  encoding_method: string;
  encoding_method_version?: number;
  public_key?: string;
  signed_values: SignedValue[];
  url?: string;
}

/**
 * OCPI 2.2.1 CDR. Fields that the specification requires but that do not affect the price are typed optional: they
 * may be absent after a pricing-minimal parse (a strict parse guarantees them).
 */
export interface Cdr {
  country_code?: string;
  party_id?: string;
  id?: string;
  start_date_time: string;
  end_date_time: string;
  session_id?: string;
  cdr_token?: CdrToken;
  auth_method?: AuthMethod;
  authorization_reference?: string;
  cdr_location?: CdrLocation;
  meter_id?: string;
  currency: string;
  tariffs?: Tariff[];
  charging_periods: ChargingPeriod[];
  signed_data?: SignedData;
  total_cost?: Price;
  total_fixed_cost?: Price;
  total_energy?: Dec;
  total_energy_cost?: Price;
  total_time?: Dec;
  total_time_cost?: Price;
  total_parking_time?: Dec;
  total_parking_cost?: Price;
  total_reservation_cost?: Price;
  remark?: string;
  invoice_reference_id?: string;
  credit?: boolean;
  credit_reference_id?: string;
  home_charging_compensation?: boolean;
  last_updated?: string;
}

export const cdrDimensionSchema: z.ZodType<CdrDimension> = obj({
  type: openEnum(CDR_DIMENSION_TYPES),
  volume: decimal(),
});

export const chargingPeriodSchema: z.ZodType<ChargingPeriod> = obj({
  start_date_time: dateTime("2.2.1"),
  dimensions: list(cdrDimensionSchema, { nonEmpty: true }),
  tariff_id: ciStr(36).optional(),
});

const signedDataSchema: z.ZodType<SignedData> = obj({
  encoding_method: ciStr(36),
  encoding_method_version: int().optional(),
  public_key: str(512).optional(),
  signed_values: list(obj({ nature: ciStr(32), plain_data: str(512), signed_data: str(5000) }), { nonEmpty: true }),
  url: str(512).optional(),
});

export const cdrTokenSchema = perVariant(
  (v: SchemaVariant): z.ZodType<CdrToken> =>
    obj({
      country_code: npReq(v, ciStr(2, { exact: true })),
      party_id: npReq(v, ciStr(3, { exact: true })),
      uid: npReq(v, ciStr(36)),
      type: npReq(v, openEnum(TOKEN_TYPES)),
      contract_id: npReq(v, ciStr(36)),
    }),
);

export const cdrLocationSchema = perVariant(
  (v: SchemaVariant): z.ZodType<CdrLocation> =>
    obj({
      id: npReq(v, ciStr(36)),
      name: npOpt(v, text(255)),
      address: npReq(v, text(45)),
      city: npReq(v, text(45)),
      postal_code: npOpt(v, str(10)),
      state: npOpt(v, text(20)),
      country: npReq(v, str(3, { exact: true })),
      coordinates: npReq(v, geoLocationSchema),
      evse_uid: npReq(v, ciStr(36)),
      evse_id: npReq(v, ciStr(48)),
      connector_id: npReq(v, ciStr(36)),
      connector_standard: npReq(v, openEnum(CONNECTOR_TYPES)),
      connector_format: npReq(v, enumOf(CONNECTOR_FORMATS)),
      connector_power_type: npReq(v, enumOf(POWER_TYPES)),
      time_zone: npOpt(v, str(255)),
    }),
);

/** The message for a CDR without tariffs in pricing-minimal mode when no tariffs are supplied separately. */
export const TARIFFS_NEEDED =
  "expected at least one tariff: the CDR is priced with its own tariffs when none are given";

function cdrTariffs(v: SchemaVariant): z.ZodType<Tariff[] | undefined> {
  const tariffs = list(tariffSchema(v));
  if (!v.minimal) return tariffs.optional();
  // Pricing-minimal: the CDR's own tariffs price it unless others are supplied.
  if (v.tariffsSupplied) return npOpt(v, tariffs);
  return z
    .array(tariffSchema(v), {
      error: (i) => (i.input === undefined ? TARIFFS_NEEDED : "expected an array"),
    })
    .min(1, { error: TARIFFS_NEEDED });
}

/** The CDR schema of a variant (strict or pricing-minimal). */
export const cdrSchema = perVariant(
  (v: SchemaVariant): z.ZodType<Cdr> =>
    obj({
      country_code: npReq(v, ciStr(2, { exact: true })),
      party_id: npReq(v, ciStr(3, { exact: true })),
      id: npReq(v, ciStr(39)),
      start_date_time: dateTime("2.2.1"),
      end_date_time: dateTime("2.2.1"),
      session_id: npOpt(v, ciStr(36)),
      cdr_token: npReq(v, cdrTokenSchema(v)),
      auth_method: npReq(v, enumOf(AUTH_METHODS)),
      authorization_reference: npOpt(v, ciStr(36)),
      cdr_location: npReq(v, cdrLocationSchema(v)),
      meter_id: npOpt(v, str(255)),
      currency: currencyCode(),
      tariffs: cdrTariffs(v),
      charging_periods: list(chargingPeriodSchema, { nonEmpty: true }),
      signed_data: npOpt(v, signedDataSchema),
      total_cost: npReq(v, priceSchema),
      total_fixed_cost: npOpt(v, priceSchema),
      total_energy: npReq(v, decimal()),
      total_energy_cost: npOpt(v, priceSchema),
      total_time: npReq(v, decimal({ min: 0 })),
      total_time_cost: npOpt(v, priceSchema),
      total_parking_time: npOpt(v, decimal({ min: 0 })),
      total_parking_cost: npOpt(v, priceSchema),
      total_reservation_cost: npOpt(v, priceSchema),
      remark: npOpt(v, text(255)),
      invoice_reference_id: npOpt(v, ciStr(39)),
      credit: npOpt(v, bool()),
      credit_reference_id: npOpt(v, ciStr(39)),
      home_charging_compensation: npOpt(v, bool()),
      last_updated: npReq(v, dateTime("2.2.1")),
    }).superRefine((cdr, ctx) => endNotBeforeStart(cdr.start_date_time, cdr.end_date_time, ctx, "end_date_time")),
);
