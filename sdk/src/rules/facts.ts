// What a ruleset is evaluated on: the normalized charge session plus the session facts the session model does not
// carry (who the CPO is, the token, the contract product, the location, custom properties) and, for markups, the
// purchase cost. Also the JSON form of a charge session, for golden files and the API.
import { z } from "zod";
import { dec } from "../money/decimal.ts";
import type { ChargeSession, ChargingPeriod, ChargingPeriodDimensions, ReportedTotals } from "../session/model.ts";
import { Current, Duration, Energy, Power } from "../units/quantities.ts";
import { DECIMAL_PATTERN } from "./condition.ts";
import { POWER_TYPES, TOKEN_TYPES } from "./properties.ts";

/** A custom property value. */
export type CustomValue = string | number | boolean | null;

/** Facts about a session beyond the session model; every field is optional (a condition on a missing fact fails). */
export interface SessionFacts {
  /** The CPO (OCPI party): ISO 3166 alpha-2 country code and 3-character party id. */
  cpo?: { countryCode: string; partyId: string };
  /** The CPO's code of the tariff the session ran under. */
  cpoTariffCode?: string;
  /** ISO 3166-1 alpha-2 country of the location (overrides the session's). */
  country?: string;
  /** AC or DC. */
  powerType?: "AC" | "DC";
  /** Maximum power of the EVSE in kW, a decimal string. */
  maxPowerKw?: string;
  /** The token the session was authorized with. */
  token?: { type?: (typeof TOKEN_TYPES)[number]; contractId?: string; uid?: string };
  /** The contract product (tariff plan) code. */
  product?: string;
  /** The subscription code. */
  subscription?: string;
  /** OCPI location id. */
  locationId?: string;
  /** EVSE id. */
  evseId?: string;
  /** Time the car stayed after charging ended, in seconds (for idle fees); default: the parking time. */
  idleSeconds?: number;
  /** Custom properties, tested as `custom.<key>`. */
  custom?: { [key: string]: CustomValue };
}

/** An amount excl. and (optionally) incl. VAT, decimal strings. */
export interface AmountJson {
  exclVat: string;
  inclVat?: string;
}

/** The input of one evaluation. */
export interface EvaluationInput {
  session: ChargeSession;
  facts?: SessionFacts;
  /** What the CPO charges for this session, in the ruleset currency (for markups and scripts). */
  purchaseCost?: AmountJson;
}

/** A decimal number written as a string ("7.2"): how quantities and amounts travel as JSON. */
export const decimalString = z
  .string()
  .regex(DECIMAL_PATTERN, { error: 'expected a decimal number as a string ("7.2")' });

