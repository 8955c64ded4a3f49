// From a CDR document (and, optionally, tariffs given separately) to what the pricer needs: the normalized session
// and tariffs. Parses in pricing-minimal mode by default: fields that do not affect the price may be missing.
import type { ChargeSession, Tariff } from "@voltrate/sdk";
import type { ParseMode } from "./common/engine.ts";
import { type ParseIssue, type ParseResult, prefixIssues } from "./common/issues.ts";
import { documentItems } from "./document.ts";
import { toNormalizedCdr } from "./normalize.ts";
import { parseCdr } from "./parse.ts";
import { detectCdrVersion, type OcpiVersion } from "./version.ts";

export interface CdrForPricingOptions {
  /** The CDR's OCPI version; detected from its fields when absent (see `detectCdrVersion`). */
  version?: OcpiVersion;
  /** Default "pricing-minimal". */
  mode?: ParseMode;
  /** Normalized tariffs to price with instead of the CDR's own `tariffs`. */
  tariffs?: Tariff[];
  /** An IANA time zone that overrides the one of the CDR's location. */
  timeZone?: string;
}

/** What the pricer needs from a CDR. */
export interface PricingInput {
  version: OcpiVersion;
  session: ChargeSession;
  /** The tariffs given in the options, or else the CDR's own. */
  tariffs: Tariff[];
  /** Where they come from. */
  tariffSource: "supplied" | "cdr";
}

/**
 * Parses a CDR document (a CDR object, an array holding one, or an OCPI envelope holding one) and normalizes it for
 * pricing. Errors and warnings (parse and mapping) name field paths from the document root.
 */
export function cdrForPricing(json: unknown, options: CdrForPricingOptions = {}): ParseResult<PricingInput> {
  const items = documentItems(json);
  if (!items.ok) return items;
  if (items.value.length !== 1) {
    const message = `expected one CDR, the document holds ${items.value.length}`;
    return { ok: false, errors: [{ path: "", message }], warnings: [] };
  }
  const item = items.value[0]!;
  const version = options.version ?? detectCdrVersion(item.json);
  if (version === undefined) {
    const message = "cannot tell the OCPI version of this CDR from its fields; give the version explicitly";
    return { ok: false, errors: [{ path: item.path, message }], warnings: [] };
  }
  const tariffsSupplied = options.tariffs !== undefined;
  const parsed = parseCdr(item.json, version, { mode: options.mode ?? "pricing-minimal", tariffsSupplied });
  if (!parsed.ok) {
    return {
      ok: false,
      errors: prefixIssues(item.path, parsed.errors),
      warnings: prefixIssues(item.path, parsed.warnings),
    };
  }
  const normalized = toNormalizedCdr(parsed.value);
  const tariffs = options.tariffs ?? normalized.tariffs;
  const session: ChargeSession =
    options.timeZone === undefined ? normalized.session : { ...normalized.session, timeZone: options.timeZone };
  const warnings = [...parsed.warnings, ...normalized.warnings, ...unknownTariffReferences(session, tariffs)];
  return {
    ok: true,
    value: { version, session, tariffs, tariffSource: tariffsSupplied ? "supplied" : "cdr" },
    warnings: prefixIssues(item.path, warnings),
  };
}

function unknownTariffReferences(session: ChargeSession, tariffs: readonly Tariff[]): ParseIssue[] {
  const ids = new Set(tariffs.map((t) => t.id));
  const out: ParseIssue[] = [];
  session.chargingPeriods.forEach((p, i) => {
    if (p.tariffId !== undefined && !ids.has(p.tariffId)) {
      out.push({
        path: `charging_periods[${i}].tariff_id`,
        message: `refers to tariff "${p.tariffId}", which is not given`,
      });
    }
  });
  return out;
}
