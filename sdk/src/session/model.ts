// The normalized charge session, as the pricer sees it: the session window, its charging periods with typed
// measurements (mirroring OCPI 2.2.1 CdrDimensionType), and the totals the source reported (for reconciliation).
// OCPI Sessions and CDRs (2.2.1, 2.1.1) and other sources are parsed into this shape.
import type { Dec } from "../money/decimal.ts";
import type { Current, Duration, Energy, Power } from "../units/quantities.ts";

/**
 * What was measured during one charging period (OCPI CdrDimension list), typed. All fields are optional: a source
 * reports what it has. Instantaneous readings (current, power, state of charge) are the values that held during the
 * period; volumes (energy, times) are the amounts within the period (deltas, not meter readings).
 */
export interface ChargingPeriodDimensions {
  /** ENERGY: energy charged in this period (delta). */
  energy?: Energy;
  /** ENERGY_IMPORT: energy imported by the EV in this period (delta). Informative for pricing. */
  energyImport?: Energy;
  /** ENERGY_EXPORT: energy exported by the EV (V2G) in this period (delta). Informative for pricing. */
  energyExport?: Energy;
  /** CURRENT: average charging current during the period (sum over phases). */
  current?: Current;
  /** MIN_CURRENT: minimum current during the period (sum over phases). */
  minCurrent?: Current;
  /** MAX_CURRENT: maximum current during the period (sum over phases). */
  maxCurrent?: Current;
  /** POWER: average charging power during the period. */
  power?: Power;
  /** MIN_POWER: minimum charging power during the period. */
  minPower?: Power;
  /** MAX_POWER: maximum charging power during the period. */
  maxPower?: Power;
  /** STATE_OF_CHARGE: battery state of charge in percent (0–100) during the period. Informative. */
  stateOfCharge?: Dec;
  /**
   * TIME: charging time within the period, as reported by the source. The pricer takes a period's length from its
   * boundaries (start of this period to start of the next, the last one ending at the session end). A period that
   * reports one kind of time (time, parkingTime or reservationTime) is wholly that kind; one that reports none is
   * charging time, unless it has a parkingTime entry (even 0) and no energy, which makes it parking. A period that
   * reports several kinds is laid out as reservation, charging, parking with the reported lengths.
   */
  time?: Duration;
  /** PARKING_TIME: time connected without charging within the period, as reported by the source. */
  parkingTime?: Duration;
  /** RESERVATION_TIME: time the EVSE was reserved (not charging) within the period, as reported by the source. */
  reservationTime?: Duration;
}

/** One charging period (OCPI ChargingPeriod): from `start` until the next period's start (or the session end). */
export interface ChargingPeriod {
  /** Start of the period (instant). It ends where the next period starts; the last one ends at the session end. */
  start: Date;
  /** What was measured in this period. */
  dimensions: ChargingPeriodDimensions;
  /** The tariff that applies to this period (OCPI `tariff_id`); undefined = the session's tariff choice. */
  tariffId?: string;
}

/** A cost as a source reported it: excluding VAT and, when known, including VAT. */
export interface ReportedCost {
  exclVat: Dec;
  inclVat?: Dec;
}

/** Totals reported by the source (e.g. a CDR's own totals); used for reconciliation, never for pricing. */
export interface ReportedTotals {
  /** total_energy. */
  energy?: Energy;
  /** total_time: the whole session duration as reported. */
  time?: Duration;
  /** total_parking_time. */
  parkingTime?: Duration;
  /** total_reservation_time, where a source reports it. */
  reservationTime?: Duration;
  /** total_cost. */
  cost?: ReportedCost;
  /** total_fixed_cost. */
  fixedCost?: ReportedCost;
  /** total_energy_cost. */
  energyCost?: ReportedCost;
  /** total_time_cost. */
  timeCost?: ReportedCost;
  /** total_parking_cost. */
  parkingCost?: ReportedCost;
  /** total_reservation_cost. */
  reservationCost?: ReportedCost;
}

/** A charge session to be priced. */
export interface ChargeSession {
  /** Source id of the session or CDR. */
  id?: string;
  /** Start of the session (OCPI `start_date_time`), an instant. */
  start: Date;
  /** End of the session (OCPI `end_date_time`), an instant; the last charging period ends here. */
  end: Date;
  /** ISO 4217 currency the source billed in, when known; must match the tariff currency. */
  currency?: string;
  /** IANA time zone of the location (OCPI Location `time_zone`), e.g. "Europe/Amsterdam". */
  timeZone?: string;
  /**
   * ISO 3166-1 alpha-2 country of the location; used for the time zone when the country has exactly one zone.
   * (OCPI 2.2.1 CdrLocation.country is alpha-3: convert it.)
   */
  countryCode?: string;
  /** The charging periods in chronological order. May be empty (the whole session is then one charging period). */
  chargingPeriods: ChargingPeriod[];
  /**
   * Whether a reservation in this session expired without a charging session following it (OCPI
   * RESERVATION_EXPIRES). Undefined = inferred: expired when the session has reservation time and nothing else.
   */
  reservationExpired?: boolean;
  /** Totals the source reported (CDR totals), for reconciliation. */
  reportedTotals?: ReportedTotals;
}
