// The errors of the VAT plugin. Each carries a stable `code` for callers and HTTP mapping.

export type VatErrorCode = "UNKNOWN_COUNTRY" | "NO_RATE" | "INVALID_DATE" | "INVALID_REQUEST";

/** A lookup that cannot be answered: unknown country, no rate on that date, or malformed input. */
export class VatError extends Error {
  readonly code: VatErrorCode;
  constructor(code: VatErrorCode, message: string) {
    super(message);
    this.name = "VatError";
    this.code = code;
  }
}

/** The rate dataset does not pass validation; `problems` lists every finding with its path. */
export class VatDatasetError extends Error {
  readonly problems: readonly string[];
  constructor(origin: string, problems: readonly string[]) {
    super(`VAT dataset ${origin} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "VatDatasetError";
    this.problems = problems;
  }
}
