// JSON documents that hold OCPI objects: one object, an array of objects, or an OCPI response envelope
// ({ "data": …, "status_code": 1000, "status_message": …, "timestamp": … }).
import type { Tariff } from "@voltrate/sdk";
import type { ParseMode } from "./common/engine.ts";
import { type ParseIssue, type ParseResult, prefixIssues } from "./common/issues.ts";
import { JsonNumberText } from "./common/json.ts";
import { toNormalizedTariff } from "./normalize.ts";
import { type OcpiTariff, parseTariff } from "./parse.ts";
import { detectTariffVersion, type OcpiVersion } from "./version.ts";

/** One object found in a document, with the path that leads to it ("" for the document itself). */
export interface DocumentItem {
  path: string;
  json: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value instanceof JsonNumberText) return value.toNumber();
  return undefined;
}

/**
 * The objects a document holds. An envelope must be a success (status_code 1000); its `data` may be one object or an
 * array. Errors name the path (e.g. `status_code`, `data`).
 */
export function documentItems(json: unknown): ParseResult<DocumentItem[]> {
  const fail = (path: string, message: string): ParseResult<DocumentItem[]> => ({
    ok: false,
    errors: [{ path, message }],
    warnings: [],
  });
  if (Array.isArray(json))
    return { ok: true, value: json.map((item, i) => ({ path: `[${i}]`, json: item })), warnings: [] };
  if (!isRecord(json)) return fail("", "expected a JSON object, an array of objects or an OCPI response envelope");
  if (!("status_code" in json)) return { ok: true, value: [{ path: "", json }], warnings: [] };

  const code = numberOf(json.status_code);
  if (code === undefined) return fail("status_code", "expected an OCPI status code such as 1000");
  if (code < 1000 || code > 1999) {
    const message = typeof json.status_message === "string" ? `: ${json.status_message}` : "";
    return fail("status_code", `the envelope reports OCPI status ${code}${message}, not success (1xxx)`);
  }
  const data = json.data;
  if (data === undefined || data === null) return fail("data", "required field is missing");
  if (Array.isArray(data))
    return { ok: true, value: data.map((item, i) => ({ path: `data[${i}]`, json: item })), warnings: [] };
  return { ok: true, value: [{ path: "data", json: data }], warnings: [] };
}

export interface TariffDocumentOptions {
  /** The version of every tariff in the document. When absent it is detected per tariff (see `detectTariffVersion`). */
  version?: OcpiVersion;
  /** The version of a tariff that has no version-specific field (default "2.2.1"). */
  fallbackVersion?: OcpiVersion;
  /** Default "strict". */
  mode?: ParseMode;
}

/** Parses every tariff of a document (one tariff, an array, or an envelope); issue paths start at the document. */
export function parseTariffDocument(json: unknown, options: TariffDocumentOptions = {}): ParseResult<OcpiTariff[]> {
  const items = documentItems(json);
  if (!items.ok) return items;
  if (items.value.length === 0) {
    return { ok: false, errors: [{ path: "", message: "the document holds no tariff" }], warnings: [] };
  }
  const tariffs: OcpiTariff[] = [];
  const errors: ParseIssue[] = [];
  const warnings: ParseIssue[] = [];
  for (const item of items.value) {
    const version = options.version ?? detectTariffVersion(item.json) ?? options.fallbackVersion ?? "2.2.1";
    const parsed = parseTariff(item.json, version, { mode: options.mode ?? "strict" });
    warnings.push(...prefixIssues(item.path, parsed.warnings));
    if (parsed.ok) tariffs.push(parsed.value);
    else errors.push(...prefixIssues(item.path, parsed.errors));
  }
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, value: tariffs, warnings };
}

/** `parseTariffDocument`, normalized. */
export function normalizedTariffsOf(json: unknown, options: TariffDocumentOptions = {}): ParseResult<Tariff[]> {
  const parsed = parseTariffDocument(json, options);
  return parsed.ok ? { ok: true, value: parsed.value.map(toNormalizedTariff), warnings: parsed.warnings } : parsed;
}
