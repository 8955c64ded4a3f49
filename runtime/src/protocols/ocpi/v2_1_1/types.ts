// OCPI 2.1.1 shared types (types.md, mod_locations.md): DisplayText, EnergyMix, GeoLocation and the Location object
// that a 2.1.1 CDR embeds.
import type { Dec } from "@voltrate/sdk";
import type { z } from "zod";
import { bool, ciStr, dateTime, decimal, enumOf, int, list, obj, str, text, url } from "../common/fields.ts";
import { npOpt, npReq, perVariant, type SchemaVariant } from "../common/variant.ts";

/** OCPI 2.1.1 DisplayText. */
export interface DisplayText {
  language: string;
  text: string;
}

export const displayTextSchema: z.ZodType<DisplayText> = obj({
  language: str(2, { exact: true }),
  text: str(512),
});

export const ENERGY_SOURCE_CATEGORIES = [
  "NUCLEAR",
  "GENERAL_FOSSIL",
  "COAL",
  "GAS",
  "GENERAL_GREEN",
  "SOLAR",
  "WIND",
  "WATER",
] as const;
export const ENVIRONMENTAL_IMPACT_CATEGORIES = ["NUCLEAR_WASTE", "CARBON_DIOXIDE"] as const;

/** OCPI 2.1.1 EnergyMix. (2.1.1 names the impact category field `source`; 2.2.1 renamed it `category`.) */
export interface EnergyMix {
  is_green_energy: boolean;
  energy_sources?: { source: (typeof ENERGY_SOURCE_CATEGORIES)[number]; percentage: Dec }[];
  environ_impact?: { source: (typeof ENVIRONMENTAL_IMPACT_CATEGORIES)[number]; amount: Dec }[];
  supplier_name?: string;
  energy_product_name?: string;
}

export const energyMixSchema: z.ZodType<EnergyMix> = obj({
  is_green_energy: bool(),
  energy_sources: list(obj({ source: enumOf(ENERGY_SOURCE_CATEGORIES), percentage: decimal({ min: 0 }) })).optional(),
  environ_impact: list(
    obj({ source: enumOf(ENVIRONMENTAL_IMPACT_CATEGORIES), amount: decimal({ min: 0 }) }),
  ).optional(),
  supplier_name: str(64).optional(),
  energy_product_name: str(64).optional(),
});

/** OCPI 2.1.1 GeoLocation: decimal degrees as strings (the 2.1.1 pattern asks for 6 decimals; 5 to 7 are accepted). */
export interface GeoLocation {
  latitude: string;
  longitude: string;
}

export const geoLocationSchema: z.ZodType<GeoLocation> = obj({
  latitude: str(10).regex(/^-?[0-9]{1,2}\.[0-9]{5,7}$/, { error: "expected decimal degrees, e.g. 50.770774" }),
  longitude: str(11).regex(/^-?[0-9]{1,3}\.[0-9]{5,7}$/, { error: "expected decimal degrees, e.g. -126.104965" }),
});

export const LOCATION_TYPES = [
  "ON_STREET",
  "PARKING_GARAGE",
  "UNDERGROUND_GARAGE",
  "PARKING_LOT",
  "OTHER",
  "UNKNOWN",
] as const;
export const EVSE_STATUSES = [
  "AVAILABLE",
  "BLOCKED",
  "CHARGING",
  "INOPERATIVE",
  "OUTOFORDER",
  "PLANNED",
  "REMOVED",
  "RESERVED",
  "UNKNOWN",
] as const;
export const CAPABILITIES = [
  "CHARGING_PROFILE_CAPABLE",
  "CREDIT_CARD_PAYABLE",
  "REMOTE_START_STOP_CAPABLE",
  "RESERVABLE",
  "RFID_READER",
  "UNLOCK_CAPABLE",
] as const;
export const CONNECTOR_TYPES = [
  "CHADEMO",
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
  "TESLA_R",
  "TESLA_S",
] as const;
export const CONNECTOR_FORMATS = ["SOCKET", "CABLE"] as const;
export const POWER_TYPES = ["AC_1_PHASE", "AC_3_PHASE", "DC"] as const;
export const FACILITIES = [
  "HOTEL",
  "RESTAURANT",
  "CAFE",
  "MALL",
  "SUPERMARKET",
  "SPORT",
  "RECREATION_AREA",
  "NATURE",
  "MUSEUM",
  "BUS_STOP",
  "TAXI_STAND",
  "TRAIN_STATION",
  "AIRPORT",
  "CARPOOL_PARKING",
  "FUEL_STATION",
  "WIFI",
] as const;
export const PARKING_RESTRICTIONS = ["EV_ONLY", "PLUGGED", "DISABLED", "CUSTOMERS", "MOTORCYCLES"] as const;
export const IMAGE_CATEGORIES = ["CHARGER", "ENTRANCE", "LOCATION", "NETWORK", "OPERATOR", "OTHER", "OWNER"] as const;

/** OCPI 2.1.1 Connector. */
export interface Connector {
  id?: string;
  standard?: (typeof CONNECTOR_TYPES)[number];
  format?: (typeof CONNECTOR_FORMATS)[number];
  power_type?: (typeof POWER_TYPES)[number];
  voltage?: number;
  amperage?: number;
  tariff_id?: string;
  terms_and_conditions?: string;
  last_updated?: string;
}

/** OCPI 2.1.1 EVSE (the parts of it a CDR carries are informative for pricing). */
export interface Evse {
  uid?: string;
  evse_id?: string;
  status?: (typeof EVSE_STATUSES)[number];
  status_schedule?: unknown[];
  capabilities?: (typeof CAPABILITIES)[number][];
  connectors?: Connector[];
  floor_level?: string;
  coordinates?: GeoLocation;
  physical_reference?: string;
  directions?: DisplayText[];
  parking_restrictions?: (typeof PARKING_RESTRICTIONS)[number][];
  images?: unknown[];
  last_updated?: string;
}

