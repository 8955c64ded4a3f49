// Interpretation profiles: named answers to the questions OCPI 2.2.1 leaves open or answers twice. The defaults
// follow the specification text; docs/pricing.md quotes the text behind every option.
import type { RoundingPolicy } from "@voltrate/sdk";

/** The restriction fields of a tariff element, as named in the normalized model. */
export type RestrictionName =
  | "startTime"
  | "endTime"
  | "startDate"
  | "endDate"
  | "minEnergy"
  | "maxEnergy"
  | "minCurrent"
  | "maxCurrent"
  | "minPower"
  | "maxPower"
  | "minDuration"
  | "maxDuration"
  | "daysOfWeek"
  | "reservation";

export const RESTRICTION_NAMES: readonly RestrictionName[] = [
  "startTime",
  "endTime",
  "startDate",
  "endDate",
  "minEnergy",
  "maxEnergy",
  "minCurrent",
  "maxCurrent",
  "minPower",
  "maxPower",
  "minDuration",
  "maxDuration",
  "daysOfWeek",
  "reservation",
];

export interface PricingProfile {
  /** Registry name, e.g. "ocpi-2.2.1". */
  name: string;
  /** One line on what this profile is for. */
  description: string;
  /**
   * The instant `min_duration`/`max_duration` are measured from.
   * - "session-start" (default): the session start (CDR `start_date_time`). Spec: "Minimum duration in seconds the
   *   Charging Session MUST last (inclusive)".
   * - "charging-start": the start of the first non-reservation period (reservation time does not count).
   * - "dimension-time": the time already spent in the same kind of time as the priced period (charging time for
   *   charging periods, parking time for parking periods, reservation time for reservation periods). This is how the
   *   spec's "first hour of parking free" example (tariff 52) arrives at 7.30 EUR.
   */
  durationReference: "session-start" | "charging-start" | "dimension-time";
  /**
   * How step_size applies to TIME and PARKING_TIME.
   * - "parking-only-when-both" (default): mod_cdrs: "`step_size` SHALL only be taken into account once per session
   *   for ... ENERGY and once for PARKING_TIME and TIME combined" and "In the cases that TIME and PARKING_TIME Tariff
   *   Elements are both used, step_size is only taken into account for the total parking duration".
   * - "per-dimension": TIME and PARKING_TIME totals are each rounded up to their own last step_size, as the worked
   *   examples of mod_tariffs compute (complex tariff: 147 charging minutes billed as 150 and 42 parking as 45).
   */
  timeStepSize: "parking-only-when-both" | "per-dimension";
  /** Whether step_size is applied at all (false is used by reconciliation to test a step-size explanation). */
  applyStepSize: boolean;
  /** Whether the tariff's min_price/max_price clamp the session cost. */
  applyPriceLimits: boolean;
  /**
   * Rounding of money: mode (HALF_UP default), decimals (default: ISO 4217 minor units of the currency) and scope
   * (PER_TOTAL default: lines keep full precision and every total is rounded once; PER_LINE: every priced line is
   * rounded and totals are sums of rounded lines).
   */
  rounding: RoundingPolicy;
  /**
   * Charging periods that start before the session start.
   * - "clip" (default): time before the session start is not billed and not counted as session duration; the
   *   period's energy is kept.
   * - "extend-session": the session is taken to start at the earliest period start.
   * - "reject": pricing fails with an error.
   */
  periodsBeforeSessionStart: "clip" | "extend-session" | "reject";
  /**
   * Whether a period crossing a restriction boundary (a start/end time, local midnight, a min/max duration or
   * min/max kWh threshold) is split at the boundary so each part is priced by the element valid for it (default
   * true). When false, each period is priced entirely by the elements valid at its start (trusting the CPO to have
   * started a new period at every boundary, as mod_cdrs requires).
   */
  splitPeriods: boolean;
  /**
   * How a period's energy is divided over the parts of a split period.
   * - "time-proportional" (default): in proportion to the time of each part (constant power within a period);
   *   min_kwh/max_kwh thresholds inside a period are found by the same interpolation.
   * - "first-part": all energy in the first part (energy thresholds are then evaluated at the period start only).
   * - "last-part": all energy in the last part.
   */
  energyApportioning: "time-proportional" | "first-part" | "last-part";
  /**
   * A price component without `vat`. Spec: "If omitted, no VAT is applicable. Not providing a VAT is different from
   * 0% VAT".
   * - "unknown" (default): the amount including VAT cannot be computed; totals depending on it omit `incl_vat`
   *   (as the spec says of its tariff 52 example).
   * - "zero": treated as 0% VAT (incl = excl).
   */
  missingVat: "unknown" | "zero";
  /**
   * A current/power restriction when the period reports no usable reading.
   * - "fails" (default): the restriction cannot be shown to hold, so the element is not active.
   * - "holds": the restriction is ignored for that period.
   */
  missingMeasurement: "fails" | "holds";
  /**
   * Charging periods without a tariff id. Spec (CDR ChargingPeriod.tariff_id): "If not provided, no Tariff is
   * relevant during this period."
   * - "spec" (default): when at least one period of the session names a tariff, periods without one are free; when
   *   none does (OCPI 2.1.1, most sources), every period uses the session's tariff.
   * - "session-tariff": periods without a tariff id always use the session's tariff.
   * - "free": periods without a tariff id are always free.
   */
  untaggedPeriods: "spec" | "session-tariff" | "free";
  /**
   * The instant at which tariff validity (start_date_time/end_date_time) is judged.
   * - "session-start" (default): spec: "a driver accepts the tariff which is valid when they start their charging
   *   session".
   * - "period-start": each period uses the tariff valid at its own start.
   */
  tariffValidityReference: "session-start" | "period-start";
  /** Restrictions to ignore (treated as absent). Empty by default; used by reconciliation. */
  ignoreRestrictions: readonly RestrictionName[];
}

