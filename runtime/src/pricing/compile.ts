// Tariffs compiled once (cached per Tariff object) into plain numbers where that is exact: local times as minutes,
// dates as yyyymmdd numbers, durations as integer milliseconds, weekdays as a bit mask. Energy, current and power
// thresholds stay decimal.
import {
  DAYS_OF_WEEK,
  Dec,
  type PriceComponent,
  type Tariff,
  type TariffDimension,
  type TariffElement,
  type TariffRestrictions,
} from "@voltrate/sdk";
import { PricingError } from "./errors.ts";
import { flatAmount, toScaledExact, vatNumerator } from "./fixed.ts";
import type { RestrictionName } from "./profile.ts";

export interface CompiledComponent {
  source: PriceComponent;
  index: number;
  dimension: TariffDimension;
  price: Dec;
  /** The price, scaled (units of 10^-12; see ./fixed.ts). */
  priceScaled: bigint;
  /** The VAT numerator (100 + vat) × 10^6, or undefined when no VAT is given. */
  vatNum: bigint | undefined;
  /** The price and VAT as trace text ("0.25", "20%" or "not given"). */
  priceText: string;
  vatText: string;
  /** step_size in Wh (ENERGY) or seconds (time); ≥ 1. */
  step: number;
}

export interface CompiledRestrictions {
  startMinute?: number;
  endMinute?: number;
  startDate?: number;
  endDate?: number;
  /** Energy thresholds in scaled Wh. */
  minWh?: bigint;
  maxWh?: bigint;
  /** Current thresholds in scaled A. */
  minCurrent?: bigint;
  maxCurrent?: bigint;
  /** Power thresholds in scaled kW. */
  minPowerKw?: bigint;
  maxPowerKw?: bigint;
  minDurationMs?: number;
  maxDurationMs?: number;
  /** Bit i set = ISO weekday i (0 = Monday) allowed; undefined = every day. */
  dayMask?: number;
  reservation?: "RESERVATION" | "RESERVATION_EXPIRES";
}

export interface CompiledElement {
  source: TariffElement;
  index: number;
  restrictions: CompiledRestrictions;
  /** The first component of each dimension in this element. */
  byDimension: Partial<Record<TariffDimension, CompiledComponent>>;
  /** Whether any local-time restriction (time, date, weekday) is present. */
  local: boolean;
}

export interface CompiledTariff {
  source: Tariff;
  id: string;
  elements: CompiledElement[];
  /** Elements without a reservation restriction (they price charging and parking). */
  sessionElements: CompiledElement[];
  /** RESERVATION elements (price a reservation that was followed by charging). */
  reservationElements: CompiledElement[];
  /** RESERVATION_EXPIRES elements first, then RESERVATION elements (price an expired reservation). */
  expiredReservationElements: CompiledElement[];
  /** Sorted distinct minute-of-day values where a time window starts or ends. */
  boundaryMinutes: number[];
  /** Whether local midnight is a boundary (date or weekday restrictions, or a window ending at 00:00). */
  midnightBoundary: boolean;
  /** Sorted distinct min/max_duration thresholds (ms). */
  durationThresholds: number[];
  /** Sorted distinct min/max_kwh thresholds (scaled Wh). */
  energyThresholds: bigint[];
  /** min_price/max_price as amounts (./fixed.ts). */
  limits: {
    min?: { excl: bigint; incl?: bigint };
    max?: { excl: bigint; incl?: bigint };
  };
  /** Whether local time is needed to evaluate this tariff. */
  needsLocalTime: boolean;
  /** Whether any element restricts on current or power. */
  usesReadings: boolean;
}

const cache = new WeakMap<Tariff, Map<string, CompiledTariff>>();

