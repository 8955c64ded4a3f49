// Stage 2, lookups: everything valid at the session's start. Token → contract → customer → administration;
// location/EVSE → CPO; the roaming agreement between that CPO and the administration; the sales ruleset (the
// contract's) and the purchase ruleset (the agreement's) at the versions in effect at the start. Every entity
// version used is recorded. Instructions "treat token as" and "use ruleset" apply here.
import type { SessionFacts } from "@voltrate/sdk/rules";
import type { ParsedSession } from "../parse-input.ts";
import type { ResolvedRuleset, VersionStamp } from "../ports.ts";
import { fail, type LookupResult, pass, type StageContext, type StageOutcome } from "../types.ts";
import type { MasterDataRef, RulesetRef } from "../vocabulary.ts";

const iso = (v: Date | string | null): string | null =>
  v === null ? null : typeof v === "string" ? v : v.toISOString();

export function stampOf(v: VersionStamp): MasterDataRef {
  return {
    entityType: v.entityType,
    entityId: v.entityId,
    version: v.version,
    validFrom: iso(v.validFrom) ?? "",
    validTo: iso(v.validTo),
  };
}

class LookupFailed extends Error {
  readonly what: string;
  constructor(what: string, cause: unknown) {
    super(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.what = what;
  }
}

async function guarded<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new LookupFailed(what, error);
  }
}

export async function lookups(parsed: ParsedSession, ctx: StageContext): Promise<StageOutcome<LookupResult>> {
  try {
    return await run(parsed, ctx);
  } catch (error) {
    if (error instanceof LookupFailed) {
      return fail("MASTER_DATA_UNAVAILABLE", `reading the ${error.message}`, { lookup: error.what });
    }
    throw error;
  }
}

