// Parsing OCPI objects of either version into their wire types.
import { type ParseMode, runParse } from "./common/engine.ts";
import type { ParseResult } from "./common/issues.ts";
import * as v211 from "./v2_1_1/index.ts";
import * as v221 from "./v2_2_1/index.ts";
import type { OcpiVersion } from "./version.ts";

/** A parsed tariff, tagged with its OCPI version. */
export type OcpiTariff = { version: "2.2.1"; tariff: v221.Tariff } | { version: "2.1.1"; tariff: v211.Tariff };
/** A parsed CDR, tagged with its OCPI version. */
export type OcpiCdr = { version: "2.2.1"; cdr: v221.Cdr } | { version: "2.1.1"; cdr: v211.Cdr };

export interface ParseOptions {
  /** "strict" (default) or "pricing-minimal" (see `ParseMode`). */
  mode?: ParseMode;
}

export interface CdrParseOptions extends ParseOptions {
  /**
   * True when the tariffs to price with are given separately: the CDR's own `tariffs` then do not affect the price
   * (pricing-minimal mode drops them with a warning when invalid, and does not require them).
   */
  tariffsSupplied?: boolean;
}

function tag<T, U>(result: ParseResult<T>, wrap: (value: T) => U): ParseResult<U> {
  return result.ok ? { ok: true, value: wrap(result.value), warnings: result.warnings } : result;
}

/** Parses an OCPI Tariff object of the given version. */
export function parseTariff(json: unknown, version: OcpiVersion, options: ParseOptions = {}): ParseResult<OcpiTariff> {
  const mode = options.mode ?? "strict";
  if (version === "2.2.1") {
    return tag(runParse(json, v221.tariffSchema, { mode }), (tariff) => ({ version: "2.2.1" as const, tariff }));
  }
  return tag(runParse(json, v211.tariffSchema, { mode }), (tariff) => ({ version: "2.1.1" as const, tariff }));
}

/** Parses an OCPI CDR object of the given version. */
export function parseCdr(json: unknown, version: OcpiVersion, options: CdrParseOptions = {}): ParseResult<OcpiCdr> {
  const tariffsSupplied = options.tariffsSupplied ?? false;
  // The minimal variant asks for more than the specification in one place only: the CDR's own tariffs, when none
  // are supplied.
  const strictPassesMinimal = (cdr: { tariffs?: unknown[] | undefined }) =>
    tariffsSupplied || (cdr.tariffs?.length ?? 0) > 0;
  const opts = { mode: options.mode ?? "strict", tariffsSupplied, strictPassesMinimal };
  if (version === "2.2.1") {
    return tag(runParse(json, v221.cdrSchema, opts), (cdr) => ({ version: "2.2.1" as const, cdr }));
  }
  return tag(runParse(json, v211.cdrSchema, opts), (cdr) => ({ version: "2.1.1" as const, cdr }));
}

/** Parses an OCPI 2.2.1 Session object. */
export function parseSession(json: unknown, options: ParseOptions = {}): ParseResult<v221.Session> {
  return runParse(json, v221.sessionSchema, { mode: options.mode ?? "strict" });
}
