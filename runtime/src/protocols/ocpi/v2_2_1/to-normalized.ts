// OCPI 2.2.1 → the normalized tariff and charge session models.
import {
  type ChargeSession,
  type ChargingPeriod,
  Current,
  currency,
  Duration,
  Energy,
  type PriceComponent as NormalizedPriceComponent,
  type TariffRestrictions as NormalizedRestrictions,
  type Tariff as NormalizedTariff,
  Power,
  type ReportedTotals,
} from "@voltrate/sdk";
import { ocpiInstant } from "../common/fields.ts";
import type { ParseIssue } from "../common/issues.ts";
import { countryAlpha2, defined, isIanaTimeZone, type Mapped, mapDimensions, priceOf } from "../common/normalize.ts";
import type { Cdr, ChargingPeriod as WireChargingPeriod } from "./cdr.ts";
import type { Session } from "./session.ts";
import type { PriceComponent, Tariff, TariffRestrictions } from "./tariff.ts";

function restrictionsToNormalized(r: TariffRestrictions): NormalizedRestrictions {
  return defined<NormalizedRestrictions>({
    startTime: r.start_time,
    endTime: r.end_time,
    startDate: r.start_date,
    endDate: r.end_date,
    minEnergy: r.min_kwh && Energy.kwh(r.min_kwh),
    maxEnergy: r.max_kwh && Energy.kwh(r.max_kwh),
    minCurrent: r.min_current && Current.a(r.min_current),
    maxCurrent: r.max_current && Current.a(r.max_current),
    minPower: r.min_power && Power.kw(r.min_power),
    maxPower: r.max_power && Power.kw(r.max_power),
    minDuration: r.min_duration === undefined ? undefined : Duration.seconds(String(r.min_duration)),
    maxDuration: r.max_duration === undefined ? undefined : Duration.seconds(String(r.max_duration)),
    daysOfWeek: r.day_of_week && [...r.day_of_week],
    reservation: r.reservation,
  });
}

function componentToNormalized(pc: PriceComponent): NormalizedPriceComponent {
  // step_size stays in OCPI units (Wh for ENERGY, seconds for TIME/PARKING_TIME); an absent vat stays absent.
  return defined<NormalizedPriceComponent>({
    dimension: pc.type,
    price: pc.price,
    vatPercent: pc.vat,
    stepSize: pc.step_size,
  });
}

/** A parsed OCPI 2.2.1 Tariff as the normalized tariff. */
export function tariffToNormalized(t: Tariff): NormalizedTariff {
  return defined<NormalizedTariff>({
    id: t.id,
    countryCode: t.country_code,
    partyId: t.party_id,
    currency: currency(t.currency),
    type: t.type,
    minPrice: t.min_price && priceOf(t.min_price),
    maxPrice: t.max_price && priceOf(t.max_price),
    validFrom: t.start_date_time === undefined ? undefined : ocpiInstant(t.start_date_time),
    validTo: t.end_date_time === undefined ? undefined : ocpiInstant(t.end_date_time),
    elements: t.elements.map((e) =>
      defined({
        components: e.price_components.map(componentToNormalized),
        restrictions: e.restrictions && restrictionsToNormalized(e.restrictions),
      }),
    ),
    lastUpdated: t.last_updated === undefined ? undefined : ocpiInstant(t.last_updated),
  });
}

/** Maps charging periods, keeping their order; periods out of chronological order are sorted, with a warning. */
export function chargingPeriodsToNormalized(
  periods: readonly { start_date_time: string; dimensions: WireChargingPeriod["dimensions"]; tariff_id?: string }[],
): Mapped<ChargingPeriod[]> {
  const warnings: ParseIssue[] = [];
  const mapped = periods.map((p, i) => {
    const dims = mapDimensions(p.dimensions, `charging_periods[${i}].dimensions`);
    warnings.push(...dims.warnings);
    return defined<ChargingPeriod>({
      start: ocpiInstant(p.start_date_time),
      dimensions: dims.value,
      tariffId: p.tariff_id,
    });
  });
  const sorted = mapped.every((p, i) => i === 0 || mapped[i - 1]!.start.getTime() <= p.start.getTime());
  if (!sorted) {
    warnings.push({ path: "charging_periods", message: "periods are not in chronological order; sorted by start" });
    mapped.sort((a, b) => a.start.getTime() - b.start.getTime());
  }
  return { value: mapped, warnings };
}