/** The specification text, as written. */
export const OCPI_221: Readonly<PricingProfile> = Object.freeze({
  name: "ocpi-2.2.1",
  description: "OCPI 2.2.1 as written: mod_tariffs and the mod_cdrs step_size rules.",
  durationReference: "session-start",
  timeStepSize: "parking-only-when-both",
  applyStepSize: true,
  applyPriceLimits: true,
  rounding: Object.freeze({ mode: "HALF_UP", scope: "PER_TOTAL" }),
  periodsBeforeSessionStart: "clip",
  splitPeriods: true,
  energyApportioning: "time-proportional",
  missingVat: "unknown",
  missingMeasurement: "fails",
  untaggedPeriods: "spec",
  tariffValidityReference: "session-start",
  ignoreRestrictions: Object.freeze([]),
}) as Readonly<PricingProfile>;

/** As the worked examples of mod_tariffs compute: TIME and PARKING_TIME step sizes each apply to their own total. */
export const OCPI_221_EXAMPLES: Readonly<PricingProfile> = Object.freeze({
  ...OCPI_221,
  name: "ocpi-2.2.1-examples",
  description: "OCPI 2.2.1 as its tariff examples compute: step_size per time dimension.",
  timeStepSize: "per-dimension",
}) as Readonly<PricingProfile>;

/**
 * A common CPO back-office behaviour: every CDR line is rounded to cents (half-even), periods are trusted as sent
 * (no splitting), step sizes apply per time dimension, tariff changes take effect per period, and a missing VAT is
 * booked as 0 %.
 */
export const CPO_PER_LINE: Readonly<PricingProfile> = Object.freeze({
  ...OCPI_221,
  name: "cpo-per-line",
  description: "Per-line cent rounding (half-even), periods as sent, per-dimension time steps, missing VAT = 0%.",
  timeStepSize: "per-dimension",
  rounding: Object.freeze({ mode: "HALF_EVEN", scope: "PER_LINE" }),
  splitPeriods: false,
  missingVat: "zero",
  untaggedPeriods: "session-tariff",
  tariffValidityReference: "period-start",
}) as Readonly<PricingProfile>;

