// The forms a session arrives in (normalized JSON, OCPI 2.2.1 CDR, OCPI 2.1.1 CDR): telling them apart, finding the
// idempotency key (source party, session id) and parsing one into what the pipeline works on. Used by ingestion (to
// answer malformed input with the field) and by the basic checks (to re-run from the stored input snapshot).
import { type ChargeSession, type Dec, dec, Energy, type Tariff } from "@voltrate/sdk";
import { sessionFromJson } from "@voltrate/sdk/rules";
import {
  countryAlpha2,
  detectCdrVersion,
  formatPath,
  type OcpiCdr,
  ocpiInstant,
  type ParseIssue,
  parseCdr,
  parseTariff,
  toNormalizedCdr,
  toNormalizedTariff,
} from "../protocols/ocpi/index.ts";
import {
  type InputFormat,
  type NormalizedSessionInput,
  normalizedSessionInputSchema,
  PARTY_PATTERN,
} from "./vocabulary.ts";

/** What the pipeline knows about a session after parsing. */
export interface ParsedSession {
  format: InputFormat;
  sourceParty: string;
  sessionId: string;
  /** The CPO whose charger it was ("NL*ABC"). */
  cpo: string;
  /** The CPO's own id of the charging session (OCPI session_id; else the session id): duplicates by id compare it. */
  cpoSessionId: string;
  session: ChargeSession;
  /** The tariffs the source priced with (the CDR's own), normalized. */
  tariffs: Tariff[];
  token: { uid?: string; type?: string; contractId?: string };
  location: {
    id?: string;
    evseUid?: string;
    evseId?: string;
    connectorId?: string;
    powerType?: "AC" | "DC";
    /** kW, when the source tells it (2.1.1: voltage × amperage × phases). */
    maxPowerKw?: string;
    /** ISO 3166-1 alpha-2. */
    country?: string;
  };
  /** The source's total cost, excl. (and incl.) VAT, in the session currency. */
  reportedCost?: { currency: string; exclVat: string; inclVat?: string };
  /** Warnings of the parse (fields dropped in pricing-minimal mode, mapping notes). */
  warnings: string[];
}

