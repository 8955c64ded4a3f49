// OCPI 2.2.1 Tariff (mod_tariffs.asciidoc): Tariff, TariffElement, PriceComponent, TariffRestrictions.
import type { Dec } from "@voltrate/sdk";
import type { z } from "zod";
import {
  ciStr,
  currencyCode,
  dateTime,
  decimal,
  enumOf,
  int,
  list,
  localDate,
  obj,
  timeOfDay,
  url,
} from "../common/fields.ts";
import { npOpt, npReq, perVariant, type SchemaVariant } from "../common/variant.ts";
import {
  type DisplayText,
  displayTextSchema,
  type EnergyMix,
  energyMixSchema,
  type Price,
  priceSchema,
} from "./types.ts";

export const TARIFF_DIMENSION_TYPES = ["ENERGY", "FLAT", "PARKING_TIME", "TIME"] as const;
/** What a price component charges for. ENERGY per kWh (step_size in Wh), TIME/PARKING_TIME per hour (step_size in s). */
export type TariffDimensionType = (typeof TARIFF_DIMENSION_TYPES)[number];

export const DAYS_OF_WEEK = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

export const RESERVATION_RESTRICTION_TYPES = ["RESERVATION", "RESERVATION_EXPIRES"] as const;
export type ReservationRestrictionType = (typeof RESERVATION_RESTRICTION_TYPES)[number];

export const TARIFF_TYPES = ["AD_HOC_PAYMENT", "PROFILE_CHEAP", "PROFILE_FAST", "PROFILE_GREEN", "REGULAR"] as const;
/** Tariff type: which kind of session the tariff is for. */
export type TariffType = (typeof TARIFF_TYPES)[number];

/** OCPI 2.2.1 PriceComponent. */
export interface PriceComponent {
  type: TariffDimensionType;
  /** Price per unit, excluding VAT. */
  price: Dec;
  /** VAT percentage; absent = "no VAT applicable", which is not the same as 0. */
  vat?: Dec;
  /** Billing block: Wh for ENERGY, seconds for TIME and PARKING_TIME; meaningless for FLAT (0 is accepted there). */
  step_size: number;
}

/** OCPI 2.2.1 TariffRestrictions. Times and dates are local to the location. */
export interface TariffRestrictions {
  start_time?: string;
  end_time?: string;
  start_date?: string;
  end_date?: string;
  min_kwh?: Dec;
  max_kwh?: Dec;
  min_current?: Dec;
  max_current?: Dec;
  min_power?: Dec;
  max_power?: Dec;
  min_duration?: number;
  max_duration?: number;
  day_of_week?: DayOfWeek[];
  reservation?: ReservationRestrictionType;
}

/** OCPI 2.2.1 TariffElement. */
export interface TariffElement {
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions;
}

/**
 * OCPI 2.2.1 Tariff. Fields that the specification requires but that do not affect the price (`country_code`,
 * `party_id`, `last_updated`) may be absent after a pricing-minimal parse.
 */
export interface Tariff {
  country_code?: string;
  party_id?: string;
  id: string;
  currency: string;
  type?: TariffType;
  tariff_alt_text?: DisplayText[];
  tariff_alt_url?: string;
  min_price?: Price;
  max_price?: Price;
  elements: TariffElement[];
  start_date_time?: string;
  end_date_time?: string;
  energy_mix?: EnergyMix;
  last_updated?: string;
}

export const STEP_SIZE_MESSAGE = "expected a positive integer";

export const priceComponentSchema: z.ZodType<PriceComponent> = obj({
  type: enumOf(TARIFF_DIMENSION_TYPES),
  price: decimal(),
  vat: decimal({ min: 0 }).optional(),
  step_size: int("nonNegative", "a positive integer"),
}).superRefine((pc, ctx) => {
  // tariff_5_free_of_charge.json of the specification has a FLAT component with step_size 0; elsewhere 0 has no
  // meaning (a block of size 0), so it is refused.
  if (pc.step_size === 0 && pc.type !== "FLAT") {
    ctx.addIssue({
      code: "custom",
      path: ["step_size"],
      message: `${STEP_SIZE_MESSAGE} (0 is accepted on FLAT components only)`,
    });
  }
});

export const tariffRestrictionsSchema: z.ZodType<TariffRestrictions> = obj({
  start_time: timeOfDay().optional(),
  end_time: timeOfDay().optional(),
  start_date: localDate().optional(),
  end_date: localDate().optional(),
  min_kwh: decimal({ min: 0 }).optional(),
  max_kwh: decimal({ min: 0 }).optional(),
  min_current: decimal({ min: 0 }).optional(),
  max_current: decimal({ min: 0 }).optional(),
  min_power: decimal({ min: 0 }).optional(),
  max_power: decimal({ min: 0 }).optional(),
  min_duration: int("nonNegative").optional(),
  max_duration: int("nonNegative").optional(),
  day_of_week: list(enumOf(DAYS_OF_WEEK)).optional(),
  reservation: enumOf(RESERVATION_RESTRICTION_TYPES).optional(),
});

export const tariffElementSchema: z.ZodType<TariffElement> = obj({
  price_components: list(priceComponentSchema, { nonEmpty: true }),
  restrictions: tariffRestrictionsSchema.optional(),
});

/** The Tariff schema of a variant (strict or pricing-minimal). */
export const tariffSchema = perVariant(
  (v: SchemaVariant): z.ZodType<Tariff> =>
    obj({
      country_code: npReq(v, ciStr(2, { exact: true })),
      party_id: npReq(v, ciStr(3, { exact: true })),
      id: ciStr(36, { min: 1 }),
      currency: currencyCode(),
      type: enumOf(TARIFF_TYPES).optional(),
      tariff_alt_text: npOpt(v, list(displayTextSchema)),
      tariff_alt_url: npOpt(v, url()),
      min_price: priceSchema.optional(),
      max_price: priceSchema.optional(),
      elements: list(tariffElementSchema, { nonEmpty: true }),
      start_date_time: dateTime("2.2.1").optional(),
      end_date_time: dateTime("2.2.1").optional(),
      energy_mix: npOpt(v, energyMixSchema),
      last_updated: npReq(v, dateTime("2.2.1")),
    }),
);
