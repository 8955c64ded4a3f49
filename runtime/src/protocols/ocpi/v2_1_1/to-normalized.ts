// OCPI 2.1.1 → the normalized tariff and charge session models.
import {
  type ChargeSession,
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
import { defined, type Mapped } from "../common/normalize.ts";
import { chargingPeriodsToNormalized, placeOf } from "../v2_2_1/to-normalized.ts";
import type { Cdr } from "./cdr.ts";
import type { PriceComponent, Tariff, TariffRestrictions } from "./tariff.ts";

/** "24:00" (allowed by the 2.1.1 pattern) is the end of the day, which the normalized model writes "00:00". */
const endOfDay = (time: string | undefined) => (time === "24:00" ? "00:00" : time);

function restrictionsToNormalized(r: TariffRestrictions): NormalizedRestrictions {
  return defined<NormalizedRestrictions>({
    startTime: endOfDay(r.start_time),
    endTime: endOfDay(r.end_time),
    startDate: r.start_date,
    endDate: r.end_date,
    minEnergy: r.min_kwh && Energy.kwh(r.min_kwh),
    maxEnergy: r.max_kwh && Energy.kwh(r.max_kwh),
    minPower: r.min_power && Power.kw(r.min_power),
    maxPower: r.max_power && Power.kw(r.max_power),
    minDuration: r.min_duration === undefined ? undefined : Duration.seconds(String(r.min_duration)),
    maxDuration: r.max_duration === undefined ? undefined : Duration.seconds(String(r.max_duration)),
    daysOfWeek: r.day_of_week && [...r.day_of_week],
  });
}

function componentToNormalized(pc: PriceComponent): NormalizedPriceComponent {
  // 2.1.1 has no VAT on price components: vatPercent stays absent ("not given", not 0 %).
  return { dimension: pc.type, price: pc.price, stepSize: pc.step_size };
}

/** A parsed OCPI 2.1.1 Tariff as the normalized tariff (no VAT, type, price limits or validity period in 2.1.1). */
export function tariffToNormalized(t: Tariff): NormalizedTariff {
  return defined<NormalizedTariff>({
    id: t.id,
    currency: currency(t.currency),
    elements: t.elements.map((e) =>
      defined({
        components: e.price_components.map(componentToNormalized),
        restrictions: e.restrictions && restrictionsToNormalized(e.restrictions),
      }),
    ),
    lastUpdated: t.last_updated === undefined ? undefined : ocpiInstant(t.last_updated),
  });
}

/**
 * A parsed OCPI 2.1.1 CDR as the normalized charge session: `stop_date_time` → end, `location.time_zone` → timeZone,
 * `location.country` → countryCode, and the totals (total_cost is excl. VAT in 2.1.1) as reported totals.
 */
export function cdrToNormalizedSession(cdr: Cdr): Mapped<ChargeSession> {
  const periods = chargingPeriodsToNormalized(cdr.charging_periods);
  const place = placeOf(cdr.location, "location");
  const totals = defined<ReportedTotals>({
    energy: cdr.total_energy && Energy.kwh(cdr.total_energy),
    time: cdr.total_time && Duration.hours(cdr.total_time),
    parkingTime: cdr.total_parking_time && Duration.hours(cdr.total_parking_time),
    cost: cdr.total_cost && { exclVat: cdr.total_cost },
  });
  const session = defined<ChargeSession>({
    id: cdr.id,
    start: ocpiInstant(cdr.start_date_time),
    end: ocpiInstant(cdr.stop_date_time),
    currency: cdr.currency,
    ...place.value,
    chargingPeriods: periods.value,
    reportedTotals: Object.keys(totals).length > 0 ? totals : undefined,
  });
  return { value: session, warnings: [...periods.warnings, ...place.warnings] };
}
