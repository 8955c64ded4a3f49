// OCPI 2.2.1 shared types (types.asciidoc, mod_locations.asciidoc): DisplayText, Price, EnergyMix, GeoLocation.
import type { Dec } from "@voltrate/sdk";
import type { z } from "zod";
import { bool, decimal, enumOf, list, obj, openEnum, str } from "../common/fields.ts";

/** OCPI 2.2.1 DisplayText: a text in one language. */
export interface DisplayText {
  /** ISO 639-1 language code, string(2). */
  language: string;
  /** string(512), no markup. */
  text: string;
}

export const displayTextSchema: z.ZodType<DisplayText> = obj({
  language: str(2, { exact: true }),
  text: str(512),
});

/** OCPI 2.2.1 Price: an amount excluding VAT and, optionally, including VAT. */
export interface Price {
  excl_vat: Dec;
  incl_vat?: Dec;
}

export const priceSchema: z.ZodType<Price> = obj({
  excl_vat: decimal(),
  incl_vat: decimal().optional(),
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
export type EnergySourceCategory = (typeof ENERGY_SOURCE_CATEGORIES)[number];

export const ENVIRONMENTAL_IMPACT_CATEGORIES = ["NUCLEAR_WASTE", "CARBON_DIOXIDE"] as const;
export type EnvironmentalImpactCategory = (typeof ENVIRONMENTAL_IMPACT_CATEGORIES)[number] | (string & {});

/** OCPI 2.2.1 EnergyMix (mod_locations): the energy mix and environmental impact of the supplied energy. */
export interface EnergyMix {
  is_green_energy: boolean;
  energy_sources?: { source: EnergySourceCategory; percentage: Dec }[];
  environ_impact?: { category: EnvironmentalImpactCategory; amount: Dec }[];
  supplier_name?: string;
  energy_product_name?: string;
}

export const energyMixSchema: z.ZodType<EnergyMix> = obj({
  is_green_energy: bool(),
  energy_sources: list(obj({ source: enumOf(ENERGY_SOURCE_CATEGORIES), percentage: decimal({ min: 0 }) })).optional(),
  environ_impact: list(
    obj({ category: openEnum(ENVIRONMENTAL_IMPACT_CATEGORIES), amount: decimal({ min: 0 }) }),
  ).optional(),
  supplier_name: str(64).optional(),
  energy_product_name: str(64).optional(),
});

/** OCPI 2.2.1 GeoLocation: WGS 84 decimal degrees as strings, 5 to 7 decimals. */
export interface GeoLocation {
  latitude: string;
  longitude: string;
}

export const geoLocationSchema: z.ZodType<GeoLocation> = obj({
  latitude: str(10).regex(/^-?[0-9]{1,2}\.[0-9]{5,7}$/, {
    error: "expected decimal degrees with 5 to 7 decimals, e.g. 50.770774",
  }),
  longitude: str(11).regex(/^-?[0-9]{1,3}\.[0-9]{5,7}$/, {
    error: "expected decimal degrees with 5 to 7 decimals, e.g. -126.104965",
  }),
});
