export { PricingError, type PricingErrorCode } from "./errors.ts";
export { type PriceOptions, priceSession } from "./price.ts";
export {
  CPO_PER_LINE,
  DEFAULT_PROFILE,
  defineProfile,
  getProfile,
  OCPI_221,
  OCPI_221_EXAMPLES,
  type PricingProfile,
  type ProfileInput,
  profileNames,
  RESTRICTION_NAMES,
  type RestrictionName,
  registerProfile,
  resolveProfile,
} from "./profile.ts";
export {
  type ReconcileOptions,
  type Reconciliation,
  type ReconciliationKind,
  reconcile,
} from "./reconcile.ts";
export type {
  CdrPrice,
  CdrTotals,
  Cost,
  CostCategory,
  CostTotals,
  HeldRestrictions,
  PeriodKind,
  PricedLine,
  PricedPeriod,
  PriceLimitAdjustment,
  PricingResult,
  TraceEntry,
} from "./result.ts";
export { type ResolvedTimeZone, resolveTimeZone, type TimeZoneSource } from "./zone.ts";