/**
 * OCPI 2.1.1 Location, as embedded in a 2.1.1 CDR. Only `time_zone` and `country` feed the normalized session;
 * every field is informative for pricing, so all may be absent after a pricing-minimal parse.
 */
export interface Location {
  id?: string;
  type?: (typeof LOCATION_TYPES)[number];
  name?: string;
  address?: string;
  city?: string;
  postal_code?: string;
  /** ISO 3166-1 alpha-3. */
  country?: string;
  coordinates?: GeoLocation;
  related_locations?: unknown[];
  evses?: Evse[];
  directions?: DisplayText[];
  operator?: BusinessDetails;
  suboperator?: BusinessDetails;
  owner?: BusinessDetails;
  facilities?: (typeof FACILITIES)[number][];
  /** IANA time zone, e.g. "Europe/Oslo". Optional in 2.1.1. */
  time_zone?: string;
  opening_times?: unknown;
  charging_when_closed?: boolean;
  images?: unknown[];
  energy_mix?: EnergyMix;
  last_updated?: string;
}

export interface BusinessDetails {
  name: string;
  website?: string;
  logo?: unknown;
}

const imageSchema = obj({
  url: url(),
  thumbnail: url().optional(),
  category: enumOf(IMAGE_CATEGORIES),
  type: ciStr(4),
  width: int("nonNegative").optional(),
  height: int("nonNegative").optional(),
});

const businessDetailsSchema: z.ZodType<BusinessDetails> = obj({
  name: text(100),
  website: url().optional(),
  logo: imageSchema.optional(),
});

const exceptionalPeriodSchema = obj({ period_begin: dateTime("2.1.1"), period_end: dateTime("2.1.1") });

const hoursSchema = obj({
  regular_hours: list(
    obj({
      weekday: int("positive").refine((d) => d <= 7, { error: "expected a weekday 1 (Monday) to 7 (Sunday)" }),
      period_begin: str(5).regex(/^[0-2][0-9]:[0-5][0-9]$/, { error: "expected a time HH:MM" }),
      period_end: str(5).regex(/^[0-2][0-9]:[0-5][0-9]$/, { error: "expected a time HH:MM" }),
    }),
  ).optional(),
  twentyfourseven: bool().optional(),
  exceptional_openings: list(exceptionalPeriodSchema).optional(),
  exceptional_closings: list(exceptionalPeriodSchema).optional(),
});

const connectorSchema = perVariant(
  (v: SchemaVariant): z.ZodType<Connector> =>
    obj({
      id: npReq(v, str(36)),
      standard: npReq(v, enumOf(CONNECTOR_TYPES)),
      format: npReq(v, enumOf(CONNECTOR_FORMATS)),
      power_type: npReq(v, enumOf(POWER_TYPES)),
      voltage: npReq(v, int()),
      amperage: npReq(v, int()),
      tariff_id: npOpt(v, str(36)),
      terms_and_conditions: npOpt(v, url()),
      last_updated: npReq(v, dateTime("2.1.1")),
    }),
);

const evseSchema = perVariant(
  (v: SchemaVariant): z.ZodType<Evse> =>
    obj({
      uid: npReq(v, str(39)),
      evse_id: npOpt(v, str(48)),
      status: npReq(v, enumOf(EVSE_STATUSES)),
      status_schedule: npOpt(
        v,
        list(
          obj({
            period_begin: dateTime("2.1.1"),
            period_end: dateTime("2.1.1").optional(),
            status: enumOf(EVSE_STATUSES),
          }),
        ),
      ),
      capabilities: npOpt(v, list(enumOf(CAPABILITIES))),
      connectors: npReq(v, list(connectorSchema(v), { nonEmpty: true })),
      floor_level: npOpt(v, str(4)),
      coordinates: npOpt(v, geoLocationSchema),
      physical_reference: npOpt(v, str(16)),
      directions: npOpt(v, list(displayTextSchema)),
      parking_restrictions: npOpt(v, list(enumOf(PARKING_RESTRICTIONS))),
      images: npOpt(v, list(imageSchema)),
      last_updated: npReq(v, dateTime("2.1.1")),
    }),
);

/** The 2.1.1 Location schema of a variant; used inside the 2.1.1 CDR. */
export const locationSchema = perVariant(
  (v: SchemaVariant): z.ZodType<Location> =>
    obj({
      id: npReq(v, str(39)),
      type: npReq(v, enumOf(LOCATION_TYPES)),
      name: npOpt(v, text(255)),
      address: npReq(v, text(45)),
      city: npReq(v, text(45)),
      postal_code: npReq(v, str(10)),
      country: npReq(v, str(3, { exact: true })),
      coordinates: npReq(v, geoLocationSchema),
      related_locations: npOpt(
        v,
        list(obj({ latitude: str(10), longitude: str(11), name: displayTextSchema.optional() })),
      ),
      evses: npOpt(v, list(evseSchema(v))),
      directions: npOpt(v, list(displayTextSchema)),
      operator: npOpt(v, businessDetailsSchema),
      suboperator: npOpt(v, businessDetailsSchema),
      owner: npOpt(v, businessDetailsSchema),
      facilities: npOpt(v, list(enumOf(FACILITIES))),
      time_zone: npOpt(v, str(255)),
      opening_times: npOpt(v, hoursSchema),
      charging_when_closed: npOpt(v, bool()),
      images: npOpt(v, list(imageSchema)),
      energy_mix: npOpt(v, energyMixSchema),
      last_updated: npReq(v, dateTime("2.1.1")),
    }),
);