export type ParseInputResult = { ok: true; value: ParsedSession } | { ok: false; errors: ParseIssue[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The form of one item: normalized (has `sourceParty` or camelCase `chargingPeriods`) or an OCPI CDR version. */
export function detectFormat(json: unknown): InputFormat | undefined {
  if (!isRecord(json)) return undefined;
  if ("sourceParty" in json || "chargingPeriods" in json) return "normalized";
  const version = detectCdrVersion(json);
  return version === undefined ? undefined : `ocpi-${version}`;
}

export type Identity = { ok: true; sourceParty: string; sessionId: string } | { ok: false; errors: ParseIssue[] };

/** "BE-BEC-E041503003" / "BE*BEC*E041503003" → "BE*BEC" (eMI3 EVSE ids start with the operator's party). */
export function partyOfEvseId(evseId: string): string | undefined {
  const m = /^([A-Za-z]{2})[*-]?([A-Za-z0-9]{3})[*-]?E/.exec(evseId);
  return m ? `${m[1]}*${m[2]}`.toUpperCase() : undefined;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);

/**
 * The idempotency key of an item. OCPI 2.2.1: country_code*party_id and the CDR id. OCPI 2.1.1 has no party in the
 * CDR: `partyOverride` (the `party` query parameter), else the operator prefix of the first EVSE id. Normalized:
 * `sourceParty` and `id`.
 */
export function identify(format: InputFormat, json: unknown, partyOverride?: string): Identity {
  const fail = (path: string, message: string): Identity => ({ ok: false, errors: [{ path, message }] });
  if (!isRecord(json)) return fail("", "expected a JSON object");
  if (partyOverride !== undefined && !PARTY_PATTERN.test(partyOverride)) {
    return fail("party", 'expected a party as country code*party id ("NL*ABC")');
  }
  if (format === "normalized") {
    const party = text(json.sourceParty);
    if (!party) return fail("sourceParty", "required field is missing");
    if (!PARTY_PATTERN.test(party)) return fail("sourceParty", 'expected a party as country code*party id ("NL*ABC")');
    const id = text(json.id);
    if (!id) return fail("id", "required field is missing");
    return { ok: true, sourceParty: party.toUpperCase(), sessionId: id };
  }
  const id = text(json.id);
  if (!id) return fail("id", "required field is missing (the CDR id identifies the session)");
  if (format === "ocpi-2.2.1") {
    const cc = text(json.country_code);
    const pid = text(json.party_id);
    if (!cc) return fail("country_code", "required field is missing (it names the CPO that sends the CDR)");
    if (!pid) return fail("party_id", "required field is missing (it names the CPO that sends the CDR)");
    const party = `${cc}*${pid}`;
    if (!PARTY_PATTERN.test(party))
      return fail("party_id", "expected a 2-letter country_code and a 3-character party_id");
    return { ok: true, sourceParty: partyOverride?.toUpperCase() ?? party.toUpperCase(), sessionId: id };
  }
  if (partyOverride) return { ok: true, sourceParty: partyOverride.toUpperCase(), sessionId: id };
  const location = isRecord(json.location) ? json.location : undefined;
  const evses = Array.isArray(location?.evses) ? location.evses : [];
  for (const evse of evses) {
    const evseId = isRecord(evse) ? text(evse.evse_id) : undefined;
    const party = evseId ? partyOfEvseId(evseId) : undefined;
    if (party) return { ok: true, sourceParty: party, sessionId: id };
  }
  return fail(
    "location.evses[0].evse_id",
    'cannot tell the CPO of an OCPI 2.1.1 CDR: give ?party=CC*PID or an EVSE id such as "BE*BEC*E041503003"',
  );
}

function zodIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): ParseIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** Parses one item of a known form and key. Errors name the field path within the item. */
export function parseInput(
  format: InputFormat,
  json: unknown,
  sourceParty: string,
  sessionId: string,
): ParseInputResult {
  return format === "normalized"
    ? parseNormalized(json, sourceParty, sessionId)
    : parseOcpi(format, json, sourceParty, sessionId);
}

function parseNormalized(json: unknown, sourceParty: string, sessionId: string): ParseInputResult {
  const parsed = normalizedSessionInputSchema.safeParse(json);
  if (!parsed.success) return { ok: false, errors: zodIssues(parsed.error) };
  const input: NormalizedSessionInput = parsed.data;
  const { tariffs: rawTariffs, token, location, reported, sourceParty: _s, cpo, ...sessionJson } = input;
  const session = sessionFromJson({ ...sessionJson, ...(reported ? { reported } : {}) });
  session.currency = input.currency.toUpperCase();
  if (input.countryCode) session.countryCode = input.countryCode.toUpperCase();
  const tariffs: Tariff[] = [];
  const errors: ParseIssue[] = [];
  const warnings: string[] = [];
  (rawTariffs ?? []).forEach((t, i) => {
    const result = parseTariff(t, "2.2.1", { mode: "pricing-minimal" });
    if (!result.ok) {
      for (const e of result.errors)
        errors.push({ path: `tariffs[${i}]${e.path ? `.${e.path}` : ""}`, message: e.message });
      return;
    }
    for (const w of result.warnings) warnings.push(`tariffs[${i}].${w.path}: ${w.message}`);
    tariffs.push(toNormalizedTariff(result.value));
  });
  if (errors.length > 0) return { ok: false, errors };
  const value: ParsedSession = {
    format: "normalized",
    sourceParty,
    sessionId,
    cpo: (cpo ?? sourceParty).toUpperCase(),
    cpoSessionId: input.id,
    session,
    tariffs,
    token: {
      uid: token.uid,
      ...(token.type ? { type: token.type } : {}),
      ...(token.contractId ? { contractId: token.contractId } : {}),
    },
    location: {
      ...(location?.id ? { id: location.id } : {}),
      ...(location?.evseUid ? { evseUid: location.evseUid } : {}),
      ...(location?.evseId ? { evseId: location.evseId } : {}),
      ...(location?.connectorId ? { connectorId: location.connectorId } : {}),
      ...(location?.powerType ? { powerType: location.powerType } : {}),
      ...(location?.maxPowerKw ? { maxPowerKw: location.maxPowerKw } : {}),
      ...(input.countryCode ? { country: input.countryCode.toUpperCase() } : {}),
    },
    warnings,
  };
  if (reported?.cost) {
    value.reportedCost = {
      currency: session.currency ?? input.currency,
      exclVat: reported.cost.exclVat,
      ...(reported.cost.inclVat !== undefined ? { inclVat: reported.cost.inclVat } : {}),
    };
  }
  return { ok: true, value };
}

function parseOcpi(
  format: "ocpi-2.2.1" | "ocpi-2.1.1",
  json: unknown,
  sourceParty: string,
  sessionId: string,
): ParseInputResult {
  const version = format === "ocpi-2.2.1" ? "2.2.1" : "2.1.1";
  let parsed: ReturnType<typeof parseCdr>;
  try {
    parsed = parseCdr(json, version, { mode: "pricing-minimal" });
  } catch (error) {
    // The OCPI schemas' cross-field checks can throw on a malformed date instead of reporting it: name the field.
    return { ok: false, errors: [badDateField(json) ?? { path: "", message: (error as Error).message }] };
  }
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const normalized = toNormalizedCdr(parsed.value);
  const warnings = [...parsed.warnings, ...normalized.warnings].map((w) =>
    w.path ? `${w.path}: ${w.message}` : w.message,
  );
  const value: ParsedSession = {
    format,
    sourceParty,
    sessionId,
    cpo: sourceParty,
    cpoSessionId: sessionId,
    session: { ...normalized.session, id: sessionId },
    tariffs: normalized.tariffs,
    token: {},
    location: {},
    warnings,
  };
  extractOcpiFacts(parsed.value, value);
  const cost = normalized.session.reportedTotals?.cost;
  if (cost) {
    value.reportedCost = {
      currency: parsed.value.cdr.currency.toUpperCase(),
      exclVat: cost.exclVat.toString(),
      ...(cost.inclVat !== undefined ? { inclVat: cost.inclVat.toString() } : {}),
    };
  }
  return { ok: true, value };
}

const DATE_FIELDS = ["start_date_time", "end_date_time", "stop_date_time", "last_updated"];

function badDateField(json: unknown): ParseIssue | undefined {
  if (!isRecord(json)) return undefined;
  for (const field of DATE_FIELDS) {
    const value = json[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string")
      return { path: field, message: "expected an OCPI DateTime such as 2015-06-29T20:39:09Z" };
    try {
      ocpiInstant(value);
    } catch {
      return { path: field, message: "expected an OCPI DateTime such as 2015-06-29T20:39:09Z" };
    }
  }
  return undefined;
}

function powerTypeOf(ocpi: string | undefined): "AC" | "DC" | undefined {
  if (ocpi === undefined) return undefined;
  return ocpi === "DC" ? "DC" : "AC";
}

function extractOcpiFacts(parsed: OcpiCdr, out: ParsedSession): void {
  if (parsed.version === "2.2.1") {
    const cdr = parsed.cdr;
    if (cdr.session_id) out.cpoSessionId = cdr.session_id;
    const t = cdr.cdr_token;
    if (t) {
      out.token = {
        ...(t.uid ? { uid: t.uid } : {}),
        ...(t.type ? { type: t.type } : {}),
        ...(t.contract_id ? { contractId: t.contract_id } : {}),
      };
    }
    const l = cdr.cdr_location;
    if (l) {
      const country = l.country ? countryAlpha2(l.country) : undefined;
      const powerType = powerTypeOf(l.connector_power_type);
      out.location = {
        ...(l.id ? { id: l.id } : {}),
        ...(l.evse_uid ? { evseUid: l.evse_uid } : {}),
        ...(l.evse_id ? { evseId: l.evse_id } : {}),
        ...(l.connector_id ? { connectorId: l.connector_id } : {}),
        ...(powerType ? { powerType } : {}),
        ...(country ? { country } : {}),
      };
    }
    return;
  }
  const cdr = parsed.cdr;
  if (cdr.auth_id) out.token = { uid: cdr.auth_id, contractId: cdr.auth_id };
  const l = cdr.location;
  if (!l) return;
  const evse = l.evses?.[0];
  const connector = evse?.connectors?.[0];
  const country = l.country ? countryAlpha2(l.country) : undefined;
  const powerType = powerTypeOf(connector?.power_type);
  let maxPowerKw: string | undefined;
  if (connector?.voltage !== undefined && connector.amperage !== undefined) {
    const phases = connector.power_type === "AC_3_PHASE" ? 3 : 1;
    maxPowerKw = dec(String(connector.voltage)).times(connector.amperage).times(phases).div(1000).toString();
  }
  out.location = {
    ...(l.id ? { id: l.id } : {}),
    ...(evse?.uid ? { evseUid: evse.uid } : {}),
    ...(evse?.evse_id ? { evseId: evse.evse_id } : {}),
    ...(connector?.id ? { connectorId: connector.id } : {}),
    ...(powerType ? { powerType } : {}),
    ...(maxPowerKw ? { maxPowerKw } : {}),
    ...(country ? { country } : {}),
  };
}

/** Total energy of the session: the sum of the periods' energy, else the reported total. */
export function sessionEnergy(session: ChargeSession): Dec {
  let sum: Energy | undefined;
  for (const p of session.chargingPeriods) {
    const e = p.dimensions.energy;
    if (e) sum = sum ? sum.plus(e) : e;
  }
  return (sum ?? session.reportedTotals?.energy ?? Energy.kwh("0")).kwh;
}
