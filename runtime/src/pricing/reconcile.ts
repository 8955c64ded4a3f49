// Reconciliation: a CDR's own totals against our recomputation, with the most likely reason for a difference.
// Each explanation is tested by re-pricing under one changed assumption and checking whether the difference
// disappears (within the tolerance).
import {
  type ChargeSession,
  type Dec,
  Dec as DecCtor,
  minorUnits,
  type ReportedTotals,
  type Tariff,
} from "@voltrate/sdk";
import { getTimezonesForCountry } from "countries-and-timezones";
import { PricingError } from "./errors.ts";
import { type PriceOptions, priceSession } from "./price.ts";
import { type PricingProfile, type RestrictionName, resolveProfile } from "./profile.ts";
import type { Cost, PricingResult } from "./result.ts";

/** How a difference is explained, from most to least benign. */
export type ReconciliationKind = "none" | "rounding" | "step-size" | "time-zone" | "restriction" | "unknown";

export interface ReconcileOptions extends PriceOptions {
  /** The totals to check; default `session.reportedTotals`. `cost` (total_cost) is required. */
  reported?: ReportedTotals;
  /** The largest difference still called rounding, per amount. Default: one minor unit (0.01 EUR, 1 JPY). */
  tolerance?: Dec;
  /** Further zones to try for a time-zone explanation (UTC and the country's zones are always tried). */
  candidateTimeZones?: string[];
}

/** A CDR total compared: reported minus computed. */
export interface ComparedTotal {
  name:
    | "total_cost"
    | "total_fixed_cost"
    | "total_energy_cost"
    | "total_time_cost"
    | "total_parking_cost"
    | "total_reservation_cost";
  reported: Cost;
  computed: Cost;
  /** reported − computed; inclVat undefined when either side lacks it. */
  difference: Cost;
}

export interface Explanation {
  kind: Exclude<ReconciliationKind, "none" | "rounding" | "unknown">;
  /** What was changed to reproduce the reported total. */
  description: string;
  /** The alternative assumption, machine-readable. */
  change:
    | { applyStepSize: boolean }
    | { timeStepSize: PricingProfile["timeStepSize"] }
    | { timeZone: string }
    | { ignoreRestrictions: RestrictionName[] };
  /** Our total under that assumption. */
  computed: Cost;
  /** Reported minus that total. */
  residual: Cost;
}

export interface Reconciliation {
  kind: ReconciliationKind;
  /** One sentence for humans. */
  summary: string;
  currency: string;
  tolerance: Dec;
  /** total_cost and every other total the CDR reported. */
  totals: ComparedTotal[];
  /** reported total_cost − computed total_cost. */
  difference: Cost;
  /** Set for step-size, time-zone and restriction. */
  explanation?: Explanation;
  /** Our pricing with the requested options. */
  result: PricingResult;
}

const RESTRICTION_GROUPS: { names: RestrictionName[]; label: string }[] = [
  { names: ["startTime", "endTime"], label: "start_time/end_time" },
  { names: ["startDate", "endDate"], label: "start_date/end_date" },
  { names: ["daysOfWeek"], label: "day_of_week" },
  { names: ["minEnergy"], label: "min_kwh" },
  { names: ["maxEnergy"], label: "max_kwh" },
  { names: ["minCurrent"], label: "min_current" },
  { names: ["maxCurrent"], label: "max_current" },
  { names: ["minPower"], label: "min_power" },
  { names: ["maxPower"], label: "max_power" },
  { names: ["minDuration"], label: "min_duration" },
  { names: ["maxDuration"], label: "max_duration" },
  { names: ["reservation"], label: "reservation" },
];

