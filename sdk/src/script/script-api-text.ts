// Generated from script-api.d.ts by `node sdk/src/script/generate.ts`; do not edit.

/** The text of `script-api.d.ts`: the declarations of the virtual module scripts import. */
export const SCRIPT_API_DTS: string = `// The API of Voltrate script rules: what a script receives, the helpers it may use and what it returns.
//
// Scripts import it as the virtual module "voltrate:script" (the only import a script may have):
//
//   import { defineScript } from "voltrate:script";
//   export default defineScript((session, h) => ({ lines: [] }));
//
// This file is the single source of truth: the compiler type-checks scripts against it, the sandbox implements it,
// the studio editor loads the same text. Everything here is plain data or a helper that runs inside the sandbox;
// nothing of the host is reachable from a script.

// ---------------------------------------------------------------------------------------------------------------
// Decimals
// ---------------------------------------------------------------------------------------------------------------

/**
 * What may be turned into a decimal: a \`Dec\`, a decimal string ("12.50", "-3", "0.25") or a finite JS number
 * (taken by its shortest decimal form: \`0.1\` is "0.1"). Prefer strings and \`Dec\` arithmetic for money: \`0.1 + 0.2\`
 * computed with JS numbers is 0.30000000000000004 before it ever reaches \`dec\`.
 */
export type DecInput = Dec | string | number;

/**
 * How a value is rounded to its last kept decimal:
 * - "HALF_UP": to nearest, ties away from zero (2.345 → 2.35). The default.
 * - "HALF_EVEN": to nearest, ties to the even digit (2.345 → 2.34, 2.355 → 2.36).
 * - "UP": away from zero (2.341 → 2.35).
 * - "DOWN": towards zero (2.349 → 2.34).
 */
export type RoundingMode = "HALF_UP" | "HALF_EVEN" | "UP" | "DOWN";

/**
 * An immutable decimal number (40 significant digits). Every operation returns a new \`Dec\`; operations whose
 * result is not a finite number (division by zero, overflow beyond 1e100) throw a RangeError.
 */
export interface Dec {
  /** this + x */
  plus(x: DecInput): Dec;
  /** this − x */
  minus(x: DecInput): Dec;
  /** this × x */
  times(x: DecInput): Dec;
  /** this ÷ x (40 significant digits, half-up); throws on division by zero. */
  div(x: DecInput): Dec;
  /** −this */
  neg(): Dec;
  /** |this| */
  abs(): Dec;
  /** The smaller of this and x. */
  min(x: DecInput): Dec;
  /** The larger of this and x. */
  max(x: DecInput): Dec;
  /** Rounded to \`decimals\` places (an integer 0–40), half-up unless \`mode\` says otherwise. \`round(2)\` for cents. */
  round(decimals: number, mode?: RoundingMode): Dec;
  /** The smallest integer ≥ this (e.g. started minutes: \`minutes.ceil()\`). */
  ceil(): Dec;
  /** The largest integer ≤ this (e.g. completed hours). */
  floor(): Dec;
  /** -1, 0 or 1. */
  cmp(x: DecInput): -1 | 0 | 1;
  /** this = x */
  eq(x: DecInput): boolean;
  /** this < x */
  lt(x: DecInput): boolean;
  /** this ≤ x */
  lte(x: DecInput): boolean;
  /** this > x */
  gt(x: DecInput): boolean;
  /** this ≥ x */
  gte(x: DecInput): boolean;
  isZero(): boolean;
  /** True when this < 0. */
  isNegative(): boolean;
  /** True when this > 0. */
  isPositive(): boolean;
  /**
   * Plain notation (never exponential). Without \`decimals\`: every significant digit ("0.0166666…"); with
   * \`decimals\`: exactly that many, rounded half-up unless \`mode\` says otherwise (\`toFixed(2)\` → "1.50").
   */
  toFixed(decimals?: number, mode?: RoundingMode): string;
  /** Same as \`toFixed()\`. */
  toString(): string;
  /** The nearest JS number, for counts and comparisons with JS numbers; never use it for money arithmetic. */
  toNumber(): number;
  /** JSON: the \`toFixed()\` string, so a \`Dec\` placed in a result serializes as a decimal string. */
  toJSON(): string;
}

// ---------------------------------------------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------------------------------------------

/** A length of time (exact, in seconds). Only combines with other durations; scale it with \`times\`. */
export interface Duration {
  /** The unit tag: a Duration is never accepted where an Energy is expected. */
  readonly unit: "s";
  readonly seconds: Dec;
  /** The value in minutes (seconds ÷ 60, not rounded). */
  readonly minutes: Dec;
  /** The value in hours (seconds ÷ 3600, not rounded). */
  readonly hours: Dec;
  plus(other: Duration): Duration;
  minus(other: Duration): Duration;
  /** Scaled by a dimensionless factor. */
  times(factor: DecInput): Duration;
  min(other: Duration): Duration;
  max(other: Duration): Duration;
  cmp(other: Duration): -1 | 0 | 1;
  eq(other: Duration): boolean;
  lt(other: Duration): boolean;
  lte(other: Duration): boolean;
  gt(other: Duration): boolean;
  gte(other: Duration): boolean;
  isZero(): boolean;
  isNegative(): boolean;
  /** "5400 s". */
  toString(): string;
  /** JSON: \`{ "seconds": "5400" }\`. */
  toJSON(): { seconds: string };
}

/** An amount of energy (exact, in kWh). Only combines with other energies; scale it with \`times\`. */
export interface Energy {
  /** The unit tag: an Energy is never accepted where a Duration is expected. */
  readonly unit: "kWh";
  readonly kwh: Dec;
  /** The value in Wh (kWh × 1000). */
  readonly wh: Dec;
  plus(other: Energy): Energy;
  minus(other: Energy): Energy;
  /** Scaled by a dimensionless factor. */
  times(factor: DecInput): Energy;
  min(other: Energy): Energy;
  max(other: Energy): Energy;
  cmp(other: Energy): -1 | 0 | 1;
  eq(other: Energy): boolean;
  lt(other: Energy): boolean;
  lte(other: Energy): boolean;
  gt(other: Energy): boolean;
  gte(other: Energy): boolean;
  isZero(): boolean;
  isNegative(): boolean;
  /** "12.5 kWh". */
  toString(): string;
  /** JSON: \`{ "kwh": "12.5" }\`. */
  toJSON(): { kwh: string };
}

// ---------------------------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------------------------

/** A JSON value: what a rule can pass to its script as a parameter. */
export type ScriptParam =
  | string
  | number
  | boolean
  | null
  | readonly ScriptParam[]
  | { readonly [key: string]: ScriptParam };

/**
 * The parameters of a script, as configured on the rule that runs it. Type them with a type alias or an object type
 * (\`defineScript<{ ratePerHour?: string }>(…)\`); an \`interface\` has no index signature and is not accepted.
 */
export type ScriptParams = { readonly [name: string]: ScriptParam | undefined };

/** A custom property of a session (from the source, a plugin or a previous rule). */
export type ScriptProperty = string | number | boolean | null;

/** OCPI TokenType: how the driver was identified. */
export type TokenType = "AD_HOC_USER" | "APP_USER" | "OTHER" | "RFID";

/**
 * The charge session a script prices: plain data (a copy; changing it changes nothing). Instants are ISO 8601 UTC
 * strings, durations are numbers of seconds, decimals are decimal strings (turn them into \`Dec\` with \`h.dec\`).
 */
export interface ScriptSession<P extends ScriptParams = ScriptParams> {
  /** The session (or CDR) id. */
  readonly id: string;
  /** Start of the session, an ISO 8601 UTC instant ("2025-03-01T08:00:00Z"). */
  readonly start: string;
  /** End of the session, an ISO 8601 UTC instant. */
  readonly end: string;
  /** end − start, in seconds. */
  readonly durationSeconds: number;
  /** Energy charged, in kWh (decimal string). */
  readonly energyKwh: string;
  /** Time spent charging, in seconds, when known. */
  readonly chargingSeconds?: number;
  /** Time connected without charging (OCPI parking time), in seconds, when known. */
  readonly parkingSeconds?: number;
  /**
   * Time the car occupied the charger after charging ended (the basis of idle or occupancy fees), in seconds, when
   * known. Often equal to \`parkingSeconds\`; a source or rule may define it more narrowly.
   */
  readonly idleSeconds?: number;
  /** ISO 4217 currency of every amount in and out of the script ("EUR"). */
  readonly currency: string;
  /** ISO 3166-1 alpha-2 country of the location ("NL"). */
  readonly country: string;
  /** IANA time zone of the location ("Europe/Amsterdam"), when known. */
  readonly timeZone?: string;
  /** The charge point operator (OCPI party). */
  readonly cpo: { readonly countryCode: string; readonly partyId: string };
  /** The EVSE the car charged at. */
  readonly evse: {
    readonly powerType: "AC" | "DC";
    /** Maximum power of the EVSE in kW (decimal string). */
    readonly maxPowerKw: string;
  };
  /** The token the session was authorized with. */
  readonly token: { readonly type: TokenType; readonly contractId: string };
  /** The driver's subscription code, when any. */
  readonly subscription?: string;
  /** The product (tariff plan) code, when any. */
  readonly product?: string;
  /** Custom properties. */
  readonly properties: { readonly [key: string]: ScriptProperty };
  /**
   * What the CPO charges us for this session, in \`currency\` (decimal strings), for markup scripts. Absent when the
   * purchase price is not known (yet).
   */
  readonly purchaseCost?: { readonly exclVat: string; readonly inclVat?: string };
  /** The script's parameters, from the rule. */
  readonly params: P;
}

// ---------------------------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------------------------

/** One line of the result: an amount excluding VAT, in the session currency. */
export interface ScriptLine {
  /** A stable code for the line ("IDLE_FEE"): letters, digits and \`_ . : / -\`, at most 64 characters. */
  readonly code: string;
  /** What the driver or partner reads on the statement, at most 500 characters. */
  readonly description: string;
  /** The amount excluding VAT, in the session currency, as a decimal string ("1.50"); negative for a discount. */
  readonly amount: string;
  /** The quantity billed, as a decimal string ("90"), when it helps to explain the amount. */
  readonly quantity?: string;
  /** The unit of \`quantity\` ("min", "h", "kWh"), at most 32 characters. */
  readonly unit?: string;
  /** The VAT rate that applies to this line in percent ("21"), when the script knows better than the VAT plugin. */
  readonly vatPercent?: string;
}

/** What \`h.line\` accepts: a \`ScriptLine\` whose numbers may also be \`Dec\` values or JS numbers. */
export interface LineSpec {
  readonly code: string;
  readonly description: string;
  readonly amount: DecInput;
  readonly quantity?: DecInput;
  readonly unit?: string;
  readonly vatPercent?: DecInput;
}

/** What a script returns. An empty \`lines\` means: nothing to charge. */
export interface ScriptResult {
  /** At most 50 lines (the sandbox's default limit). */
  readonly lines: readonly ScriptLine[];
  /** Remarks for the explanation trace, at most 20 of at most 1000 characters. */
  readonly notes?: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** A decimal from a string, number or \`Dec\`; throws a RangeError for anything that is not a finite decimal. */
export function dec(value: DecInput): Dec;
/** An amount in the session currency: the same as \`dec\`, named for readability. */
export function money(value: DecInput): Dec;
/** The sum of \`values\` (0 for none). */
export function sum(values: readonly DecInput[]): Dec;
/** A duration of \`value\` seconds. */
export function seconds(value: DecInput): Duration;
/** A duration of \`value\` minutes. */
export function minutes(value: DecInput): Duration;
/** A duration of \`value\` hours. */
export function hours(value: DecInput): Duration;
/** An energy of \`value\` kWh. */
export function kwh(value: DecInput): Energy;
/** An energy of \`value\` Wh. */
export function wh(value: DecInput): Energy;
/**
 * A result line. Decimal strings in plain notation are kept as written (\`amount: fee.toFixed(2)\` gives "1.50");
 * \`Dec\` values and numbers become plain decimal strings ("1.5"). Nothing is rounded: round amounts first.
 */
export function line(spec: LineSpec): ScriptLine;
/**
 * Adds an entry to the evaluation's trace (shown next to the result, also when the script fails). Values are
 * rendered as text: decimals and units by \`toString\`, other objects as JSON. At most 50 entries of at most 500
 * characters are kept.
 */
export function log(...values: readonly unknown[]): void;

/** The helpers, also passed to every script as its second argument (\`h\`). */
export interface ScriptHelpers {
  readonly dec: typeof dec;
  readonly money: typeof money;
  readonly sum: typeof sum;
  readonly seconds: typeof seconds;
  readonly minutes: typeof minutes;
  readonly hours: typeof hours;
  readonly kwh: typeof kwh;
  readonly wh: typeof wh;
  readonly line: typeof line;
  readonly log: typeof log;
}

/**
 * A script: a pure, synchronous function of the session. The same session and parameters must give the same result;
 * the clock, randomness and any I/O are not available.
 */
export type ScriptFunction<P extends ScriptParams = ScriptParams> = (
  session: ScriptSession<P>,
  h: ScriptHelpers,
) => ScriptResult;

/**
 * Declares the script; its return value is the module's default export. The type argument types \`session.params\`:
 * \`defineScript<{ ratePerHour: string }>((s, h) => …)\`.
 */
export function defineScript<P extends ScriptParams = ScriptParams>(script: ScriptFunction<P>): ScriptFunction<P>;
`;

/** sha256 (hex) of `SCRIPT_API_DTS`. */
export const SCRIPT_API_DTS_SHA256 = "371691d4a409fc4c009e189400affe272da7e42544ad4cd32c58653bd2609b96";
