// The errors of the FX plugin. Each carries a stable `code` for callers and the HTTP mapping.

export type FxErrorCode =
  | "INVALID_CURRENCY"
  | "INVALID_DATE"
  | "INVALID_AMOUNT"
  | "NO_PUBLICATION"
  | "CURRENCY_NOT_PUBLISHED"
  | "STALE";

/** A rate lookup that cannot be answered. */
export class FxError extends Error {
  readonly code: FxErrorCode;
  constructor(code: FxErrorCode, message: string) {
    super(message);
    this.name = "FxError";
    this.code = code;
  }
}

/** An ECB document that is not well-formed or not in the eurofxref format; names the position and the element. */
export class EcbXmlError extends Error {
  readonly origin: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The element path, e.g. "gesmes:Envelope > Cube > Cube[time=2025-03-03] > Cube[currency=USD]". */
  readonly element: string | undefined;
  constructor(origin: string, message: string, where: { line?: number; column?: number; element?: string } = {}) {
    const position = where.line !== undefined ? ` at line ${where.line}, column ${where.column ?? 1}` : "";
    const element = where.element ? ` (${where.element})` : "";
    super(`${origin}${position}${element}: ${message}`);
    this.name = "EcbXmlError";
    this.origin = origin;
    this.line = where.line;
    this.column = where.column;
    this.element = where.element;
  }
}

export type FxImportErrorCode =
  | "FILE"
  | "HTTP_STATUS"
  | "TIMEOUT"
  | "NETWORK"
  | "TOO_LARGE"
  | "ENCODING"
  | "INVALID_URL";

/** Fetching or reading an ECB document failed before it could be parsed. */
export class FxImportError extends Error {
  readonly code: FxImportErrorCode;
  constructor(code: FxImportErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FxImportError";
    this.code = code;
  }
}