export const sessionFactsSchema: z.ZodType<SessionFacts> = z.strictObject({
  cpo: z
    .strictObject({
      countryCode: z.string().regex(/^[A-Za-z]{2}$/, { error: "expected an ISO 3166 alpha-2 code" }),
      partyId: z.string().regex(/^[A-Za-z0-9]{3}$/, { error: "expected a 3-character party id" }),
    })
    .optional(),
  cpoTariffCode: z.string().min(1).optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, { error: "expected an ISO 3166 alpha-2 code" })
    .optional(),
  powerType: z.enum(POWER_TYPES).optional(),
  maxPowerKw: decimalString.optional(),
  token: z
    .strictObject({
      type: z.enum(TOKEN_TYPES).optional(),
      contractId: z.string().min(1).optional(),
      uid: z.string().min(1).optional(),
    })
    .optional(),
  product: z.string().min(1).optional(),
  subscription: z.string().min(1).optional(),
  locationId: z.string().min(1).optional(),
  evseId: z.string().min(1).optional(),
  idleSeconds: z.number().nonnegative().optional(),
  custom: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

export const amountJsonSchema: z.ZodType<AmountJson> = z.strictObject({
  exclVat: decimalString,
  inclVat: decimalString.optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// The JSON form of a charge session.

/** One charging period: its start and what was measured in it (decimal strings; units in the names). */
export interface ChargingPeriodJson {
  /** ISO 8601 instant. */
  start: string;
  /** The tariff id of the period, when a source gives one. */
  tariffId?: string;
  energyKwh?: string;
  currentA?: string;
  minCurrentA?: string;
  maxCurrentA?: string;
  powerKw?: string;
  minPowerKw?: string;
  maxPowerKw?: string;
  stateOfCharge?: string;
  /** Charging time in the period, hours (as OCPI TIME). */
  timeHours?: string;
  /** Parking time in the period, hours (as OCPI PARKING_TIME). */
  parkingHours?: string;
  /** Reservation time in the period, hours. */
  reservationHours?: string;
}

/** A charge session in JSON. */
export interface ChargeSessionJson {
  id?: string;
  /** ISO 8601 instants. */
  start: string;
  end: string;
  currency?: string;
  /** IANA zone of the location ("Europe/Amsterdam"). */
  timeZone?: string;
  /** ISO 3166-1 alpha-2. */
  countryCode?: string;
  chargingPeriods: ChargingPeriodJson[];
  reservationExpired?: boolean;
  /** Totals as a source reported them (kWh, hours, amounts excl. VAT). */
  reported?: { energyKwh?: string; timeHours?: string; parkingHours?: string; cost?: AmountJson };
}

/** An ISO 8601 instant with its offset. */
export const isoInstant = z.iso.datetime({
  offset: true,
  error: "expected an ISO 8601 instant (2025-01-01T08:00:00Z)",
});

/** One charging period as JSON (the normalized session's and the rules' input alike). */
export const chargingPeriodJsonSchema = z.strictObject({
  start: isoInstant,
  tariffId: z.string().optional(),
  energyKwh: decimalString.optional(),
  currentA: decimalString.optional(),
  minCurrentA: decimalString.optional(),
  maxCurrentA: decimalString.optional(),
  powerKw: decimalString.optional(),
  minPowerKw: decimalString.optional(),
  maxPowerKw: decimalString.optional(),
  stateOfCharge: decimalString.optional(),
  timeHours: decimalString.optional(),
  parkingHours: decimalString.optional(),
  reservationHours: decimalString.optional(),
});

export const chargeSessionJsonSchema: z.ZodType<ChargeSessionJson> = z.strictObject({
  id: z.string().optional(),
  start: isoInstant,
  end: isoInstant,
  currency: z.string().optional(),
  timeZone: z.string().optional(),
  countryCode: z.string().optional(),
  chargingPeriods: z.array(chargingPeriodJsonSchema),
  reservationExpired: z.boolean().optional(),
  reported: z
    .strictObject({
      energyKwh: decimalString.optional(),
      timeHours: decimalString.optional(),
      parkingHours: decimalString.optional(),
      cost: amountJsonSchema.optional(),
    })
    .optional(),
});

/** The normalized session of its JSON form (validated by `chargeSessionJsonSchema`). */
export function sessionFromJson(json: ChargeSessionJson): ChargeSession {
  const periods: ChargingPeriod[] = json.chargingPeriods.map((p) => {
    const d: ChargingPeriodDimensions = {};
    if (p.energyKwh !== undefined) d.energy = Energy.kwh(p.energyKwh);
    if (p.currentA !== undefined) d.current = Current.a(p.currentA);
    if (p.minCurrentA !== undefined) d.minCurrent = Current.a(p.minCurrentA);
    if (p.maxCurrentA !== undefined) d.maxCurrent = Current.a(p.maxCurrentA);
    if (p.powerKw !== undefined) d.power = Power.kw(p.powerKw);
    if (p.minPowerKw !== undefined) d.minPower = Power.kw(p.minPowerKw);
    if (p.maxPowerKw !== undefined) d.maxPower = Power.kw(p.maxPowerKw);
    if (p.stateOfCharge !== undefined) d.stateOfCharge = dec(p.stateOfCharge);
    if (p.timeHours !== undefined) d.time = Duration.hours(p.timeHours);
    if (p.parkingHours !== undefined) d.parkingTime = Duration.hours(p.parkingHours);
    if (p.reservationHours !== undefined) d.reservationTime = Duration.hours(p.reservationHours);
    const period: ChargingPeriod = { start: new Date(p.start), dimensions: d };
    if (p.tariffId !== undefined) period.tariffId = p.tariffId;
    return period;
  });
  const session: ChargeSession = { start: new Date(json.start), end: new Date(json.end), chargingPeriods: periods };
  if (json.id !== undefined) session.id = json.id;
  if (json.currency !== undefined) session.currency = json.currency;
  if (json.timeZone !== undefined) session.timeZone = json.timeZone;
  if (json.countryCode !== undefined) session.countryCode = json.countryCode;
  if (json.reservationExpired !== undefined) session.reservationExpired = json.reservationExpired;
  if (json.reported !== undefined) {
    const r = json.reported;
    const totals: ReportedTotals = {};
    if (r.energyKwh !== undefined) totals.energy = Energy.kwh(r.energyKwh);
    if (r.timeHours !== undefined) totals.time = Duration.hours(r.timeHours);
    if (r.parkingHours !== undefined) totals.parkingTime = Duration.hours(r.parkingHours);
    if (r.cost !== undefined) {
      totals.cost =
        r.cost.inclVat === undefined
          ? { exclVat: dec(r.cost.exclVat) }
          : { exclVat: dec(r.cost.exclVat), inclVat: dec(r.cost.inclVat) };
    }
    session.reportedTotals = totals;
  }
  return session;
}

/** The JSON form of a normalized session (the fields `sessionFromJson` reads). */
export function sessionToJson(session: ChargeSession): ChargeSessionJson {
  const json: ChargeSessionJson = {
    start: session.start.toISOString(),
    end: session.end.toISOString(),
    chargingPeriods: session.chargingPeriods.map((p) => {
      const d = p.dimensions;
      const out: ChargingPeriodJson = { start: p.start.toISOString() };
      if (p.tariffId !== undefined) out.tariffId = p.tariffId;
      if (d.energy) out.energyKwh = d.energy.kwh.toString();
      if (d.current) out.currentA = d.current.a.toString();
      if (d.minCurrent) out.minCurrentA = d.minCurrent.a.toString();
      if (d.maxCurrent) out.maxCurrentA = d.maxCurrent.a.toString();
      if (d.power) out.powerKw = d.power.kw.toString();
      if (d.minPower) out.minPowerKw = d.minPower.kw.toString();
      if (d.maxPower) out.maxPowerKw = d.maxPower.kw.toString();
      if (d.stateOfCharge) out.stateOfCharge = d.stateOfCharge.toString();
      if (d.time) out.timeHours = d.time.hours.toString();
      if (d.parkingTime) out.parkingHours = d.parkingTime.hours.toString();
      if (d.reservationTime) out.reservationHours = d.reservationTime.hours.toString();
      return out;
    }),
  };
  if (session.id !== undefined) json.id = session.id;
  if (session.currency !== undefined) json.currency = session.currency;
  if (session.timeZone !== undefined) json.timeZone = session.timeZone;
  if (session.countryCode !== undefined) json.countryCode = session.countryCode;
  if (session.reservationExpired !== undefined) json.reservationExpired = session.reservationExpired;
  const r = session.reportedTotals;
  if (r) {
    const reported: NonNullable<ChargeSessionJson["reported"]> = {};
    if (r.energy) reported.energyKwh = r.energy.kwh.toString();
    if (r.time) reported.timeHours = r.time.hours.toString();
    if (r.parkingTime) reported.parkingHours = r.parkingTime.hours.toString();
    if (r.cost) {
      reported.cost = { exclVat: r.cost.exclVat.toString() };
      if (r.cost.inclVat !== undefined) reported.cost.inclVat = r.cost.inclVat.toString();
    }
    json.reported = reported;
  }
  return json;
}
