// The reason codes of the session pipeline: every way a session can fail a stage, with the stage(s) that raise it and
// what a person does about it. Drop-out cases are grouped by these codes; plugins raising their own drop-outs from a
// hook keep their own code in the drop-out's data (the case's reason is then PLUGIN_DROPOUT).
import type { PipelineStage } from "../plugin/hooks.ts";

export interface ReasonDefinition {
  /** The stages that may raise it. */
  stages: readonly PipelineStage[];
  /** One line for lists. */
  title: string;
  /** What it means and what fixes it. */
  description: string;
  /**
   * How the drop-out case is grouped beyond stage and reason:
   * - "party": by the CPO party (most data problems come from one source);
   * - "rule": by the ruleset and rule (or the ruleset's own reason) that dropped the session;
   * - "plugin": by the plugin and its code.
   */
  groupBy: "party" | "rule" | "plugin";
}

const reason = (
  stages: readonly PipelineStage[],
  title: string,
  description: string,
  groupBy: ReasonDefinition["groupBy"] = "party",
): ReasonDefinition => ({ stages, title, description, groupBy });

/** The catalogue. Codes are stable: drop-out cases, reports and plugins refer to them. */
export const REASON_CODES = {
  // basicChecks: the input as such
  INPUT_MALFORMED: reason(
    ["basicChecks"],
    "The input does not follow its schema",
    "A field is missing, has the wrong type or an invalid value (the message names the field). Fix the source and send it again.",
  ),
  MISSING_FIELD: reason(
    ["basicChecks"],
    "A field the pipeline needs is missing",
    "The token uid, the location or EVSE, or the source party is absent; the session cannot be attributed.",
  ),
  END_BEFORE_START: reason(["basicChecks"], "The session ends before it starts", "start and end are swapped or wrong."),
  PERIOD_OUTSIDE_SESSION: reason(
    ["basicChecks"],
    "A charging period lies outside the session",
    "A charging period starts after the session end (or long before its start).",
  ),
  INVALID_CURRENCY: reason(["basicChecks"], "Unknown currency", "The currency is not an ISO 4217 code."),
  TARIFF_CURRENCY_MISMATCH: reason(
    ["basicChecks"],
    "A tariff is in another currency than the session",
    "The CDR's own tariffs must be in the CDR's currency.",
  ),
  NEGATIVE_QUANTITY: reason(
    ["basicChecks"],
    "A negative time, current or power",
    "Time, parking time, reservation time, current and power cannot be negative.",
  ),
  UNIT_INCONSISTENT: reason(
    ["basicChecks"],
    "Reported totals do not fit the periods",
    "total_time differs from the session duration, or total_energy from the sum of the periods, beyond a tolerance: often a unit mistake (Wh for kWh, minutes for hours).",
  ),
  // lookups: who and what
  TOKEN_UNKNOWN: reason(
    ["lookups"],
    "Unknown token",
    "No token with this uid exists in the master data. Add the token (or reprocess with 'treat token as').",
  ),
  CONTRACT_UNKNOWN: reason(
    ["lookups"],
    "No contract for the token",
    "The token has no contract, or its contract was not valid at the session start.",
  ),
  CUSTOMER_UNKNOWN: reason(
    ["lookups"],
    "No customer for the contract",
    "The contract's customer is not in the master data.",
  ),
  ADMINISTRATION_UNKNOWN: reason(
    ["lookups"],
    "No administration",
    "The contract's administration (our legal entity) is not in the master data at the session start.",
  ),
  LOCATION_UNKNOWN: reason(
    ["lookups"],
    "Unknown location or EVSE",
    "The location/EVSE of the session is not in the master data at the session start.",
  ),
  PARTY_UNKNOWN: reason(
    ["lookups"],
    "Unknown CPO",
    "The CPO party (country code and party id) is not in the master data.",
  ),
  AGREEMENT_MISSING: reason(
    ["lookups"],
    "No roaming agreement",
    "No roaming agreement between the CPO and the administration was valid at the session start.",
  ),
  RULESET_MISSING: reason(
    ["lookups"],
    "No ruleset configured",
    "The contract names no sales ruleset, or the agreement no purchase ruleset while it prices by ruleset.",
    "rule",
  ),
  RULESET_VERSION_MISSING: reason(
    ["lookups"],
    "No ruleset version at the session start",
    "The ruleset has no published version in effect at the session start.",
    "rule",
  ),
  MASTER_DATA_UNAVAILABLE: reason(
    ["lookups"],
    "Master data could not be read",
    "A lookup failed (the message says which); reprocess when the master data is available.",
  ),
  // advancedChecks: plausibility (configurable per administration)
  ENERGY_EXCEEDS_CAPACITY: reason(
    ["advancedChecks"],
    "More energy than the EVSE can deliver",
    "energy > duration × maximum power × margin: wrong units, a wrong EVSE, or a meter problem.",
  ),
  DURATION_TOO_LONG: reason(
    ["advancedChecks"],
    "Session longer than allowed",
    "The session lasts longer than the maximum (default 24 h).",
  ),
  ZERO_ENERGY: reason(["advancedChecks"], "No energy", "The session charged 0 kWh."),
  NEGATIVE_ENERGY: reason(["advancedChecks"], "Negative energy", "The session reports a negative energy."),
  START_IN_FUTURE: reason(
    ["advancedChecks"],
    "Start in the future",
    "The session starts after the time it was received.",
  ),
  DUPLICATE_SESSION_ID: reason(
    ["advancedChecks"],
    "Duplicate session id",
    "Another record of this CPO carries the same session id (e.g. a second CDR for the same session, or the same session through a hub).",
  ),
  DUPLICATE_FINGERPRINT: reason(
    ["advancedChecks"],
    "Probable duplicate",
    "Another session on the same EVSE with the same token started within the fingerprint window (default one minute).",
  ),
  TOKEN_NOT_VALID_AT_START: reason(
    ["advancedChecks"],
    "Token not valid at the session start",
    "The token exists but was not valid (blocked, expired or not yet active) when the session started.",
  ),
  CPO_TOTAL_MISMATCH: reason(
    ["advancedChecks"],
    "The CPO's total differs from its tariff",
    "Our recomputation of the CPO's own tariff differs from the CDR's total_cost beyond the tolerance; the reconciliation's classification (step-size, time-zone, restriction, unknown) is in the data.",
  ),
  // rateDetermination
  PURCHASE_RULES_DROPOUT: reason(
    ["rateDetermination"],
    "The purchase ruleset did not price the session",
    "The agreement's purchase ruleset dropped the session (no matching rule, a drop-out rule, a script failure); its reason is in the data.",
    "rule",
  ),
  SALES_RULES_DROPOUT: reason(
    ["rateDetermination"],
    "The sales ruleset did not price the session",
    "The contract's sales ruleset dropped the session; its reason is in the data.",
    "rule",
  ),
  PURCHASE_TARIFF_MISSING: reason(
    ["rateDetermination"],
    "No CPO tariff to price with",
    "The agreement prices with the CPO's own tariffs but the CDR carries none (or, for 'accept the CPO's price', no total_cost).",
  ),
  PRICING_ERROR: reason(
    ["rateDetermination"],
    "The pricer could not price the session",
    "E.g. no tariff valid at the session start, or a time-of-day restriction without a time zone.",
  ),
  RULESET_INVALID: reason(
    ["rateDetermination"],
    "The ruleset cannot be compiled",
    "The ruleset version in effect does not compile (a script error).",
    "rule",
  ),
  // rateDetermination and calculations
  FX_UNAVAILABLE: reason(
    ["rateDetermination", "calculations"],
    "No exchange rate",
    "No ECB reference rate for the currency pair on the session date (or no FX plugin).",
  ),
  // calculations
  VAT_UNAVAILABLE: reason(
    ["calculations"],
    "No VAT treatment",
    "The VAT plugin has no rate for the place of supply on the session date (or no VAT plugin).",
  ),
  NEGATIVE_MARGIN: reason(
    ["calculations"],
    "Sold below cost",
    "The sales price is below the purchase cost and the administration does not allow that.",
    "rule",
  ),
  // any stage
  PLUGIN_DROPOUT: reason(
    ["basicChecks", "lookups", "advancedChecks", "rateDetermination", "calculations", "pricedSession"],
    "A plugin dropped the session",
    "A plugin hook asked for a drop-out; its own code and message are in the data.",
    "plugin",
  ),
  PLUGIN_HOOK_FAILED: reason(
    ["basicChecks", "lookups", "advancedChecks", "rateDetermination", "calculations", "pricedSession"],
    "A plugin hook failed",
    "A plugin hook threw, rejected or timed out; the plugin is named.",
    "plugin",
  ),
  INTERNAL_ERROR: reason(
    ["basicChecks", "lookups", "advancedChecks", "rateDetermination", "calculations", "pricedSession"],
    "Unexpected error",
    "A stage failed unexpectedly (logged); the session is kept as a drop-out and can be reprocessed.",
  ),
} as const satisfies Record<string, ReasonDefinition>;

export type ReasonCode = keyof typeof REASON_CODES;

export const reasonCodes = Object.keys(REASON_CODES) as ReasonCode[];

export function isReasonCode(code: string): code is ReasonCode {
  return Object.hasOwn(REASON_CODES, code);
}
