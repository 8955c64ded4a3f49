// What the pricer returns: OCPI CDR totals, a per-period breakdown whose lines add up to the totals, price-limit
// adjustments, and a trace explaining every decision.
import type { Dec, Duration, Energy, TariffDimension } from "@voltrate/sdk";
import type { TimeZoneSource } from "./zone.ts";

/** The kind of time a priced period covers. */
export type PeriodKind = "charging" | "parking" | "reservation";

/**
 * The CDR total a line counts towards: FIXED → total_fixed_cost, ENERGY → total_energy_cost, TIME →
 * total_time_cost, PARKING_TIME → total_parking_cost, RESERVATION (reservation TIME and FLAT) →
 * total_reservation_cost.
 */
export type CostCategory = "FIXED" | "ENERGY" | "TIME" | "PARKING_TIME" | "RESERVATION";

/** An amount excluding VAT and, when it can be known, including VAT (undefined = unknown, see missingVat). */
export interface Cost {
  exclVat: Dec;
  inclVat?: Dec;
}

/** One priced quantity: a component of an element of a tariff applied to a quantity of one period. */
export interface PricedLine {
  dimension: TariffDimension;
  category: CostCategory;
  tariffId: string;
  /** Index of the element in the tariff. */
  element: number;
  /** Index of the component in the element. */
  component: number;
  /** The billed quantity: kWh for ENERGY, hours for TIME/PARKING_TIME, 1 for FLAT. */
  quantity: Dec;
  unit: "kWh" | "h" | "fee";
  /** Price per unit excl. VAT. */
  price: Dec;
  /** VAT percentage of the component; undefined when the component gives none. */
  vatPercent?: Dec;
  /** Full-precision amounts. */
  exact: Cost;
  /** The amounts as counted in the totals: rounded when the rounding scope is PER_LINE, else equal to `exact`. */
  cost: Cost;
  /** True for the extra quantity billed because of step_size. */
  stepSize?: boolean;
}

/** A priced part of the session: a charging period, or the part of one between two restriction boundaries. */
export interface PricedPeriod {
  /** Position in the breakdown. */
  index: number;
  /** Index of the session's charging period this part comes from (-1 when the session had no periods). */
  sourcePeriod: number;
  kind: PeriodKind;
  start: Date;
  end: Date;
  /** The tariff that priced this part; undefined when no tariff was relevant (free). */
  tariffId?: string;
  /** Energy attributed to this part. */
  energy: Energy;
  /** Wall-clock length of this part. */
  duration: Duration;
  lines: PricedLine[];
}

/** A min_price/max_price correction of the cost of the lines priced with one tariff. */
export interface PriceLimitAdjustment {
  tariffId: string;
  limit: "min_price" | "max_price";
  /** The tariff's lines before the correction (as counted). */
  before: Cost;
  /** The correction itself (added to total_cost), full precision. */
  exact: Cost;
  /** The correction as counted (rounded when the rounding scope is PER_LINE). */
  cost: Cost;
}

/** An OCPI Price: amounts as strings with 4 decimals; incl_vat omitted when unknown. */
export interface CdrPrice {
  excl_vat: string;
  incl_vat?: string;
}

/** The totals of an OCPI 2.2.1 CDR as this pricer computes them. Quantities are strings with 4 decimals. */
export interface CdrTotals {
  total_cost: CdrPrice;
  total_fixed_cost: CdrPrice;
  /** kWh. */
  total_energy: string;
  total_energy_cost: CdrPrice;
  /** Hours, the whole session (charging and not charging). */
  total_time: string;
  total_time_cost: CdrPrice;
  /** Hours not charging. */
  total_parking_time: string;
  total_parking_cost: CdrPrice;
  total_reservation_cost: CdrPrice;
}

/** Totals as decimals. */
export interface CostTotals {
  total: Cost;
  fixed: Cost;
  energy: Cost;
  time: Cost;
  parking: Cost;
  reservation: Cost;
  /** Sum of min/max price corrections (already included in `total`). */
  priceLimits: Cost;
}

/** The restriction values that held when an element was chosen, keyed by OCPI field name. */
export type HeldRestrictions = Record<string, string>;

export type TraceEntry =
  | { type: "profile"; profile: string }
  | { type: "time-zone"; zone: string; source: TimeZoneSource }
  | { type: "tariff"; sourcePeriod: number; tariffId?: string; reason: string }
  | { type: "split"; sourcePeriod: number; at: string; reasons: string[] }
  | {
      type: "price";
      period: number;
      dimension: TariffDimension;
      tariffId: string;
      element: number;
      component: number;
      quantity: string;
      unit: PricedLine["unit"];
      price: string;
      vat: string;
      exclVat: string;
      held: HeldRestrictions;
    }
  | { type: "free"; period: number; dimension: TariffDimension; tariffId?: string; reason: string }
  | {
      type: "step-size";
      period: number;
      dimension: TariffDimension;
      bucket: "ENERGY" | "TIME" | "PARKING_TIME" | "RESERVATION_TIME";
      tariffId: string;
      element: number;
      stepSize: number;
      unit: "Wh" | "s";
      total: string;
      billed: string;
      extra: string;
      exclVat: string;
    }
  | { type: "step-size-skipped"; bucket: "TIME"; reason: string }
  | {
      type: "price-limit";
      tariffId: string;
      limit: "min_price" | "max_price";
      before: string;
      after: string;
      vat: string;
    }
  | { type: "vat-unknown"; category: CostCategory | "TOTAL"; reason: string }
  | { type: "warning"; message: string };

export interface PricingResult {
  currency: string;
  /** The zone local-time restrictions were evaluated in; undefined when no tariff used needed one. */
  timeZone?: string;
  timeZoneSource?: TimeZoneSource;
  /** Name of the interpretation profile used. */
  profile: string;
  /** Ids of the tariffs that priced at least one period. */
  tariffIds: string[];
  /** OCPI CDR totals (strings, 4 decimals). */
  totals: CdrTotals;
  /** The same totals as decimals, rounded per the profile. */
  amounts: CostTotals;
  /** Unrounded totals: exact sums of the exact line amounts and corrections. */
  exact: CostTotals;
  /** Per-period breakdown, chronological. */
  periods: PricedPeriod[];
  /** min_price/max_price corrections (their amounts are part of total_cost, not of the dimension totals). */
  adjustments: PriceLimitAdjustment[];
  /** Why: every decision, in order. Empty when tracing is switched off. */
  trace: TraceEntry[];
  /** Data problems that did not stop pricing. */
  warnings: string[];
}
