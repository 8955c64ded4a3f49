// Outcomes: what a matching rule produces. A rate (a tariff the pricer computes), a markup (an amount computed from
// the purchase cost, the energy, the time and fixed parts, with bounds), a script (sandboxed TypeScript), or a
// drop-out (the session is not priced by this ruleset, with a reason).
import { z } from "zod";
import { DECIMAL_PATTERN } from "./condition.ts";
import { type TariffJson, tariffJsonSchema } from "./tariff-json.ts";

/**
 * Price the session with a tariff. The pricer (runtime/src/pricing, OCPI 2.2.1 semantics) computes it; the result
 * becomes one line per cost category and VAT rate (start fee, energy, time, parking, reservation) plus min/max price
 * corrections.
 */
export interface RateOutcome {
  type: "rate";
  /** The tariff; its id defaults to the rule id, its currency to the ruleset currency. */
  tariff: TariffJson;
  /** The pricer's interpretation profile (default "ocpi-2.2.1"; see docs/pricing.md). */
  profile?: string;
}

/**
 * What a markup is computed on:
 * - "purchaseCost" (default): what the CPO charges us for the session, excl. VAT (given with the evaluation input).
 * - "subtotal": the lines the earlier rules of this evaluation produced, excl. VAT (with hit policy "collect"; e.g. a
 *   subscription discount of 10 % is `base: subtotal, factor: "-0.10"`).
 * - "none": no base; only the per-kWh, per-hour and fixed parts.
 */
export type MarkupBase = "purchaseCost" | "subtotal" | "none";

/**
 * An amount computed from a base:
 *
 *     amount = base × factor + perKwh × energyKwh + perHour × durationHours + fixed
 *
 * then, for base "purchaseCost", the margin (amount − purchase cost) is held within [minMarkup, maxMarkup], and
 * finally the amount is held within [min, max]. All values are decimal strings in the ruleset currency, excl. VAT;
 * negative values give discounts. The amount is rounded half-up to the currency's minor units.
 */
export interface MarkupOutcome {
  type: "markup";
  /** What `factor` multiplies; default "purchaseCost". */
  base?: MarkupBase;
  /** Multiplier of the base (default "1"): "1.10" = cost + 10 %; "-0.10" on a subtotal = 10 % off. */
  factor?: string;
  /** Added per kWh charged. */
  perKwh?: string;
  /** Added per hour of session duration (start to end). */
  perHour?: string;
  /** Added once per session. */
  fixed?: string;
  /** Lowest margin over the purchase cost (base "purchaseCost" only). */
  minMarkup?: string;
  /** Highest margin over the purchase cost (base "purchaseCost" only). */
  maxMarkup?: string;
  /** Lowest amount. */
  min?: string;
  /** Highest amount (a cap). */
  max?: string;
  /**
   * How the amount appears: "single" (default) one line; "split" (base "purchaseCost" only) the purchase cost and the
   * margin as two lines (PURCHASE_COST and MARKUP).
   */
  presentation?: "single" | "split";
  /** The line code (default "CHARGING"; "DISCOUNT" when the amount is negative). */
  code?: string;
  /** The line text (default: a description of the computation). */
  description?: string;
  /** VAT percentage of the line(s); default the ruleset's `vatPercent`. */
  vatPercent?: string;
}

/** A JSON value passed to a script as a parameter. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Run a script of the ruleset (sandboxed); its lines become the rule's lines. A failing script is a drop-out. */
export interface ScriptOutcome {
  type: "script";
  /** The name of a script in `Ruleset.scripts`. */
  script: string;
  /** Passed to the script as `session.params`. */
  params?: { [key: string]: JsonValue };
}

/** Do not price the session with this ruleset: the evaluation ends with this reason (e.g. no agreement with a CPO). */
export interface DropOutOutcome {
  type: "dropOut";
  /** A stable code, upper snake case ("NO_AGREEMENT"). */
  reason: string;
  /** For people ("no roaming agreement with this CPO"). */
  message: string;
}

export type Outcome = RateOutcome | MarkupOutcome | ScriptOutcome | DropOutOutcome;

export const OUTCOME_TYPES = ["rate", "markup", "script", "dropOut"] as const;

const decimalString = z.string().regex(DECIMAL_PATTERN, { error: 'expected a decimal number as a string ("1.10")' });
const nonNegative = decimalString.refine((s) => !s.startsWith("-"), { error: "must not be negative" });

/** A line code: letters, digits and `_ . : / -`, at most 64 characters (as script lines). */
export const LINE_CODE_PATTERN = /^[A-Za-z0-9_.:/-]{1,64}$/;

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const outcomeSchema: z.ZodType<Outcome> = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("rate"), tariff: tariffJsonSchema, profile: z.string().min(1).optional() }),
    z.strictObject({
      type: z.literal("markup"),
      base: z.enum(["purchaseCost", "subtotal", "none"]).optional(),
      factor: decimalString.optional(),
      perKwh: decimalString.optional(),
      perHour: decimalString.optional(),
      fixed: decimalString.optional(),
      minMarkup: decimalString.optional(),
      maxMarkup: decimalString.optional(),
      min: decimalString.optional(),
      max: decimalString.optional(),
      presentation: z.enum(["single", "split"]).optional(),
      code: z.string().regex(LINE_CODE_PATTERN, { error: "letters, digits and _ . : / -, at most 64" }).optional(),
      description: z.string().min(1).max(500).optional(),
      vatPercent: nonNegative.optional(),
    }),
    z.strictObject({
      type: z.literal("script"),
      script: z.string().min(1),
      params: z.record(z.string(), jsonValue).optional(),
    }),
    z.strictObject({
      type: z.literal("dropOut"),
      reason: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, { error: 'expected an upper-case code ("NO_AGREEMENT")' }),
      message: z.string().min(1).max(500),
    }),
  ],
  { error: `expected an outcome: "type" must be one of ${OUTCOME_TYPES.join(", ")}` },
);
