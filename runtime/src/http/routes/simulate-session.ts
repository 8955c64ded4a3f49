// The evaluation input of a stored session, for POST /api/v1/rulesets/{id}/simulate with `sessionId`: the current
// revision's input snapshot parsed as the pipeline parses it, with the facts the pipeline would look up — CPO,
// location, EVSE and token from the input (and from the priced record when there is one), product, subscription,
// power type and maximum power from the master data valid at the session's start — and, as the purchase cost, what was
// billed (or the CDR's own total) when it is in the rule set's currency.
import { type AmountJson, type EvaluationInput, type SessionFacts, TOKEN_TYPES } from "@voltrate/sdk/rules";
import { type ParsedSession, parseInput } from "../../pipeline/parse-input.ts";
import type { PipelineMasterData } from "../../pipeline/ports.ts";
import type { SessionRecords } from "../../pipeline/records.ts";
import type { PricedSession, SessionRevision } from "../../pipeline/vocabulary.ts";

/** What the route needs of the session store. */
export type StoredSessions = Pick<SessionRecords, "head" | "revision">;

export type StoredSessionInput =
  | { ok: false; status: 404 | 409 | 422; detail: string }
  | {
      ok: true;
      input: EvaluationInput;
      source: "session" | "ocpi-2.2.1" | "ocpi-2.1.1";
      warnings: string[];
      /** Which stored record was priced, for the caller to show. */
      storedSession: { id: string; revision: number; format: string; start: string };
    };

const SOURCE_OF = { normalized: "session", "ocpi-2.2.1": "ocpi-2.2.1", "ocpi-2.1.1": "ocpi-2.1.1" } as const;

export async function storedSessionInput(
  sessions: StoredSessions,
  masterData: PipelineMasterData | undefined,
  sessionId: string,
  currency: string,
  override: { facts?: SessionFacts; purchaseCost?: AmountJson } = {},
): Promise<StoredSessionInput> {
  const head = await sessions.head(sessionId);
  if (!head) return { ok: false, status: 404, detail: `There is no stored session "${sessionId}".` };
  const revision = head.currentRevisionId === null ? null : await sessions.revision(head.currentRevisionId);
  if (!revision) {
    return { ok: false, status: 409, detail: `Session "${sessionId}" is still being processed; try again shortly.` };
  }
  const { input: snapshot } = revision;
  const parsed = parseInput(snapshot.format, snapshot.payload, snapshot.sourceParty, snapshot.sessionId);
  if (!parsed.ok) {
    return { ok: false, status: 422, detail: `The stored input of session "${sessionId}" can no longer be read.` };
  }
  const warnings = [...parsed.value.warnings];
  const input: EvaluationInput = {
    session: parsed.value.session,
    facts: override.facts ?? (await factsOf(parsed.value, revision.priced, masterData)),
  };
  const purchaseCost = override.purchaseCost ?? purchaseCostOf(revision, parsed.value, currency);
  if (purchaseCost) input.purchaseCost = purchaseCost;
  else warnings.push(`no purchase cost in ${currency} is known for this session`);
  return {
    ok: true,
    input,
    source: SOURCE_OF[snapshot.format],
    warnings,
    storedSession: {
      id: head._id,
      revision: revision.revision,
      format: snapshot.format,
      start: parsed.value.session.start.toISOString(),
    },
  };
}

/** What was billed for the purchase side, else the source's own total, in `currency`. */
function purchaseCostOf(revision: SessionRevision, parsed: ParsedSession, currency: string): AmountJson | undefined {
  const wanted = currency.toUpperCase();
  const priced = revision.priced;
  if (priced?.purchase.currency.toUpperCase() === wanted) return { exclVat: priced.purchase.exclVat };
  if (priced?.totals.currency.toUpperCase() === wanted) {
    return { exclVat: priced.totals.purchaseExclVat, inclVat: priced.totals.purchaseInclVat };
  }
  const reported = parsed.reportedCost;
  if (reported?.currency.toUpperCase() === wanted) {
    return { exclVat: reported.exclVat, ...(reported.inclVat ? { inclVat: reported.inclVat } : {}) };
  }
  return undefined;
}

async function factsOf(
  parsed: ParsedSession,
  priced: PricedSession | undefined,
  md: PipelineMasterData | undefined,
): Promise<SessionFacts> {
  const cpo = priced?.cpo ?? parsed.cpo;
  const [countryCode, partyId] = cpo.split("*") as [string, string];
  const at = parsed.session.start;
  const l = parsed.location;
  const tokenUid = priced?.tokenUid ?? parsed.token.uid;
  let contractId = priced?.contractId ?? parsed.token.contractId;
  let product: string | undefined;
  let subscription: string | undefined;
  let powerType = l.powerType;
  let maxPowerKw = l.maxPowerKw;
  let country = priced?.session.country ?? l.country;
  if (md) {
    // The contract the token belonged to at the start, as the lookups stage finds it (a drop-out has no priced record).
    if (priced === undefined && tokenUid !== undefined) {
      const token = await md.token(tokenUid, at).catch(() => null);
      contractId = token?.atStart?.contractId ?? contractId;
    }
    const [contract, location] = await Promise.all([
      contractId ? md.contract(contractId, at).catch(() => null) : Promise.resolve(null),
      md
        .location(
          {
            cpo,
            ...(l.id ? { locationId: l.id } : {}),
            ...(l.evseUid ? { evseUid: l.evseUid } : {}),
            ...(l.evseId ? { evseId: l.evseId } : {}),
          },
          at,
        )
        .catch(() => null),
    ]);
    product = contract?.product ?? undefined;
    subscription = contract?.subscription ?? undefined;
    powerType = location?.powerType ?? powerType;
    maxPowerKw = location?.maxPowerKw ?? maxPowerKw;
    country = location?.country ?? country;
  }
  const tokenType = TOKEN_TYPES.find((t) => t === parsed.token.type);
  const locationId = priced?.session.locationId ?? l.id;
  const evseId = priced?.session.evseId ?? l.evseId;
  return {
    cpo: { countryCode, partyId },
    ...(country ? { country } : {}),
    ...(powerType ? { powerType } : {}),
    ...(maxPowerKw ? { maxPowerKw } : {}),
    token: {
      ...(tokenUid ? { uid: tokenUid } : {}),
      ...(tokenType ? { type: tokenType } : {}),
      // As the lookups stage: the token's own contract id (eMAID) when the input has one, else the contract's.
      ...((parsed.token.contractId ?? contractId) ? { contractId: parsed.token.contractId ?? contractId } : {}),
    },
    ...(product ? { product } : {}),
    ...(subscription ? { subscription } : {}),
    ...(locationId ? { locationId } : {}),
    ...(evseId ? { evseId } : {}),
  };
}
