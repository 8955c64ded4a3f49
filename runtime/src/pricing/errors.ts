/** Why a session could not be priced. */
export type PricingErrorCode =
  | "NO_TARIFF"
  | "TARIFF_NOT_FOUND"
  | "TARIFF_NOT_VALID"
  | "CURRENCY_MISMATCH"
  | "TIME_ZONE_UNKNOWN"
  | "TIME_ZONE_INVALID"
  | "INVALID_SESSION"
  | "INVALID_TARIFF";

/** Thrown when a session cannot be priced; `code` says why, the message says what to fix. */
export class PricingError extends Error {
  override name = "PricingError";
  readonly code: PricingErrorCode;

  constructor(code: PricingErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
