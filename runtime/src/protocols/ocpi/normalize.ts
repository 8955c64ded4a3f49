// Parsed OCPI objects → the normalized model. This is what leaves the OCPI edge.
import type { ChargeSession, Tariff } from "@voltrate/sdk";
import type { Mapped } from "./common/normalize.ts";
import type { OcpiCdr, OcpiTariff } from "./parse.ts";
import * as v211 from "./v2_1_1/to-normalized.ts";
import * as v221 from "./v2_2_1/to-normalized.ts";

/** A parsed tariff of either version as the normalized tariff. */
export function toNormalizedTariff(parsed: OcpiTariff): Tariff {
  return parsed.version === "2.2.1" ? v221.tariffToNormalized(parsed.tariff) : v211.tariffToNormalized(parsed.tariff);
}

/** A parsed CDR of either version as the normalized charge session (see `toNormalizedCdr` for the warnings). */
export function toNormalizedSession(parsed: OcpiCdr): ChargeSession {
  return toNormalizedCdr(parsed).session;
}

/** A CDR, normalized: the session, the CDR's own tariffs, and what the mapping noticed. */
export interface NormalizedCdr {
  session: ChargeSession;
  /** The CDR's own `tariffs`, normalized (empty when it has none). */
  tariffs: Tariff[];
  /** Mapping warnings (e.g. an unknown dimension type), each naming the field path in the CDR. */
  warnings: Mapped<unknown>["warnings"];
}

/** A parsed CDR of either version, normalized with its own tariffs. */
export function toNormalizedCdr(parsed: OcpiCdr): NormalizedCdr {
  if (parsed.version === "2.2.1") {
    const { value, warnings } = v221.cdrToNormalizedSession(parsed.cdr);
    return { session: value, tariffs: (parsed.cdr.tariffs ?? []).map(v221.tariffToNormalized), warnings };
  }
  const { value, warnings } = v211.cdrToNormalizedSession(parsed.cdr);
  return { session: value, tariffs: (parsed.cdr.tariffs ?? []).map(v211.tariffToNormalized), warnings };
}