/** Compiles a tariff (cached per tariff object and set of ignored restrictions). */
export function compileTariff(tariff: Tariff, ignore: readonly RestrictionName[]): CompiledTariff {
  const key = ignore.length === 0 ? "" : [...ignore].sort().join(",");
  let perTariff = cache.get(tariff);
  if (!perTariff) {
    perTariff = new Map();
    cache.set(tariff, perTariff);
  }
  let compiled = perTariff.get(key);
  if (!compiled) {
    compiled = compile(tariff, new Set(ignore));
    perTariff.set(key, compiled);
  }
  return compiled;
}

function compile(tariff: Tariff, ignore: Set<RestrictionName>): CompiledTariff {
  const elements = tariff.elements.map((element, index) => compileElement(tariff, element, index, ignore));
  const minutes = new Set<number>();
  const durations = new Set<number>();
  const energies = new Set<bigint>();
  let midnight = false;
  let usesReadings = false;
  for (const e of elements) {
    const r = e.restrictions;
    if (r.startMinute !== undefined) minutes.add(r.startMinute);
    if (r.endMinute !== undefined) minutes.add(r.endMinute);
    if (r.startDate !== undefined || r.endDate !== undefined || r.dayMask !== undefined) midnight = true;
    if (r.minDurationMs !== undefined) durations.add(r.minDurationMs);
    if (r.maxDurationMs !== undefined) durations.add(r.maxDurationMs);
    if (r.minWh !== undefined) energies.add(r.minWh);
    if (r.maxWh !== undefined) energies.add(r.maxWh);
    for (const reading of [r.minCurrent, r.maxCurrent, r.minPowerKw, r.maxPowerKw]) {
      if (reading !== undefined) usesReadings = true;
    }
  }
  for (const edge of [0, 1440]) {
    if (minutes.has(edge)) {
      minutes.delete(edge);
      midnight = true;
    }
  }
  const sessionElements = elements.filter((e) => e.restrictions.reservation === undefined);
  const reservationElements = elements.filter((e) => e.restrictions.reservation === "RESERVATION");
  const expiring = elements.filter((e) => e.restrictions.reservation === "RESERVATION_EXPIRES");
  return {
    source: tariff,
    id: tariff.id,
    elements,
    sessionElements,
    reservationElements,
    expiredReservationElements: [...expiring, ...reservationElements],
    boundaryMinutes: [...minutes].sort((a, b) => a - b),
    midnightBoundary: midnight,
    durationThresholds: [...durations].sort((a, b) => a - b),
    energyThresholds: [...energies].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    limits: {
      min: limitOf(tariff.minPrice, `tariff ${tariff.id} min_price`),
      max: limitOf(tariff.maxPrice, `tariff ${tariff.id} max_price`),
    },
    needsLocalTime: elements.some((e) => e.local),
    usesReadings,
  };
}

function compileElement(
  tariff: Tariff,
  element: TariffElement,
  index: number,
  ignore: Set<RestrictionName>,
): CompiledElement {
  const byDimension: Partial<Record<TariffDimension, CompiledComponent>> = {};
  element.components.forEach((c, i) => {
    if (byDimension[c.dimension]) return;
    if (!Number.isFinite(c.stepSize) || c.stepSize < 0) {
      throw new PricingError("INVALID_TARIFF", `tariff ${tariff.id} element ${index}: step_size ${c.stepSize}`);
    }
    byDimension[c.dimension] = {
      source: c,
      index: i,
      dimension: c.dimension,
      price: new Dec(c.price),
      priceScaled: toScaledExact(c.price, `tariff ${tariff.id} element ${index} price`),
      priceText: c.price.toString(),
      vatText: c.vatPercent === undefined ? "not given" : `${c.vatPercent.toString()}%`,
      vatNum:
        c.vatPercent === undefined ? undefined : vatNumerator(c.vatPercent, `tariff ${tariff.id} element ${index}`),
      step: Math.max(1, Math.ceil(c.stepSize)),
    };
  });
  const restrictions = compileRestrictions(tariff, index, element.restrictions, ignore);
  const r = restrictions;
  return {
    source: element,
    index,
    restrictions,
    byDimension,
    local:
      r.startMinute !== undefined ||
      r.endMinute !== undefined ||
      r.startDate !== undefined ||
      r.endDate !== undefined ||
      r.dayMask !== undefined,
  };
}

