// Evaluation inputs from JSON documents: a session in the JSON form of the model, or an OCPI CDR (2.2.1 or 2.1.1,
// through the OCPI edge), plus facts and the purchase cost. A CDR also gives facts (CPO party, token, location, power
// type, country) and, as the purchase cost, its own total_cost; facts written next to it override those.
import type { ChargeSession } from "@voltrate/sdk";
import {
  type AmountJson,
  chargeSessionJsonSchema,
  type EvaluationInput,
  formatModelPath,
  type ModelIssue,
  type SessionFacts,
  sessionFactsSchema,
  sessionFromJson,
  TOKEN_TYPES,
} from "@voltrate/sdk/rules";
import { countryAlpha2 } from "../../protocols/ocpi/common/normalize.ts";
import {
  detectCdrVersion,
  documentItems,
  formatIssue,
  type OcpiCdr,
  parseCdr,
  toNormalizedCdr,
} from "../../protocols/ocpi/index.ts";

/** An input ready for evaluation, with where its parts came from. */
export interface LoadedInput {
  input: EvaluationInput;
  /** "session" (the JSON form) or the OCPI version of the CDR. */
  source: "session" | "ocpi-2.2.1" | "ocpi-2.1.1";
  /** Non-fatal notes (e.g. CDR fields missing that do not affect pricing). */
  warnings: string[];
}

export type InputResult = { ok: true; value: LoadedInput } | { ok: false; issues: ModelIssue[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function prefixed(prefix: string, issues: readonly ModelIssue[]): ModelIssue[] {
  return issues.map((i) => ({
    path:
      prefix === ""
        ? i.path
        : i.path === ""
          ? prefix
          : i.path.startsWith("[")
            ? prefix + i.path
            : `${prefix}.${i.path}`,
    message: i.message,
  }));
}

/** True when a JSON value looks like an OCPI CDR (or an envelope or array holding one). */
export function looksLikeCdr(json: unknown): boolean {
  const items = documentItems(json);
  if (!items.ok || items.value.length !== 1) return false;
  const item = items.value[0]!.json;
  return isRecord(item) && ("charging_periods" in item || "start_date_time" in item);
}

/** The facts an OCPI CDR tells: CPO party, token, location and EVSE, power type, country. */
export function factsFromCdr(parsed: OcpiCdr): SessionFacts {
  const facts: SessionFacts = {};
  if (parsed.version === "2.2.1") {
    const c = parsed.cdr;
    if (c.country_code && c.party_id) facts.cpo = { countryCode: c.country_code, partyId: c.party_id };
    const t = c.cdr_token;
    if (t) {
      const token: NonNullable<SessionFacts["token"]> = {};
      const type = TOKEN_TYPES.find((x) => x === t.type);
      if (type !== undefined) token.type = type;
      if (t.contract_id) token.contractId = t.contract_id;
      if (t.uid) token.uid = t.uid;
      facts.token = token;
    }
    const l = c.cdr_location;
    if (l) {
      if (l.id) facts.locationId = l.id;
      if (l.evse_id) facts.evseId = l.evse_id;
      if (l.connector_power_type) facts.powerType = l.connector_power_type === "DC" ? "DC" : "AC";
      const country = l.country ? countryAlpha2(l.country) : undefined;
      if (country) facts.country = country;
    }
  } else {
    const l = parsed.cdr.location as unknown;
    if (isRecord(l)) {
      if (typeof l.id === "string") facts.locationId = l.id;
      const country = typeof l.country === "string" ? countryAlpha2(l.country) : undefined;
      if (country) facts.country = country;
    }
  }
  return facts;
}

/** Validates session facts (JSON); issue paths start at the facts. */
export function parseFactsJson(json: unknown): { ok: true; value: SessionFacts } | { ok: false; issues: ModelIssue[] } {
  const parsed = sessionFactsSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: formatModelPath(i.path), message: i.message })) };
}

/** Merges facts: `over` wins field by field (custom properties and the token key by key). */
export function mergeFacts(base: SessionFacts, over: SessionFacts | undefined): SessionFacts {
  if (!over) return base;
  const out: SessionFacts = { ...base, ...over };
  if (base.token || over.token) out.token = { ...base.token, ...over.token };
  if (base.custom || over.custom) out.custom = { ...base.custom, ...over.custom };
  return out;
}

/**
 * A CDR document (`json` parsed with `parseJsonPreservingNumbers`) as an evaluation input: the session through the
 * OCPI edge (pricing-minimal: fields that do not affect the price may be missing), the facts it tells, and its
 * total_cost as the purchase cost.
 */
export function inputFromCdr(
  json: unknown,
  extra: { facts?: SessionFacts; purchaseCost?: AmountJson } = {},
): InputResult {
  const items = documentItems(json);
  if (!items.ok) return { ok: false, issues: items.errors };
  if (items.value.length !== 1) {
    return { ok: false, issues: [{ path: "", message: `expected one CDR, the document holds ${items.value.length}` }] };
  }
  const item = items.value[0]!;
  const version = detectCdrVersion(item.json);
  if (version === undefined) {
    return {
      ok: false,
      issues: [{ path: item.path, message: "cannot tell the OCPI version of this CDR from its fields" }],
    };
  }
  const parsed = parseCdr(item.json, version, { mode: "pricing-minimal", tariffsSupplied: true });
  if (!parsed.ok) return { ok: false, issues: prefixed(item.path, parsed.errors) };
  const normalized = toNormalizedCdr(parsed.value);
  const session: ChargeSession = normalized.session;
  const facts = mergeFacts(factsFromCdr(parsed.value), extra.facts);
  const input: EvaluationInput = { session, facts };
  const reported = session.reportedTotals?.cost;
  if (extra.purchaseCost) input.purchaseCost = extra.purchaseCost;
  else if (reported) {
    input.purchaseCost = { exclVat: reported.exclVat.toString() };
    if (reported.inclVat !== undefined) input.purchaseCost.inclVat = reported.inclVat.toString();
  }
  const warnings = [...prefixed(item.path, parsed.warnings), ...prefixed(item.path, normalized.warnings)].map(
    formatIssue,
  );
  return { ok: true, value: { input, source: version === "2.2.1" ? "ocpi-2.2.1" : "ocpi-2.1.1", warnings } };
}

/** A session in the JSON form of the model, with facts and purchase cost. */
export function inputFromSessionJson(
  json: unknown,
  extra: { facts?: unknown; purchaseCost?: AmountJson } = {},
): InputResult {
  const session = chargeSessionJsonSchema.safeParse(json);
  const issues: ModelIssue[] = [];
  if (!session.success) {
    for (const i of session.error.issues) issues.push({ path: formatModelPath(i.path), message: i.message });
  }
  let facts: SessionFacts | undefined;
  if (extra.facts !== undefined) {
    const f = sessionFactsSchema.safeParse(extra.facts);
    if (f.success) facts = f.data;
    else
      for (const i of f.error.issues) issues.push({ path: formatModelPath(["facts", ...i.path]), message: i.message });
  }
  if (!session.success || issues.length > 0) return { ok: false, issues };
  const input: EvaluationInput = { session: sessionFromJson(session.data) };
  if (facts) input.facts = facts;
  if (extra.purchaseCost) input.purchaseCost = extra.purchaseCost;
  return { ok: true, value: { input, source: "session", warnings: [] } };
}