async function run(parsed: ParsedSession, ctx: StageContext): Promise<StageOutcome<LookupResult>> {
  const at = parsed.session.start;
  const atText = at.toISOString();
  const md = ctx.masterData;
  const instruction = ctx.instruction;
  const refs: MasterDataRef[] = [];

  let uid = parsed.token.uid ?? "";
  if (instruction?.type === "treatTokenAs") {
    ctx.applied(`token ${uid} treated as ${instruction.tokenUid}`, { from: uid, to: instruction.tokenUid });
    uid = instruction.tokenUid;
  }
  const token = await guarded("token", () => md.token(uid, at));
  const tokenFacts = token.atStart ?? token.any;
  if (!tokenFacts) return fail("TOKEN_UNKNOWN", `no token with uid ${uid}`, { tokenUid: uid });
  refs.push(stampOf(tokenFacts));
  const tokenValidAtStart = token.atStart !== null && token.atStart.valid !== false;

  const contractId = tokenFacts.contractId ?? undefined;
  if (!contractId) return fail("CONTRACT_UNKNOWN", `token ${uid} has no contract`, { tokenUid: uid });
  const contract = await guarded("contract", () => md.contract(contractId, at));
  if (!contract) {
    return fail("CONTRACT_UNKNOWN", `contract ${contractId} of token ${uid} is not valid at ${atText}`, {
      tokenUid: uid,
      contractId,
    });
  }
  refs.push(stampOf(contract));
  for (const related of contract.related ?? []) refs.push(stampOf(related));

  const customer = await guarded("customer", () => md.customer(contract.customerId, at));
  if (!customer) {
    return fail(
      "CUSTOMER_UNKNOWN",
      `customer ${contract.customerId} of contract ${contract.id} is not known at ${atText}`,
      {
        contractId: contract.id,
        customerId: contract.customerId,
      },
    );
  }
  refs.push(stampOf(customer));

  const administration = await guarded("administration", () => md.administration(contract.administrationId, at));
  if (!administration) {
    return fail(
      "ADMINISTRATION_UNKNOWN",
      `administration ${contract.administrationId} of contract ${contract.id} is not known at ${atText}`,
      { contractId: contract.id, administrationId: contract.administrationId },
    );
  }
  refs.push(stampOf(administration));

  const l = parsed.location;
  const locationRef = {
    cpo: parsed.cpo,
    ...(l.id ? { locationId: l.id } : {}),
    ...(l.evseUid ? { evseUid: l.evseUid } : {}),
    ...(l.evseId ? { evseId: l.evseId } : {}),
  };
  const location = await guarded("location", () => md.location(locationRef, at));
  if (!location) {
    const what = [l.id && `location ${l.id}`, l.evseUid && `EVSE ${l.evseUid}`, l.evseId && `EVSE id ${l.evseId}`]
      .filter(Boolean)
      .join(", ");
    return fail("LOCATION_UNKNOWN", `${what} of ${parsed.cpo} is not known at ${atText}`, locationRef);
  }
  refs.push(stampOf(location));
  if (location.cpo.toUpperCase() !== parsed.cpo) {
    ctx.warn(`the location is operated by ${location.cpo}, the session came as ${parsed.cpo}`, {
      locationCpo: location.cpo,
      sessionCpo: parsed.cpo,
    });
  }
  const cpoId = location.cpo.toUpperCase();
  const cpo = await guarded("party", () => md.party(cpoId, at));
  if (!cpo) return fail("PARTY_UNKNOWN", `CPO ${cpoId} is not known at ${atText}`, { party: cpoId });
  refs.push(stampOf(cpo));

  const agreement = await guarded("agreement", () => md.agreement(cpoId, administration.id, at));
  if (!agreement) {
    return fail("AGREEMENT_MISSING", `no roaming agreement between ${cpoId} and ${administration.id} at ${atText}`, {
      party: cpoId,
      administrationId: administration.id,
    });
  }
  refs.push(stampOf(agreement));

  const rulesetRefs: RulesetRef[] = [];
  const fresh = instruction !== undefined || ctx.knownAt.getTime() !== ctx.now.getTime();
  const resolve = async (
    side: "sales" | "purchase",
    rulesetId: string,
    version?: number,
  ): Promise<ResolvedRuleset | StageOutcome<LookupResult>> => {
    const resolved =
      version === undefined
        ? await guarded(`${side} ruleset`, () => ctx.rulesets.resolve(rulesetId, at, ctx.knownAt, fresh))
        : await guarded(`${side} ruleset`, () => ctx.rulesets.version(rulesetId, version));
    if (!resolved) {
      return fail(
        "RULESET_VERSION_MISSING",
        version === undefined
          ? `${side} ruleset ${rulesetId} has no version in effect at ${atText}`
          : `${side} ruleset ${rulesetId} has no version ${version}`,
        { side, rulesetId, ...(version === undefined ? { at: atText } : { version }) },
      );
    }
    return resolved;
  };

  let salesRulesetId = contract.salesRulesetId ?? undefined;
  let salesVersion: number | undefined;
  const useSales = instruction?.type === "useRuleset" && instruction.side === "sales" ? instruction : undefined;
  if (useSales) {
    ctx.applied(`sales ruleset ${useSales.rulesetId} used instead of ${salesRulesetId ?? "none"}`, { ...useSales });
    salesRulesetId = useSales.rulesetId;
    salesVersion = useSales.version;
  }
  if (!salesRulesetId) {
    return fail("RULESET_MISSING", `contract ${contract.id} names no sales ruleset`, {
      side: "sales",
      contractId: contract.id,
    });
  }
  const sales = await resolve("sales", salesRulesetId, salesVersion);
  if (!("content" in sales)) return sales;
  rulesetRefs.push(refOf("sales", sales, useSales !== undefined));

  let purchase: ResolvedRuleset | undefined;
  const usePurchase = instruction?.type === "useRuleset" && instruction.side === "purchase" ? instruction : undefined;
  if (instruction?.type === "acceptCpoPrice") {
    ctx.applied("purchase ruleset not looked up: the CPO's price is accepted");
  } else if (usePurchase) {
    ctx.applied(`purchase ruleset ${usePurchase.rulesetId} used instead of the agreement's`, { ...usePurchase });
    const r = await resolve("purchase", usePurchase.rulesetId, usePurchase.version);
    if (!("content" in r)) return r;
    purchase = r;
  } else if (agreement.purchasePricing === "ruleset") {
    const id = agreement.purchaseRulesetId ?? undefined;
    if (!id) {
      return fail("RULESET_MISSING", `agreement ${agreement.id} prices by ruleset but names none`, {
        side: "purchase",
        agreementId: agreement.id,
      });
    }
    const r = await resolve("purchase", id);
    if (!("content" in r)) return r;
    purchase = r;
  }
  if (purchase) rulesetRefs.push(refOf("purchase", purchase, usePurchase !== undefined));

  const [countryCode, partyId] = cpoId.split("*") as [string, string];
  const powerType = location.powerType ?? l.powerType;
  const maxPowerKw = location.maxPowerKw ?? l.maxPowerKw;
  const facts: SessionFacts = {
    cpo: { countryCode, partyId },
    country: location.country,
    ...(powerType ? { powerType } : {}),
    ...(maxPowerKw ? { maxPowerKw } : {}),
    token: {
      uid,
      ...(isTokenType(parsed.token.type) ? { type: parsed.token.type } : {}),
      ...(parsed.token.contractId ? { contractId: parsed.token.contractId } : { contractId: contract.id }),
    },
    ...(contract.product ? { product: contract.product } : {}),
    ...(contract.subscription ? { subscription: contract.subscription } : {}),
    locationId: location.locationId,
    ...((location.evseId ?? l.evseId) ? { evseId: (location.evseId ?? l.evseId) as string } : {}),
  };
  const config = await ctx.checkConfig(administration.id);

  ctx.trace(
    `token ${uid} → contract ${contract.id} → customer ${customer.id} → administration ${administration.id}; ` +
      `location ${location.locationId} → CPO ${cpoId}; agreement ${agreement.id} (${agreement.purchasePricing})`,
    {
      versions: [
        ...refs.map((r) => `${r.entityType}:${r.entityId}@${r.version}`),
        ...rulesetRefs.map((r) => `${r.side} ruleset:${r.rulesetId}@${r.version}`),
      ],
    },
  );
  const result: LookupResult = {
    token: tokenFacts,
    tokenValidAtStart,
    contract,
    customer,
    administration,
    location,
    cpo,
    agreement,
    salesRuleset: sales,
    rulesetRefs,
    masterData: refs,
    facts,
    config,
  };
  if (purchase) result.purchaseRuleset = purchase;
  return pass(result);
}

function refOf(side: "sales" | "purchase", r: ResolvedRuleset, byInstruction: boolean): RulesetRef {
  return {
    side,
    rulesetId: r.rulesetId,
    version: r.version,
    hash: r.contentHash,
    effectiveFrom: r.effectiveFrom,
    ...(byInstruction ? { byInstruction: true } : {}),
  };
}

const TOKEN_TYPES = new Set(["AD_HOC_USER", "APP_USER", "OTHER", "RFID"]);
function isTokenType(t: string | undefined): t is "AD_HOC_USER" | "APP_USER" | "OTHER" | "RFID" {
  return t !== undefined && TOKEN_TYPES.has(t);
}
