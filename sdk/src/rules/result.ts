// What an evaluation of a ruleset returns: price lines, totals, the rules that matched and a trace that explains
// every decision. Plain JSON (decimals as strings), so the API, the CLI and the studio share it.
import type { HitPolicy, RulesetSide } from "./ruleset.ts";

/** One line of the price. Amounts excl. VAT, in the ruleset currency, rounded to its minor units. */
export interface PriceLine {
  /** The rule that produced the line. */
  ruleId: string;
  /** Stable code: ENERGY, TIME, PARKING_TIME, START_FEE, RESERVATION, MIN_PRICE, MAX_PRICE, CHARGING, IDLE_FEE, … */
  code: string;
  /** What the customer or partner reads. */
  description: string;
  /** The quantity billed (decimal string), when it explains the amount. */
  quantity?: string;
  /** The unit of `quantity`: "kWh", "h", "min", "session". */
  unit?: string;
  /** Amount excl. VAT (decimal string, the currency's minor units). */
  amountExclVat: string;
  /** VAT percentage; undefined = not known. */
  vatPercent?: string;
}

/** VAT of the lines at one rate: computed on their sum (not per line), rounded half-up. */
export interface VatAmount {
  vatPercent: string;
  /** Sum of the lines at this rate, excl. VAT. */
  base: string;
  vat: string;
}

export interface PriceTotals {
  /** Sum of the lines, excl. VAT. */
  exclVat: string;
  /** Total VAT; undefined when a line's VAT rate is unknown. */
  vat?: string;
  /** exclVat + vat; undefined when a line's VAT rate is unknown. */
  inclVat?: string;
  /** VAT per rate. */
  byVatRate: VatAmount[];
}

/** Version information of the evaluated ruleset, as given by the caller (store, files) plus the content hash. */
export interface RulesetVersionInfo {
  /** The version label (e.g. "3", "2025-04-01"); undefined for an unversioned ruleset (a file). */
  version?: string;
  /** sha256 of the ruleset's canonical JSON: identifies the exact rules evaluated. */
  hash?: string;
  /** Where the ruleset came from ("file:rulesets/msp-nl-retail", "store"). */
  source?: string;
  /** From when this version applies (ISO instant). */
  effectiveFrom?: string;
}

/** Why a session is not priced. */
export interface DropOut {
  /** NO_AGREEMENT, NO_MATCHING_RULE, NO_PURCHASE_COST, SCRIPT_TIMEOUT, PRICING_ERROR, … */
  reason: string;
  message: string;
  /** The rule that dropped out; undefined when no rule matched. */
  ruleId?: string;
}

/** The outcome part of a trace entry: what the matched rule's outcome computed. */
export type OutcomeTrace =
  | {
      type: "rate";
      tariffId: string;
      profile: string;
      /** The pricer's OCPI CDR totals (4 decimals). */
      totals: Record<string, unknown>;
      /** The pricer's own trace (see docs/pricing.md). */
      pricer: unknown[];
      warnings: string[];
    }
  | {
      type: "markup";
      /** The arithmetic, step by step ("purchase cost 10.00 × 1.10 = 11.00", "+ 0.05/kWh × 20 kWh = 1.00"). */
      steps: string[];
      /** The resulting amount excl. VAT. */
      amount: string;
    }
  | {
      type: "script";
      script: string;
      /** What the script logged, in order. */
      logs: string[];
      /** The notes of its result. */
      notes: string[];
      /** The failure, when the script failed (the evaluation then drops out). */
      error?: { code: string; message: string; issues?: string[] };
    }
  | { type: "dropOut"; reason: string; message: string };

/** One rule as the evaluation saw it. */
export interface RuleTrace {
  ruleId: string;
  ruleName: string;
  /**
   * - "matched": the condition held (the outcome ran).
   * - "not-matched": the condition failed (`reason` says which test, with the values seen).
   * - "disabled": the rule is disabled and was skipped.
   */
  status: "matched" | "not-matched" | "disabled";
  /**
   * Why: for "not-matched" the failed test with the value seen ("energyKwh 7.2 is not ≥ 10"), for "matched" the tests
   * that held ("cpo NL*ABC = NL*ABC and energyKwh 12 ≥ 10").
   */
  reason?: string;
  outcome?: OutcomeTrace;
}

export interface RulesetEvaluation {
  /** "priced": lines and totals are the price; "dropOut": the session is not priced by this ruleset. */
  status: "priced" | "dropOut";
  ruleset: {
    id: string;
    name: string;
    side: RulesetSide;
    currency: string;
    hitPolicy: HitPolicy;
  } & RulesetVersionInfo;
  /** The instant the ruleset version was chosen for (ISO), when given. */
  at?: string;
  /** Ids of the rules whose condition held and whose outcome ran, in order. */
  matchedRuleIds: string[];
  lines: PriceLine[];
  /** Undefined for a drop-out. */
  totals?: PriceTotals;
  dropOut?: DropOut;
  /** The session properties conditions read, with the values seen (e.g. { energyKwh: "7.2", cpo: "NL*ABC" }). */
  properties: Record<string, string | boolean | null>;
  /** Rules in the order tried (empty when tracing is off). */
  trace: RuleTrace[];
}