/** Compares the reported totals of `session` with our pricing and classifies the difference. */
export function reconcile(
  session: ChargeSession,
  tariffs: readonly Tariff[],
  options: ReconcileOptions = {},
): Reconciliation {
  const reported = options.reported ?? session.reportedTotals;
  if (!reported?.cost) throw new PricingError("INVALID_SESSION", "reconcile needs a reported total_cost");
  const reportedCost = reported.cost;
  const result = priceSession(session, tariffs, options);
  const currency = result.currency;
  const tolerance = options.tolerance ?? new DecCtor(1).div(new DecCtor(10).pow(minorUnits(currency)));
  const totals = compareTotals(reported, result);
  const difference = diff(reportedCost, result.amounts.total);
  const base = { currency, tolerance, totals, difference, result };
  const money = (d: Dec) => `${d.toFixed(Math.max(2, minorUnits(currency)))} ${currency}`;

  if (difference.exclVat.isZero() && (difference.inclVat === undefined || difference.inclVat.isZero())) {
    return { ...base, kind: "none", summary: "the reported total_cost equals ours" };
  }
  if (within(difference, tolerance)) {
    return {
      ...base,
      kind: "rounding",
      summary: `the totals differ by ${money(difference.exclVat)} excl. VAT, within the rounding tolerance of ${money(tolerance)}`,
    };
  }

  const profile = resolveProfile(options.profile);
  const attempt = (overrides: Partial<PricingProfile>, timeZone?: string): Cost | undefined => {
    try {
      const alt = priceSession(session, tariffs, {
        timeZone: timeZone ?? options.timeZone,
        profile: { ...profile, ...overrides, name: `${profile.name}+reconcile` },
        trace: false,
      });
      return alt.amounts.total;
    } catch {
      return undefined;
    }
  };
  const explained = (
    kind: Explanation["kind"],
    description: string,
    change: Explanation["change"],
    computed: Cost | undefined,
  ): Reconciliation | undefined => {
    if (!computed) return undefined;
    const residual = diff(reportedCost, computed);
    if (!within(residual, tolerance)) return undefined;
    return {
      ...base,
      kind,
      summary: `the reported total_cost differs by ${money(difference.exclVat)} excl. VAT; ${description} reproduces it`,
      explanation: { kind, description, change, computed, residual },
    };
  };

  // 1. step_size.
  const stepOff = !profile.applyStepSize;
  const stepAlternatives: [string, Explanation["change"], Partial<PricingProfile>][] = [
    [stepOff ? "applying step_size" : "not applying step_size", { applyStepSize: stepOff }, { applyStepSize: stepOff }],
  ];
  const otherMode = profile.timeStepSize === "per-dimension" ? "parking-only-when-both" : "per-dimension";
  stepAlternatives.push([
    `applying the TIME/PARKING_TIME step_size ${otherMode === "per-dimension" ? "to each dimension" : "to parking only when both are used"}`,
    { timeStepSize: otherMode },
    { timeStepSize: otherMode, applyStepSize: true },
  ]);
  for (const [description, change, overrides] of stepAlternatives) {
    const found = explained("step-size", description, change, attempt(overrides));
    if (found) return found;
  }

  // 2. time zone.
  if (result.timeZone) {
    const zones = new Set<string>(["UTC", ...(options.candidateTimeZones ?? [])]);
    if (session.countryCode) {
      for (const z of getTimezonesForCountry(session.countryCode.toUpperCase()) ?? []) zones.add(z.name);
    }
    zones.delete(result.timeZone);
    for (const zone of zones) {
      const found = explained(
        "time-zone",
        `pricing in time zone ${zone} instead of ${result.timeZone}`,
        { timeZone: zone },
        attempt({}, zone),
      );
      if (found) return found;
    }
  }

  // 3. restrictions.
  const present = presentRestrictions(tariffs.filter((t) => result.tariffIds.includes(t.id)));
  for (const group of RESTRICTION_GROUPS) {
    if (!group.names.some((n) => present.has(n))) continue;
    const ignore = [...new Set([...profile.ignoreRestrictions, ...group.names])];
    const found = explained(
      "restriction",
      `ignoring the ${group.label} restriction`,
      { ignoreRestrictions: group.names },
      attempt({ ignoreRestrictions: ignore }),
    );
    if (found) return found;
  }

  return {
    ...base,
    kind: "unknown",
    summary: `the reported total_cost differs by ${money(difference.exclVat)} excl. VAT and no single alternative explains it`,
  };
}

function diff(reported: Cost, computed: Cost): Cost {
  return {
    exclVat: reported.exclVat.minus(computed.exclVat),
    inclVat:
      reported.inclVat === undefined || computed.inclVat === undefined
        ? undefined
        : reported.inclVat.minus(computed.inclVat),
  };
}

function within(d: Cost, tolerance: Dec): boolean {
  return d.exclVat.abs().lte(tolerance) && (d.inclVat === undefined || d.inclVat.abs().lte(tolerance));
}

function compareTotals(reported: ReportedTotals, result: PricingResult): ComparedTotal[] {
  const pairs: [ComparedTotal["name"], Cost | undefined, Cost][] = [
    ["total_cost", reported.cost, result.amounts.total],
    ["total_fixed_cost", reported.fixedCost, result.amounts.fixed],
    ["total_energy_cost", reported.energyCost, result.amounts.energy],
    ["total_time_cost", reported.timeCost, result.amounts.time],
    ["total_parking_cost", reported.parkingCost, result.amounts.parking],
    ["total_reservation_cost", reported.reservationCost, result.amounts.reservation],
  ];
  const out: ComparedTotal[] = [];
  for (const [name, rep, computed] of pairs) {
    if (rep) out.push({ name, reported: rep, computed, difference: diff(rep, computed) });
  }
  return out;
}

function presentRestrictions(tariffs: readonly Tariff[]): Set<RestrictionName> {
  const present = new Set<RestrictionName>();
  for (const t of tariffs) {
    for (const e of t.elements) {
      const r = e.restrictions;
      if (!r) continue;
      for (const [key, value] of Object.entries(r)) {
        if (value !== undefined && !(Array.isArray(value) && value.length === 0)) present.add(key as RestrictionName);
      }
    }
  }
  return present;
}