function compileRestrictions(
  tariff: Tariff,
  index: number,
  r: TariffRestrictions | undefined,
  ignore: Set<RestrictionName>,
): CompiledRestrictions {
  const out: CompiledRestrictions = {};
  if (!r) return out;
  const where = `tariff ${tariff.id} element ${index}`;
  if (r.startTime !== undefined && !ignore.has("startTime")) out.startMinute = parseTime(r.startTime, where);
  if (r.endTime !== undefined && !ignore.has("endTime")) out.endMinute = parseTime(r.endTime, where);
  if (r.startDate !== undefined && !ignore.has("startDate")) out.startDate = parseDate(r.startDate, where);
  if (r.endDate !== undefined && !ignore.has("endDate")) out.endDate = parseDate(r.endDate, where);
  if (r.minEnergy && !ignore.has("minEnergy")) out.minWh = toScaledExact(r.minEnergy.wh, `${where} min_kwh`);
  if (r.maxEnergy && !ignore.has("maxEnergy")) out.maxWh = toScaledExact(r.maxEnergy.wh, `${where} max_kwh`);
  if (r.minCurrent && !ignore.has("minCurrent")) out.minCurrent = toScaledExact(r.minCurrent.a, `${where} min_current`);
  if (r.maxCurrent && !ignore.has("maxCurrent")) out.maxCurrent = toScaledExact(r.maxCurrent.a, `${where} max_current`);
  if (r.minPower && !ignore.has("minPower")) out.minPowerKw = toScaledExact(r.minPower.kw, `${where} min_power`);
  if (r.maxPower && !ignore.has("maxPower")) out.maxPowerKw = toScaledExact(r.maxPower.kw, `${where} max_power`);
  if (r.minDuration && !ignore.has("minDuration")) out.minDurationMs = toMs(r.minDuration.seconds);
  if (r.maxDuration && !ignore.has("maxDuration")) out.maxDurationMs = toMs(r.maxDuration.seconds);
  if (r.daysOfWeek && r.daysOfWeek.length > 0 && !ignore.has("daysOfWeek")) {
    let mask = 0;
    for (const day of r.daysOfWeek) {
      const i = DAYS_OF_WEEK.indexOf(day);
      if (i < 0) throw new PricingError("INVALID_TARIFF", `${where}: unknown day_of_week ${day}`);
      mask |= 1 << i;
    }
    out.dayMask = mask;
  }
  // Ignoring the reservation restriction makes a reservation element an ordinary element.
  if (r.reservation && !ignore.has("reservation")) out.reservation = r.reservation;
  return out;
}

function limitOf(limit: Tariff["minPrice"], what: string): { excl: bigint; incl?: bigint } | undefined {
  if (!limit) return undefined;
  return {
    excl: flatAmount(toScaledExact(limit.exclVat, `${what}.excl_vat`)),
    incl: limit.inclVat === undefined ? undefined : flatAmount(toScaledExact(limit.inclVat, `${what}.incl_vat`)),
  };
}

function toMs(seconds: Dec): number {
  return seconds.times(1000).toDecimalPlaces(0).toNumber();
}

const TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const DATE = /^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/** "HH:MM" → minutes since midnight. "24:00" is accepted as 1440 (end of day). */
export function parseTime(value: string, where = "time"): number {
  if (value === "24:00") return 1440;
  const m = TIME.exec(value);
  if (!m) throw new PricingError("INVALID_TARIFF", `${where}: bad time "${value}" (expected HH:MM)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** "YYYY-MM-DD" → yyyymmdd. */
export function parseDate(value: string, where = "date"): number {
  const m = DATE.exec(value);
  if (!m) throw new PricingError("INVALID_TARIFF", `${where}: bad date "${value}" (expected YYYY-MM-DD)`);
  return Number(m[1]) * 10_000 + Number(m[2]) * 100 + Number(m[3]);
}