const registry = new Map<string, Readonly<PricingProfile>>([
  [OCPI_221.name, OCPI_221],
  [OCPI_221_EXAMPLES.name, OCPI_221_EXAMPLES],
  [CPO_PER_LINE.name, CPO_PER_LINE],
]);

/** The default profile name. */
export const DEFAULT_PROFILE = OCPI_221.name;

/** A profile given by name, as a complete profile, or as overrides of a named base (default "ocpi-2.2.1"). */
export type ProfileInput = string | PricingProfile | (Partial<PricingProfile> & { extends?: string });

/** Names of all registered profiles. */
export function profileNames(): string[] {
  return [...registry.keys()];
}

/** A registered profile by name; throws for unknown names. */
export function getProfile(name: string): Readonly<PricingProfile> {
  const p = registry.get(name);
  if (!p) throw new RangeError(`unknown pricing profile "${name}" (known: ${profileNames().join(", ")})`);
  return p;
}

/** Builds a profile from a base profile and overrides; the result is validated and frozen (not registered). */
export function defineProfile(
  name: string,
  overrides: Partial<Omit<PricingProfile, "name">>,
  base: string = DEFAULT_PROFILE,
): Readonly<PricingProfile> {
  const profile = { ...getProfile(base), description: `${base} with overrides`, ...overrides, name };
  validateProfile(profile);
  return Object.freeze(profile);
}

/** Adds (or replaces) a profile in the registry. */
export function registerProfile(profile: PricingProfile): void {
  validateProfile(profile);
  registry.set(profile.name, Object.freeze({ ...profile }));
}

/** Resolves a `ProfileInput` to a complete profile. */
export function resolveProfile(input: ProfileInput | undefined): Readonly<PricingProfile> {
  if (input === undefined) return OCPI_221;
  if (typeof input === "string") return getProfile(input);
  if (isCompleteProfile(input)) return input;
  const { extends: base, ...overrides } = input;
  const resolved = { ...getProfile(base ?? DEFAULT_PROFILE), ...overrides } as PricingProfile;
  resolved.name = overrides.name ?? `${base ?? DEFAULT_PROFILE}+custom`;
  validateProfile(resolved);
  return resolved;
}

function isCompleteProfile(input: object): input is PricingProfile {
  return (
    !("extends" in input) &&
    "name" in input &&
    "durationReference" in input &&
    "timeStepSize" in input &&
    "rounding" in input &&
    "ignoreRestrictions" in input
  );
}

const CHOICES: { [K in keyof PricingProfile]?: readonly unknown[] } = {
  durationReference: ["session-start", "charging-start", "dimension-time"],
  timeStepSize: ["parking-only-when-both", "per-dimension"],
  periodsBeforeSessionStart: ["clip", "extend-session", "reject"],
  energyApportioning: ["time-proportional", "first-part", "last-part"],
  missingVat: ["unknown", "zero"],
  missingMeasurement: ["fails", "holds"],
  untaggedPeriods: ["spec", "session-tariff", "free"],
  tariffValidityReference: ["session-start", "period-start"],
};

function validateProfile(p: PricingProfile): void {
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const value = p[key as keyof PricingProfile];
    if (!(allowed as readonly unknown[]).includes(value)) {
      throw new RangeError(`profile ${p.name}: ${key} must be one of ${(allowed as unknown[]).join(", ")}`);
    }
  }
  for (const r of p.ignoreRestrictions) {
    if (!RESTRICTION_NAMES.includes(r)) throw new RangeError(`profile ${p.name}: unknown restriction ${r}`);
  }
  const { mode, scope, decimals } = p.rounding;
  if (!["HALF_UP", "HALF_EVEN", "UP", "DOWN"].includes(mode)) throw new RangeError(`profile ${p.name}: bad mode`);
  if (!["PER_LINE", "PER_TOTAL"].includes(scope)) throw new RangeError(`profile ${p.name}: bad rounding scope`);
  if (decimals !== undefined && (!Number.isInteger(decimals) || decimals < 0 || decimals > 10)) {
    throw new RangeError(`profile ${p.name}: rounding decimals must be an integer 0..10`);
  }
}