/** Where a session lies: its time zone (IANA) and alpha-2 country, from a location's `time_zone` and `country`. */
export function placeOf(
  location: { time_zone?: string; country?: string } | undefined,
  path: string,
): Mapped<{ timeZone?: string; countryCode?: string }> {
  const warnings: ParseIssue[] = [];
  let timeZone: string | undefined;
  let countryCode: string | undefined;
  if (location?.time_zone !== undefined) {
    if (isIanaTimeZone(location.time_zone)) timeZone = location.time_zone;
    else
      warnings.push({ path: `${path}.time_zone`, message: `unknown IANA time zone "${location.time_zone}" ignored` });
  }
  if (location?.country !== undefined) {
    countryCode = countryAlpha2(location.country);
    if (countryCode === undefined) {
      warnings.push({ path: `${path}.country`, message: `unknown ISO 3166 country "${location.country}" ignored` });
    }
  }
  return { value: defined({ timeZone, countryCode }), warnings };
}

function reportedTotals(cdr: Cdr): ReportedTotals {
  return defined<ReportedTotals>({
    energy: cdr.total_energy && Energy.kwh(cdr.total_energy),
    time: cdr.total_time && Duration.hours(cdr.total_time),
    parkingTime: cdr.total_parking_time && Duration.hours(cdr.total_parking_time),
    cost: cdr.total_cost && priceOf(cdr.total_cost),
    fixedCost: cdr.total_fixed_cost && priceOf(cdr.total_fixed_cost),
    energyCost: cdr.total_energy_cost && priceOf(cdr.total_energy_cost),
    timeCost: cdr.total_time_cost && priceOf(cdr.total_time_cost),
    parkingCost: cdr.total_parking_cost && priceOf(cdr.total_parking_cost),
    reservationCost: cdr.total_reservation_cost && priceOf(cdr.total_reservation_cost),
  });
}

/**
 * A parsed OCPI 2.2.1 CDR as the normalized charge session: instants from the UTC timestamps, volumes as typed
 * quantities (kWh → Energy, hours → Duration, A → Current, kW → Power), `cdr_location.time_zone` (an extension in
 * 2.2.1) → `timeZone`, `cdr_location.country` (alpha-3) → `countryCode` (alpha-2), and the CDR's own totals as
 * `reportedTotals`.
 */
export function cdrToNormalizedSession(cdr: Cdr): Mapped<ChargeSession> {
  const periods = chargingPeriodsToNormalized(cdr.charging_periods);
  const place = placeOf(cdr.cdr_location, "cdr_location");
  const totals = reportedTotals(cdr);
  const session = defined<ChargeSession>({
    id: cdr.id,
    start: ocpiInstant(cdr.start_date_time),
    end: ocpiInstant(cdr.end_date_time),
    currency: cdr.currency,
    ...place.value,
    chargingPeriods: periods.value,
    reportedTotals: Object.keys(totals).length > 0 ? totals : undefined,
  });
  return { value: session, warnings: [...periods.warnings, ...place.warnings] };
}

/**
 * A parsed OCPI 2.2.1 Session as the normalized charge session. A session that has not ended is priced up to
 * `asOf`; without `asOf` it cannot be mapped (an error naming `end_date_time`). The reported `kwh` and `total_cost`
 * become the reported totals.
 */
export function sessionToNormalized(
  s: Session,
  options: { asOf?: Date } = {},
): { ok: true; value: ChargeSession; warnings: ParseIssue[] } | { ok: false; errors: ParseIssue[] } {
  const end = s.end_date_time === undefined ? options.asOf : ocpiInstant(s.end_date_time);
  if (end === undefined) {
    return {
      ok: false,
      errors: [{ path: "end_date_time", message: "the session has not ended: give the instant to price it up to" }],
    };
  }
  const periods = chargingPeriodsToNormalized(s.charging_periods ?? []);
  const totals = defined<ReportedTotals>({
    energy: s.kwh && Energy.kwh(s.kwh),
    cost: s.total_cost && priceOf(s.total_cost),
  });
  const session = defined<ChargeSession>({
    id: s.id,
    start: ocpiInstant(s.start_date_time),
    end,
    currency: s.currency,
    chargingPeriods: periods.value,
    reportedTotals: Object.keys(totals).length > 0 ? totals : undefined,
  });
  return { ok: true, value: session, warnings: periods.warnings };
}
