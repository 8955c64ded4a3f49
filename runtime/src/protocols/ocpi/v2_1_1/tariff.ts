// OCPI 2.1.1 Tariff (mod_tariffs.md). Differences from 2.2.1: no country_code/party_id, no type, no min_price/
// max_price, no start_date_time/end_date_time, price components without vat, and restrictions without
// min_current/max_current and reservation.
import type { Dec } from "@voltrate/sdk";
import type { z } from "zod";
import {
  currencyCode,
  dateTime,
  decimal,
  enumOf,
  int,
  list,
  localDate,
  obj,
  str,
  timeOfDay,
  url,
} from "../common/fields.ts";
import { npOpt, npReq, perVariant, type SchemaVariant } from "../common/variant.ts";
import { type DisplayText, displayTextSchema, type EnergyMix, energyMixSchema } from "./types.ts";

export const TARIFF_DIMENSION_TYPES = ["ENERGY", "FLAT", "PARKING_TIME", "TIME"] as const;
export type TariffDimensionType = (typeof TARIFF_DIMENSION_TYPES)[number];

export const DAYS_OF_WEEK = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

/** OCPI 2.1.1 PriceComponent: price per unit excluding VAT; there is no VAT field in 2.1.1. */
export interface PriceComponent {
  type: TariffDimensionType;
  price: Dec;
  /** Wh for ENERGY, seconds for TIME and PARKING_TIME; meaningless for FLAT (0 is accepted there). */
  step_size: number;
}

/** OCPI 2.1.1 TariffRestrictions. */
export interface TariffRestrictions {
  /** "HH:MM"; "24:00" is accepted as an end of day. */
  start_time?: string;
  end_time?: string;
  start_date?: string;
  end_date?: string;
  min_kwh?: Dec;
  max_kwh?: Dec;
  min_power?: Dec;
  max_power?: Dec;
  min_duration?: number;
  max_duration?: number;
  day_of_week?: DayOfWeek[];
}

export interface TariffElement {
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions;
}

/** OCPI 2.1.1 Tariff. `last_updated` may be absent after a pricing-minimal parse. */
export interface Tariff {
  id: string;
  currency: string;
  tariff_alt_text?: DisplayText[];
  tariff_alt_url?: string;
  elements: TariffElement[];
  energy_mix?: EnergyMix;
  last_updated?: string;
}

export const priceComponentSchema: z.ZodType<PriceComponent> = obj({
  type: enumOf(TARIFF_DIMENSION_TYPES),
  price: decimal(),
  step_size: int("nonNegative", "a positive integer"),
}).superRefine((pc, ctx) => {
  // The 2.1.1 "Free of Charge" example uses step_size 0 on a FLAT component; elsewhere 0 has no meaning.
  if (pc.step_size === 0 && pc.type !== "FLAT") {
    ctx.addIssue({
      code: "custom",
      path: ["step_size"],
      message: "expected a positive integer (0 is accepted on FLAT components only)",
    });
  }
});

export const tariffRestrictionsSchema: z.ZodType<TariffRestrictions> = obj({
  start_time: timeOfDay({ allow24: true }).optional(),
  end_time: timeOfDay({ allow24: true }).optional(),
  start_date: localDate().optional(),
  end_date: localDate().optional(),
  min_kwh: decimal({ min: 0 }).optional(),
  max_kwh: decimal({ min: 0 }).optional(),
  min_power: decimal({ min: 0 }).optional(),
  max_power: decimal({ min: 0 }).optional(),
  min_duration: int("nonNegative").optional(),
  max_duration: int("nonNegative").optional(),
  day_of_week: list(enumOf(DAYS_OF_WEEK)).optional(),
});

export const tariffElementSchema: z.ZodType<TariffElement> = obj({
  price_components: list(priceComponentSchema, { nonEmpty: true }),
  restrictions: tariffRestrictionsSchema.optional(),
});

/** The 2.1.1 Tariff schema of a variant (strict or pricing-minimal). */
export const tariffSchema = perVariant(
  (v: SchemaVariant): z.ZodType<Tariff> =>
    obj({
      id: str(36, { min: 1 }),
      currency: currencyCode(),
      tariff_alt_text: npOpt(v, list(displayTextSchema)),
      tariff_alt_url: npOpt(v, url()),
      elements: list(tariffElementSchema, { nonEmpty: true }),
      energy_mix: npOpt(v, energyMixSchema),
      last_updated: npReq(v, dateTime("2.1.1")),
    }),
);
