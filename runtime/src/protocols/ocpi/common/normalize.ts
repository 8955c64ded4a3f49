// Helpers shared by the version mappers: dimension volumes to typed quantities, countries, time zones.
import {
  type ChargingPeriodDimensions,
  Current,
  type Dec,
  Duration,
  Energy,
  Power,
  type PriceLimit,
  type ReportedCost,
} from "@voltrate/sdk";
import countries from "i18n-iso-countries/index.js";
import type { ParseIssue } from "./issues.ts";

/** A mapper's output with the warnings it produced. */
export interface Mapped<T> {
  value: T;
  warnings: ParseIssue[];
}

type Setter = (d: ChargingPeriodDimensions, volume: Dec) => void;

/** How each OCPI CdrDimensionType (2.2.1 and 2.1.1) lands in the normalized dimensions. */
const DIMENSION_SETTERS: Record<string, { key: keyof ChargingPeriodDimensions; set: Setter }> = {
  ENERGY: { key: "energy", set: (d, v) => (d.energy = Energy.kwh(v)) },
  ENERGY_IMPORT: { key: "energyImport", set: (d, v) => (d.energyImport = Energy.kwh(v)) },
  ENERGY_EXPORT: { key: "energyExport", set: (d, v) => (d.energyExport = Energy.kwh(v)) },
  CURRENT: { key: "current", set: (d, v) => (d.current = Current.a(v)) },
  MIN_CURRENT: { key: "minCurrent", set: (d, v) => (d.minCurrent = Current.a(v)) },
  MAX_CURRENT: { key: "maxCurrent", set: (d, v) => (d.maxCurrent = Current.a(v)) },
  POWER: { key: "power", set: (d, v) => (d.power = Power.kw(v)) },
  MIN_POWER: { key: "minPower", set: (d, v) => (d.minPower = Power.kw(v)) },
  MAX_POWER: { key: "maxPower", set: (d, v) => (d.maxPower = Power.kw(v)) },
  STATE_OF_CHARGE: { key: "stateOfCharge", set: (d, v) => (d.stateOfCharge = v) },
  TIME: { key: "time", set: (d, v) => (d.time = Duration.hours(v)) },
  PARKING_TIME: { key: "parkingTime", set: (d, v) => (d.parkingTime = Duration.hours(v)) },
  RESERVATION_TIME: { key: "reservationTime", set: (d, v) => (d.reservationTime = Duration.hours(v)) },
};

/**
 * Maps a charging period's CdrDimensions (kWh, hours, A, kW, %) to typed quantities. Unknown types and the 2.1.1 FLAT
 * dimension are skipped with a warning; for a type given twice the first volume is kept.
 */
export function mapDimensions(
  dimensions: readonly { type: string; volume: Dec }[],
  path: string,
): Mapped<ChargingPeriodDimensions> {
  const out: ChargingPeriodDimensions = {};
  const warnings: ParseIssue[] = [];
  dimensions.forEach((dimension, i) => {
    const at = `${path}[${i}].type`;
    if (dimension.type === "FLAT") {
      warnings.push({ path: at, message: "FLAT dimension ignored (a FLAT price applies once per session)" });
      return;
    }
    const setter = DIMENSION_SETTERS[dimension.type];
    if (!setter) {
      warnings.push({ path: at, message: `unknown dimension type "${dimension.type}" ignored` });
      return;
    }
    if (out[setter.key] !== undefined) {
      warnings.push({ path: at, message: `second ${dimension.type} dimension in the same period ignored` });
      return;
    }
    setter.set(out, dimension.volume);
  });
  return { value: out, warnings };
}

/**
 * The ISO 3166-1 alpha-2 code of an OCPI country: Location/CdrLocation `country` is alpha-3 ("BEL" → "BE"); an
 * alpha-2 code (seen in the wild and in the 2.1.1 CDR example) is accepted as is. Undefined when unknown.
 */
export function countryAlpha2(country: string): string | undefined {
  const upper = country.trim().toUpperCase();
  if (/^[A-Z]{3}$/.test(upper)) return countries.alpha3ToAlpha2(upper);
  if (/^[A-Z]{2}$/.test(upper) && countries.isValid(upper)) return upper;
  return undefined;
}

/** True when `zone` is an IANA time zone name this runtime knows (e.g. "Europe/Brussels"). */
export function isIanaTimeZone(zone: string): boolean {
  if (!zone.includes("/") && zone !== "UTC") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An OCPI Price as a normalized price limit / reported cost (incl_vat only when given). */
export function priceOf(price: { excl_vat: Dec; incl_vat?: Dec }): PriceLimit & ReportedCost {
  return price.incl_vat === undefined
    ? { exclVat: price.excl_vat }
    : { exclVat: price.excl_vat, inclVat: price.incl_vat };
}

/** Copies the defined entries of `source` (so that absent values stay absent, not `undefined`-valued keys). */
export function defined<T extends object>(source: T): T {
  return Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined)) as T;
}
