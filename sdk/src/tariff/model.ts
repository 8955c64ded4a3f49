// The normalized tariff: protocol-neutral, with typed quantities and decimal prices. OCPI 2.2.1 and 2.1.1 tariffs
// (and other sources) are parsed into this shape; the pricer only ever sees this shape.
import type { CurrencyCode } from "../money/currency.ts";
import type { Dec } from "../money/decimal.ts";
import type { Current, Duration, Energy, Power } from "../units/quantities.ts";

/**
 * What a price component charges for (OCPI TariffDimensionType):
 * - "ENERGY": per kWh charged; step_size in Wh.
 * - "FLAT": a fixed fee, once per session; no step_size.
 * - "TIME": per hour of charging time (and, in an element with a `reservation` restriction, per hour of
 *   reservation time); step_size in seconds.
 * - "PARKING_TIME": per hour of time connected without charging; step_size in seconds.
 */
export type TariffDimension = "ENERGY" | "FLAT" | "TIME" | "PARKING_TIME";

/** All tariff dimensions, in the order the pricer reports them. */
export const TARIFF_DIMENSIONS: readonly TariffDimension[] = ["FLAT", "ENERGY", "TIME", "PARKING_TIME"];

/**
 * OCPI TariffType: which kind of session the tariff is for. Omitted = valid for all sessions.
 * (OCPI 2.2.1 spells the profile values PROFILE_CHEAP, PROFILE_FAST, PROFILE_GREEN.)
 */
export type TariffType = "AD_HOC_PAYMENT" | "PROFILE_CHEAP" | "PROFILE_FAST" | "PROFILE_GREEN" | "REGULAR";

/** OCPI DayOfWeek. */
export type DayOfWeek = "MONDAY" | "TUESDAY" | "WEDNESDAY" | "THURSDAY" | "FRIDAY" | "SATURDAY" | "SUNDAY";

/** The days in ISO order (index 0 = Monday … 6 = Sunday). */
export const DAYS_OF_WEEK: readonly DayOfWeek[] = [
  "MONDAY",
  "TUESDAY",
  "WEDNESDAY",
  "THURSDAY",
  "FRIDAY",
  "SATURDAY",
  "SUNDAY",
];

/**
 * OCPI ReservationRestrictionType:
 * - "RESERVATION": the element prices a reservation (from when it is made until charging starts or it expires).
 * - "RESERVATION_EXPIRES": the element prices a reservation that expired without a charging session.
 */
export type ReservationRestriction = "RESERVATION" | "RESERVATION_EXPIRES";

/** A price limit (OCPI `Price` class): an amount excluding VAT and, optionally, including VAT. */
export interface PriceLimit {
  /** Amount excluding VAT, in the tariff currency. */
  exclVat: Dec;
  /** Amount including VAT; undefined when not given. */
  inclVat?: Dec;
}

/** One price of one dimension (OCPI PriceComponent). */
export interface PriceComponent {
  /** The dimension priced. */
  dimension: TariffDimension;
  /**
   * Price per unit excluding VAT, in the tariff currency: per kWh for ENERGY, per hour for TIME and PARKING_TIME,
   * the fee itself for FLAT.
   */
  price: Dec;
  /**
   * VAT percentage for this component, e.g. 20 for 20 %. `undefined` means "not given" (OCPI: "If omitted, no VAT is
   * applicable. Not providing a VAT is different from 0% VAT"): the incl-VAT amount is then unknown or handled as the
   * pricing profile says. It is NOT the same as 0.
   */
  vatPercent?: Dec;
  /**
   * Billing block size, as in OCPI: Wh for ENERGY, seconds for TIME and PARKING_TIME, ignored for FLAT.
   * A positive integer; 0 (seen on FLAT components) is treated as 1 by the pricer.
   */
  stepSize: number;
}

/**
 * When an element applies (OCPI TariffRestrictions). Every given restriction must hold; an absent field does not
 * restrict. Local times and dates are in the location's time zone.
 */
export interface TariffRestrictions {
  /** Local time of day from which the element is valid, "HH:MM" (24h, inclusive). */
  startTime?: string;
  /** Local time of day until which the element is valid, "HH:MM" (exclusive). May be ≤ startTime: the window then
   * crosses midnight (e.g. 22:00–06:00). "00:00" as end means "until midnight". */
  endTime?: string;
  /** Local date from which the element is valid, "YYYY-MM-DD" (inclusive). */
  startDate?: string;
  /** Local date until which the element is valid, "YYYY-MM-DD" (exclusive). */
  endDate?: string;
  /** Valid from this amount of energy charged in the session (inclusive). OCPI `min_kwh`. */
  minEnergy?: Energy;
  /** Valid until this amount of energy charged in the session (exclusive). OCPI `max_kwh`. */
  maxEnergy?: Energy;
  /** Valid while the charging current (sum over phases) is at least this value. OCPI `min_current`. */
  minCurrent?: Current;
  /** Valid while the charging current (sum over phases) is below this value. OCPI `max_current`. */
  maxCurrent?: Current;
  /** Valid while the charging power is at least this value. OCPI `min_power`. */
  minPower?: Power;
  /** Valid while the charging power is below this value. OCPI `max_power`. */
  maxPower?: Power;
  /** Valid once the session has lasted at least this long (inclusive). OCPI `min_duration` (seconds). */
  minDuration?: Duration;
  /** Valid while the session has lasted less than this (exclusive). OCPI `max_duration` (seconds). */
  maxDuration?: Duration;
  /** Days of the week (local) on which the element is valid; absent or empty = every day. */
  daysOfWeek?: DayOfWeek[];
  /** When present, the element prices a reservation (see `ReservationRestriction`), not charging. */
  reservation?: ReservationRestriction;
}

/** A group of price components that apply together under the same restrictions (OCPI TariffElement). */
export interface TariffElement {
  /** The prices of this element; at most one per dimension is meaningful (the first one is used). */
  components: PriceComponent[];
  /** When this element applies; undefined = always. */
  restrictions?: TariffRestrictions;
}

/** A tariff (OCPI Tariff), normalized. */
export interface Tariff {
  /** The tariff id (OCPI `id`), unique within the CPO. Charging periods refer to it by `tariffId`. */
  id: string;
  /** ISO 3166-1 alpha-2 country of the owning CPO (OCPI `country_code`). */
  countryCode?: string;
  /** Party id of the owning CPO (OCPI `party_id`). */
  partyId?: string;
  /** ISO 4217 currency of all prices in this tariff. */
  currency: CurrencyCode;
  /** The kind of session the tariff is for; undefined = all sessions. */
  type?: TariffType;
  /** The minimum cost of a session priced with this tariff (OCPI `min_price`). */
  minPrice?: PriceLimit;
  /** The maximum cost of a session priced with this tariff (OCPI `max_price`). */
  maxPrice?: PriceLimit;
  /** The instant from which the tariff is active (OCPI `start_date_time`, UTC), inclusive. */
  validFrom?: Date;
  /**
   * The instant after which the tariff is no longer valid (OCPI `end_date_time`, UTC). Inclusive: the tariff is
   * still valid at exactly this instant ("the time after which this tariff is no longer valid").
   */
  validTo?: Date;
  /** The elements, in order: for each dimension, the first element whose restrictions hold is used. */
  elements: TariffElement[];
  /** When the tariff was last updated (OCPI `last_updated`); informative. */
  lastUpdated?: Date;
}
